// What an operator configures in `.env` and how it maps onto PocketBase's settings. Pure: the
// setup script applies the patch through the superuser API (settings live encrypted in the DB).
import { isIP } from "node:net";

export interface DeploymentConfig {
  appUrl: string;
  /** `host:port` PocketBase listens on. */
  listen: string;
  /** CORS origins for `serve --origins`; `*` allows any. */
  origins: string[];
  /** Header the reverse proxy sets to the client's address; "" trusts none. */
  trustedProxyHeader: string;
  /** IPs/CIDRs allowed to use superuser APIs; empty allows all. Loopback is always added. */
  superuserIps: string[];
  backupCron: string;
  backupKeep: number;
  smtp: { host: string; port: number; username: string; password: string; sender: string };
  s3Backups?: S3Target;
  /** PocketBase's file storage (attachments, avatars) on S3 instead of pb_data/storage. */
  s3Files?: S3Target;
}

export interface S3Target {
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
}

/** `.env` keys of the two S3 targets: PocketBase's backups and its file storage. */
export const S3_ENV_PREFIXES = { backups: "S3_BACKUP_", files: "S3_FILES_" } as const;
const S3_FIELDS = ["BUCKET", "REGION", "ENDPOINT", "ACCESS_KEY", "SECRET"] as const;
export const S3_ENV_KEYS = Object.values(S3_ENV_PREFIXES).flatMap((p) =>
  S3_FIELDS.map((f) => `${p}${f}`),
);

function s3Target(env: Record<string, string | undefined>, prefix: string): S3Target | undefined {
  if (!env[`${prefix}BUCKET`]) return undefined;
  const target = {
    bucket: get(env, `${prefix}BUCKET`),
    // PocketBase's S3 client signs for a region; S3-compatible servers accept any
    region: get(env, `${prefix}REGION`) || "us-east-1",
    endpoint: get(env, `${prefix}ENDPOINT`),
    accessKey: get(env, `${prefix}ACCESS_KEY`),
    secret: get(env, `${prefix}SECRET`),
  };
  for (const [field, value] of Object.entries({
    ENDPOINT: target.endpoint,
    ACCESS_KEY: target.accessKey,
    SECRET: target.secret,
  })) {
    if (!value) throw new ConfigError(`${prefix}BUCKET is set, so ${prefix}${field} must be too.`);
  }
  if (!/^https?:\/\//.test(target.endpoint)) {
    throw new ConfigError(`${prefix}ENDPOINT must be an http(s):// URL, got "${target.endpoint}".`);
  }
  return target;
}

/** Keys `npm run setup` writes with these defaults when missing; PB_* secrets are generated. */
export const CONFIG_DEFAULTS: Record<string, { value: string; comment: string }> = {
  KONVERT_APP_URL: { value: "http://127.0.0.1:8090", comment: "public URL (links in e-mails)" },
  PB_HTTP: {
    value: "127.0.0.1:8090",
    comment: "listen address; keep it on loopback behind nginx (the proxy header is trusted)",
  },
  KONVERT_ORIGINS: { value: "*", comment: "CORS: comma-separated frontend origins" },
  KONVERT_TRUSTED_PROXY_HEADER: {
    value: "X-Real-IP",
    comment: "header nginx sets to the client IP (rate limits key on it); empty when no proxy",
  },
  KONVERT_SUPERUSER_IPS: { value: "", comment: "comma-separated IPs/CIDRs for the dashboard" },
  KONVERT_BACKUP_CRON: { value: "0 3 * * *", comment: "PocketBase's own scheduled backups" },
  KONVERT_BACKUP_KEEP: { value: "7", comment: "how many scheduled backups PocketBase keeps" },
  SMTP_HOST: { value: "", comment: "SMTP placeholders: mail stays off until SMTP_HOST is set" },
  SMTP_PORT: { value: "587", comment: "" },
  SMTP_USERNAME: { value: "", comment: "" },
  SMTP_PASSWORD: { value: "", comment: "" },
  SMTP_SENDER: { value: "noreply@example.com", comment: "" },
};

export class ConfigError extends Error {}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function get(env: Record<string, string | undefined>, key: string): string {
  return env[key] ?? CONFIG_DEFAULTS[key]?.value ?? "";
}

export function configFromEnv(env: Record<string, string | undefined>): DeploymentConfig {
  const listen = get(env, "PB_HTTP");
  const trustedProxyHeader = get(env, "KONVERT_TRUSTED_PROXY_HEADER").trim();
  const host = listen.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  if (trustedProxyHeader && !isLoopback(host)) {
    // PocketBase trusts the header from any peer: reachable directly, a client could pick its
    // own rate-limit key by sending the header itself.
    throw new ConfigError(
      `PB_HTTP=${listen} is reachable from other hosts while KONVERT_TRUSTED_PROXY_HEADER=` +
        `${trustedProxyHeader} is trusted: listen on 127.0.0.1 behind the proxy, or clear the header.`,
    );
  }
  const superuserIps = list(get(env, "KONVERT_SUPERUSER_IPS"));
  for (const ip of superuserIps) {
    if (!isIP(ip.replace(/\/\d+$/, ""))) {
      throw new ConfigError(`KONVERT_SUPERUSER_IPS: "${ip}" is not an IP address or CIDR.`);
    }
  }
  const backupKeep = Number(get(env, "KONVERT_BACKUP_KEEP"));
  if (!Number.isInteger(backupKeep) || backupKeep < 1) {
    throw new ConfigError("KONVERT_BACKUP_KEEP must be a whole number of at least 1.");
  }
  const smtpPort = Number(get(env, "SMTP_PORT"));
  if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65535) {
    throw new ConfigError("SMTP_PORT must be a port number.");
  }
  const config: DeploymentConfig = {
    appUrl: get(env, "KONVERT_APP_URL"),
    listen,
    origins: list(get(env, "KONVERT_ORIGINS")),
    trustedProxyHeader,
    superuserIps,
    backupCron: get(env, "KONVERT_BACKUP_CRON").trim(),
    backupKeep,
    smtp: {
      host: get(env, "SMTP_HOST"),
      port: smtpPort,
      username: get(env, "SMTP_USERNAME"),
      password: get(env, "SMTP_PASSWORD"),
      sender: get(env, "SMTP_SENDER"),
    },
  };
  const s3Backups = s3Target(env, S3_ENV_PREFIXES.backups);
  if (s3Backups) config.s3Backups = s3Backups;
  const s3Files = s3Target(env, S3_ENV_PREFIXES.files);
  if (s3Files) config.s3Files = s3Files;
  return config;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The body for `PATCH /api/settings`. */
export function settingsPatch(config: DeploymentConfig): Record<string, unknown> {
  const superuserIPs = config.superuserIps.length
    ? [...new Set([...config.superuserIps, "127.0.0.1", "::1"])]
    : [];
  return {
    meta: { appURL: config.appUrl, senderAddress: config.smtp.sender, senderName: "Konvert" },
    smtp: {
      enabled: config.smtp.host !== "",
      host: config.smtp.host,
      port: config.smtp.port,
      username: config.smtp.username,
      password: config.smtp.password,
      tls: config.smtp.port === 465,
    },
    trustedProxy: {
      headers: config.trustedProxyHeader ? [config.trustedProxyHeader] : [],
      useLeftmostIP: false,
    },
    superuserIPs,
    backups: {
      cron: config.backupCron,
      cronMaxKeep: config.backupKeep,
      s3: config.s3Backups
        ? { enabled: true, forcePathStyle: true, ...config.s3Backups }
        : { enabled: false },
    },
    s3: config.s3Files
      ? { enabled: true, forcePathStyle: true, ...config.s3Files }
      : { enabled: false },
  };
}

/** `serve` flags the configuration adds (CORS). */
export function serveArgs(config: DeploymentConfig): string[] {
  return config.origins.length ? [`--origins=${config.origins.join(",")}`] : [];
}

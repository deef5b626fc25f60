// `npm run setup`: one-step install on a fresh host. Fetches the pinned PocketBase, builds the
// hooks, writes `.env` (generated superuser password and settings encryption key, mode 0600),
// creates and configures the data dir, and offers the Supabase import. Re-running changes
// nothing: secrets are never regenerated and an initialised data dir is left alone
// (`--reconfigure` re-applies the `.env` settings to it on purpose).
//
// `--system` (as root) also creates the service user and the directories the systemd units and
// nginx name, and hands the data to that user (docs/operations.md, "Install").
//
//   npm run setup -- [--root DIR] [--app-url URL] [--yes] [--no-import] [--reconfigure]
//                    [--replicate s3://bucket/path|file:///path [--replica-endpoint URL]
//                     [--replica-region R]]
import { randomBytes } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import PocketBase from "pocketbase";
import { parseCli } from "./lib/cli.ts";
import { ensurePocketBase, pinnedVersion } from "./pocketbase-binary.ts";
import { CONFIG_DEFAULTS, configFromEnv, settingsPatch } from "./lib/deployment-config.ts";
import { ensureEnvFile, readEnvFile, type EnvEntry } from "./lib/env-file.ts";
import { startInstance } from "./lib/instance.ts";
import { REPO_ROOT } from "./lib/repo.ts";
import { superuserCredentials } from "./lib/superuser.ts";
import { ensureLitestream } from "./litestream-binary.ts";
import {
  LITESTREAM_CONFIG,
  parseReplicaUrl,
  REPLICA_ENV,
  replicaFromEnv,
  litestreamConfigText,
  writeLitestreamConfig,
} from "./lib/replication.ts";
import { S3_ENV_KEYS } from "./lib/deployment-config.ts";

const ENCRYPTION_ENV = "PB_ENCRYPTION_KEY";
const MARKER = "konvert-setup.json";

const USAGE = `usage: npm run setup -- [options]

Writes .env (generated secrets, mode 600), creates and configures pb_data (mode 700), offers the
Supabase import. Running it again changes nothing.

  --app-url URL     public URL of the instance (KONVERT_APP_URL), e.g. https://chat.example.com
  --root DIR        where .env, pb_data and backups go (default: this checkout)
  --system          as root, for the systemd units: create the service user, the backups dir and
                    the ACME webroot, and give .env, pb_data and backups to the service user
  --user NAME       the service user for --system (default: konvert)
  --acme-dir DIR    certbot's webroot for --system (default: /var/www/letsencrypt)
  --reconfigure     apply the .env settings to an existing data dir again (instance stopped)
  --replicate URL   continuous replication of data.db with Litestream: s3://bucket/path or
                    file:///path (docs/operations.md, "Replication")
  --replica-endpoint URL  the S3-compatible endpoint of the replica (not AWS)
  --replica-region R      the replica bucket's region
  --no-import       do not offer the Supabase import
  --yes             no questions (implies --no-import)
  -h, --help        this text`;

const { values: opts } = parseCli(USAGE, {
  root: { type: "string", default: REPO_ROOT },
  "app-url": { type: "string" },
  system: { type: "boolean", default: false },
  user: { type: "string", default: "konvert" },
  "acme-dir": { type: "string", default: "/var/www/letsencrypt" },
  yes: { type: "boolean", default: false },
  "no-import": { type: "boolean", default: false },
  reconfigure: { type: "boolean", default: false },
  replicate: { type: "string" },
  "replica-endpoint": { type: "string" },
  "replica-region": { type: "string" },
});
const root = resolve(opts.root);
const envPath = join(root, ".env");
const dataDir = join(root, "pb_data");
const backupsDir = join(root, "backups");
const changes: string[] = [];

try {
  await main();
} catch (err) {
  console.error(`setup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  if (opts.system && process.getuid?.() !== 0) {
    throw new Error("--system creates a user and hands files to it: run it as root (sudo)");
  }
  mkdirSync(root, { recursive: true });
  const binary = await ensurePocketBase({ log: (m) => console.log(m) });
  execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "pipe" });
  console.log(`PocketBase ${pinnedVersion()} ready, hooks built`);

  const env = writeEnv();
  const config = configFromEnv(env);
  await configureReplication(env);
  // Children read the key from the environment; only its name goes on the command line.
  process.env[ENCRYPTION_ENV] = env[ENCRYPTION_ENV];
  const dirArgs = [
    `--dir=${dataDir}`,
    `--hooksDir=${join(REPO_ROOT, "pb_hooks")}`,
    `--migrationsDir=${join(REPO_ROOT, "pb_migrations")}`,
    `--encryptionEnv=${ENCRYPTION_ENV}`,
    "--hooksWatch=false",
  ];

  const fresh = !existsSync(join(dataDir, MARKER));
  if (fresh || opts.reconfigure) {
    const admin = { email: env["PB_ADMIN_EMAIL"] ?? "", password: env["PB_ADMIN_PASSWORD"] ?? "" };
    execFileSync(binary, ["migrate", "up", ...dirArgs], { stdio: "pipe" });
    chmodSync(dataDir, 0o700); // the database holds password hashes and private messages
    if (fresh) {
      // after "--": a password starting with "-" (base64url has them) is not read as a flag
      execFileSync(binary, ["superuser", "upsert", ...dirArgs, "--", admin.email, admin.password], {
        stdio: "pipe",
      });
      changes.push(`data dir ${dataDir} created, superuser ${admin.email}`);
    }
    await applySettings(binary, admin, settingsPatch(config));
    writeFileSync(
      join(dataDir, MARKER),
      JSON.stringify({ pocketbase: pinnedVersion(), configuredAt: new Date().toISOString() }) +
        "\n",
    );
    changes.push("settings applied (app URL, SMTP, trusted proxy, superuser IPs, backups)");
  }
  if (opts.system) systemInstall();
  else keepOwner();

  console.log(
    changes.length
      ? `\nChanged:\n${changes.map((c) => `  - ${c}`).join("\n")}`
      : "\nNothing to do: already set up (secrets in .env kept as they are).",
  );
  console.log(
    `\nSecrets are in ${envPath} (mode 600); the superuser is ${env["PB_ADMIN_EMAIL"]}.` +
      `\nStart: npm start  ·  dashboard: ${config.appUrl}/_/  ·  docs/operations.md`,
  );
  await offerImport();
}

/**
 * The service user owns what PocketBase and `npm run backup` write (.env, pb_data, backups) and
 * nothing else; run as another user the server can only say "unable to open database file".
 */
function systemInstall(): void {
  const user = opts.user;
  if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new Error(`--user ${user}: not a valid user name`);
  if (spawnSync("getent", ["passwd", user]).status !== 0) {
    execFileSync(
      "useradd",
      [
        "--system",
        "--user-group",
        "--home-dir",
        root,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        user,
      ],
      { stdio: "pipe" },
    );
    changes.push(`system user ${user} created`);
  }
  const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
  for (const dir of [dataDir, backupsDir]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o700);
  }
  for (const path of [envPath, dataDir, backupsDir]) chownTree(path, uid, gid);
  const acme = resolve(opts["acme-dir"]);
  mkdirSync(join(acme, ".well-known", "acme-challenge"), { recursive: true, mode: 0o755 });
  changes.push(`${envPath}, ${dataDir} and ${backupsDir} owned by ${user}; ACME webroot ${acme}`);

  // What the units need, checked as the user who will need it.
  const problems: string[] = [];
  const can = (flag: string, path: string) =>
    spawnSync("test", [flag, path], { uid, gid }).status === 0;
  for (const path of [join(root, "pb_hooks", "main.pb.js"), join(root, "pb_migrations"), envPath]) {
    if (existsSync(path) && !can("-r", path)) problems.push(`${path} is not readable`);
  }
  for (const dir of [dataDir, backupsDir]) {
    if (!can("-w", dir)) problems.push(`${dir} is not writable`);
  }
  if (problems.length) {
    throw new Error(
      `as ${user}: ${problems.join("; ")} (a parent directory may not let ${user} in: chmod o+x it)`,
    );
  }
}

/**
 * Run as root on a data dir that belongs to a service user (say `--reconfigure` without
 * `--system`), PocketBase's files written just now are root's: hand them back.
 */
function keepOwner(): void {
  if (process.getuid?.() !== 0 || !existsSync(dataDir)) return;
  const { uid, gid } = statSync(dataDir);
  if (uid !== 0) chownTree(dataDir, uid, gid);
}

function chownTree(path: string, uid: number, gid: number): void {
  execFileSync("chown", ["-R", `${uid}:${gid}`, path], { stdio: "pipe" });
}

function writeEnv(): Record<string, string> {
  const before = existsSync(envPath);
  // The superuser keys come from the shared helper (also used by `npm start`).
  const admin = superuserCredentials(process.env, envPath);
  const entries: EnvEntry[] = [
    {
      key: ENCRYPTION_ENV,
      value: () => randomBytes(24).toString("base64url"), // 32 characters: AES-256 key
      comment: "encrypts PocketBase's stored settings (SMTP/S3 secrets); losing it loses them",
    },
    ...Object.entries(CONFIG_DEFAULTS).map(([key, d]) => ({
      key,
      value: () => (key === "KONVERT_APP_URL" && opts["app-url"]) || d.value,
      comment: d.comment || undefined,
    })),
    ...storageEntries(),
  ];
  const { values, added } = ensureEnvFile(envPath, entries);
  if (!before) changes.push(`${envPath} written (generated superuser password, encryption key)`);
  else if (added.length) changes.push(`${envPath}: added ${added.join(", ")}`);
  return { ...values, PB_ADMIN_EMAIL: admin.email, PB_ADMIN_PASSWORD: admin.password };
}

// ---------------------------------------------------------------------------
// Replication and object storage (docs/operations.md, "Continuous replication", "Files on S3")

/**
 * `.env` entries for the replica (from --replicate & co.) and the S3 targets (from the
 * environment setup runs in), added only when given: an operator's later edit of `.env` wins.
 */
function storageEntries(): EnvEntry[] {
  const given: Record<string, string | undefined> = {
    [REPLICA_ENV.url]: opts.replicate && parseReplicaUrl(opts.replicate).url,
    [REPLICA_ENV.endpoint]: opts["replica-endpoint"],
    [REPLICA_ENV.region]: opts["replica-region"],
  };
  for (const key of [REPLICA_ENV.accessKey, REPLICA_ENV.secret, ...S3_ENV_KEYS]) {
    given[key] = process.env[key];
  }
  const existing = readEnvFile(envPath);
  const entries: EnvEntry[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || value === "") continue;
    if (key in existing && existing[key] !== value && !key.startsWith("LITESTREAM_")) {
      throw new Error(
        `${envPath} already sets ${key}=${existing[key]}; edit it there, then run setup -- --reconfigure`,
      );
    }
    entries.push({ key, value: () => value });
  }
  return entries;
}

/** Writes litestream.yml from `.env` and fetches Litestream when a replica is configured. */
async function configureReplication(env: Record<string, string>): Promise<void> {
  const replica = replicaFromEnv(env);
  if (!replica) return;
  if (replica.url.startsWith("s3://") && !(env[REPLICA_ENV.accessKey] && env[REPLICA_ENV.secret])) {
    throw new Error(
      `the S3 replica needs ${REPLICA_ENV.accessKey} and ${REPLICA_ENV.secret} (environment or .env)`,
    );
  }
  await ensureLitestream({ log: (m) => console.log(m) });
  if (replica.url.startsWith("file://")) {
    mkdirSync(replica.url.slice("file://".length), { recursive: true, mode: 0o700 });
  }
  const configPath = join(root, LITESTREAM_CONFIG);
  if (writeLitestreamConfig(configPath, litestreamConfigText(dataDir, replica))) {
    changes.push(`${configPath} written: data.db replicates to ${replica.url}`);
  }
}

async function applySettings(
  binary: string,
  admin: { email: string; password: string },
  patch: Record<string, unknown>,
): Promise<void> {
  const instance = await startInstance({
    binary,
    dataDir,
    hooksDir: join(REPO_ROOT, "pb_hooks"),
    migrationsDir: join(REPO_ROOT, "pb_migrations"),
    args: [`--encryptionEnv=${ENCRYPTION_ENV}`],
  });
  try {
    const pb = new PocketBase(instance.url);
    await pb.collection("_superusers").authWithPassword(admin.email, admin.password);
    await pb.settings.update(patch);
  } finally {
    await instance.stop();
  }
}

async function offerImport(): Promise<void> {
  const hint = "Import Konvert's Supabase data any time: see docs/MIGRATION_GUIDE.md";
  if (opts["no-import"] || opts.yes || opts.system || !process.stdin.isTTY) {
    console.log(hint);
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const source = (
    await rl.question(
      "Import Konvert's Supabase data now? Source (postgres://… URL, .sql dump or CSV dir; " +
        "empty to skip): ",
    )
  ).trim();
  rl.close();
  if (!source) {
    console.log(hint);
    return;
  }
  const result = spawnSync(
    "npm",
    ["run", "import", "--", "--from", source, "--to", dataDir, "--verify"],
    { cwd: REPO_ROOT, stdio: "inherit" },
  );
  if (result.status !== 0) console.log(`The import did not finish. ${hint}`);
}

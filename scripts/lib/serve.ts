// Shared by `npm start` and `npm run dev`: build, fetch PocketBase, ensure the superuser, serve.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensurePocketBase } from "../pocketbase-binary.ts";
import { REPO_ROOT } from "./repo.ts";
import { ENV_FILE, superuserCredentials } from "./superuser.ts";
import { loadEnvFile } from "./env-file.ts";
import { LITESTREAM_CONFIG, REPLICA_ENV, replicateExecArgs } from "./replication.ts";
import { ensureLitestream, litestreamPath } from "../litestream-binary.ts";

export const DATA_DIR = process.env["PB_DATA_DIR"] ?? join(REPO_ROOT, "pb_data");

/**
 * Pooled JS VMs (PocketBase's default: 15). A hook call that finds every pooled VM busy gets a
 * throwaway VM that must load the hooks bundle first, which tripled the CPU per message at 64
 * concurrent sends; a bigger pool also used less memory than that churn (docs/operations.md).
 */
export const HOOKS_POOL_ARG = "--hooksPool=64";

export function projectDirArgs(): string[] {
  return [
    `--dir=${DATA_DIR}`,
    `--hooksDir=${join(REPO_ROOT, "pb_hooks")}`,
    `--migrationsDir=${join(REPO_ROOT, "pb_migrations")}`,
    // settings are stored encrypted once `npm run setup` generated a key
    ...(process.env["PB_ENCRYPTION_KEY"] ? ["--encryptionEnv=PB_ENCRYPTION_KEY"] : []),
  ];
}

/** Prepares everything `serve` needs and returns the binary path. */
export async function prepare(): Promise<string> {
  loadEnvFile(ENV_FILE); // what `npm run setup` configured; the environment still wins
  const binary = await ensurePocketBase({ log: (m) => console.log(m) });
  if (process.env[REPLICA_ENV.url]) await ensureLitestream({ log: (m) => console.log(m) });
  execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  const admin = superuserCredentials();
  // the same checks and superuser upsert the systemd unit and the container run before serving
  const preflight = spawnSync(
    "sh",
    [
      join(REPO_ROOT, "deploy", "konvert-preflight.sh"),
      binary,
      DATA_DIR,
      join(REPO_ROOT, "pb_hooks"),
      join(REPO_ROOT, "pb_migrations"),
    ],
    {
      encoding: "utf8",
      env: { ...process.env, PB_ADMIN_EMAIL: admin.email, PB_ADMIN_PASSWORD: admin.password },
    },
  );
  if (preflight.status !== 0) {
    throw new Error(preflight.stderr.trim().replace(/^konvert: /, "") || "preflight failed");
  }
  console.log(
    admin.generated
      ? `Superuser created: ${admin.email} / ${admin.password} (saved in .env)`
      : `Superuser: ${admin.email} (password from PB_ADMIN_PASSWORD or .env)`,
  );
  return binary;
}

/** Runs `pocketbase serve` in the foreground, passing signals through; resolves with its exit code. */
export function serve(binary: string, extraArgs: string[]): Promise<number> {
  const http = process.env["PB_HTTP"] ?? "127.0.0.1:8090";
  const origins = process.env["KONVERT_ORIGINS"]
    ? [`--origins=${process.env["KONVERT_ORIGINS"]}`]
    : [];
  const args = [
    "serve",
    `--http=${http}`,
    ...projectDirArgs(),
    ...origins,
    HOOKS_POOL_ARG,
    ...extraArgs,
  ];
  const [command, commandArgs] = underLitestream(binary, args);
  const child = spawn(command, commandArgs, {
    stdio: "inherit",
  });
  void reportHealth(`http://${http}`, () => child.exitCode === null);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

/**
 * Once the server answers, asks Konvert's own health route: PocketBase serves happily without
 * the hooks (and then without Konvert's rules), so say so loudly, and say what is unhealthy.
 */
export async function reportHealth(url: string, running: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (running() && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/konvert/health`);
      if (res.status === 404) {
        console.error(
          "konvert: WARNING: the Konvert hooks are not loaded (GET /api/konvert/health: 404). " +
            "PocketBase is serving without Konvert's rules: check --hooksDir (pb_hooks/main.pb.js).",
        );
      } else if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { problems?: string[] };
        console.error(
          `konvert: unhealthy: ${(body.problems ?? [`HTTP ${res.status}`]).join("; ")}`,
        );
      }
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250)); // not listening yet
    }
  }
}

/**
 * With a replica configured (`npm run setup -- --replicate …`), PocketBase runs as Litestream's
 * child: replication starts before the first write and both stop together.
 */
function underLitestream(binary: string, args: string[]): [string, string[]] {
  const config = join(REPO_ROOT, LITESTREAM_CONFIG);
  if (!process.env[REPLICA_ENV.url] || !existsSync(config)) return [binary, args];
  console.log(`Replicating data.db to ${process.env[REPLICA_ENV.url]} (${config})`);
  return [litestreamPath(), replicateExecArgs(config, [binary, ...args])];
}

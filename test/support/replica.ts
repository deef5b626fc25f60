// A set-up Konvert instance served the way `npm start` serves it with a replica: PocketBase as
// the child of `litestream replicate -exec`, the environment from the root's `.env`.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../scripts/lib/instance.ts";
import { readEnvFile } from "../../scripts/lib/env-file.ts";
import { LITESTREAM_CONFIG, replicateExecArgs } from "../../scripts/lib/replication.ts";
import { litestreamPath } from "../../scripts/litestream-binary.ts";
import { HOOKS_DIR, MIGRATIONS_DIR } from "./paths.ts";

const execFileAsync = promisify(execFile);

export interface ReplicatedInstance {
  url: string;
  /** Litestream's process (PocketBase's when not replicating). */
  pid: number;
  output: () => string;
  /** SIGTERM to Litestream, which stops PocketBase and ships what is left. */
  stop: () => Promise<void>;
  /** SIGKILL to both at once: the machine is gone. */
  kill: () => void;
}

export function rootEnv(root: string): Record<string, string> {
  return readEnvFile(join(root, ".env"));
}

export async function startReplicated(
  binary: string,
  root: string,
  options: { replicate?: boolean; env?: Record<string, string> } = {},
): Promise<ReplicatedInstance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serve = [
    binary,
    "serve",
    `--http=127.0.0.1:${port}`,
    `--dir=${join(root, "pb_data")}`,
    `--hooksDir=${HOOKS_DIR}`,
    `--migrationsDir=${MIGRATIONS_DIR}`,
    "--encryptionEnv=PB_ENCRYPTION_KEY",
    "--hooksWatch=false",
    "--automigrate=false",
    "--hooksPool=8",
  ];
  const [command, args] =
    options.replicate === false
      ? [binary, serve.slice(1)]
      : [litestreamPath(), replicateExecArgs(join(root, LITESTREAM_CONFIG), serve)];
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...rootEnv(root), ...options.env },
    detached: true, // its own process group, so kill() takes PocketBase down with it
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  // the whole group, even once Litestream itself is gone: a test that kills Litestream leaves
  // its PocketBase running in the group, and it outlived the test run
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group is gone already
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(kill, 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitHealthy(url, child, () => output);
  } catch (err) {
    kill();
    throw err;
  }
  return { url, pid: child.pid!, output: () => output, stop, kill };
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`);
    const res = await fetch(`${url}/api/health`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not healthy within 60 s:\n${output()}`);
}

/** Runs one query against a SQLite file with the sqlite3 CLI; rows as arrays of strings. */
export async function sqlite(file: string, sql: string): Promise<string[][]> {
  const { stdout } = await execFileAsync("sqlite3", ["-readonly", "-separator", "\t", file, sql], {
    maxBuffer: 256 << 20,
  });
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t"));
}

/**
 * What the replica holds right now: data.db restored into `out` by Litestream itself (the
 * same call `npm run restore -- --from-replica` makes).
 */
export async function restoreReplicaTo(root: string, out: string): Promise<void> {
  const config = join(root, LITESTREAM_CONFIG);
  await execFileAsync(
    litestreamPath(),
    ["restore", "-config", config, "-force", "-o", out, join(root, "pb_data", "data.db")],
    { env: { ...process.env, ...rootEnv(root) }, maxBuffer: 16 << 20 },
  );
}

// Runs a real `pocketbase serve` on a free loopback port and stops it again. Shared by the test
// harness and the benchmarks.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface Instance {
  url: string;
  /** The server's process id (for its CPU time in benchmarks). */
  pid: number;
  /** Everything PocketBase printed so far, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface InstanceOptions {
  binary: string;
  dataDir: string;
  hooksDir: string;
  migrationsDir: string;
  /** Extra `serve` flags. */
  args?: string[];
  /** Extra environment variables (the hooks' `KONVERT_*` settings). */
  env?: Record<string, string>;
}

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    options.binary,
    [
      "serve",
      `--http=127.0.0.1:${port}`,
      `--dir=${options.dataDir}`,
      `--hooksDir=${options.hooksDir}`,
      `--migrationsDir=${options.migrationsDir}`,
      "--hooksWatch=false",
      "--automigrate=false",
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const instance = { url, pid: child.pid ?? 0, output: () => output, stop: () => terminate(child) };
  try {
    await waitForHealth(url, child, instance.output);
  } catch (err) {
    await instance.stop();
    throw err;
  }
  return instance;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`PocketBase exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`PocketBase did not become healthy within 30 s:\n${output()}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

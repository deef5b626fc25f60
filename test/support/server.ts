// One real PocketBase per test file: a copy of the template data dir, a free port, our hooks.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { inject } from "vitest";
import { SUPERUSER } from "./constants.ts";
import { pocketBaseArgs } from "./paths.ts";

export interface TestServer {
  url: string;
  /** An SDK client authenticated as superuser. */
  admin: PocketBase;
  /** Everything PocketBase printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Keep the production rate limits for 127.0.0.1 (off by default: tests act as many users from one IP). */
  rateLimits?: boolean;
}

export async function startPocketBase(options: StartOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), "konvert-pb-"));
  const dataDir = join(root, "pb_data");
  cpSync(inject("pbTemplateDir"), dataDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    inject("pbBinary"),
    ["serve", `--http=127.0.0.1:${port}`, "--hooksPool=4", ...pocketBaseArgs(dataDir)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const stop = async (): Promise<void> => {
    await terminate(child);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => output);
    const admin = new PocketBase(url);
    admin.autoCancellation(false);
    await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    if (!options.rateLimits) {
      await admin.settings.update({ rateLimits: { excludedIPs: ["127.0.0.1"] } });
    }
    return { url, admin, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function freePort(): Promise<number> {
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

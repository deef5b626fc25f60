// One real PocketBase per test file: a copy of the template data dir, a free port, our hooks.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { inject } from "vitest";
import { startInstance } from "../../scripts/lib/instance.ts";
import { SUPERUSER } from "./constants.ts";
import { HOOKS_DIR, MIGRATIONS_DIR } from "./paths.ts";

export interface TestServer {
  url: string;
  /** An SDK client authenticated as superuser. */
  admin: PocketBase;
  /** Everything PocketBase printed, for failure messages. */
  output: () => string;
  /** The server's pb_data directory. */
  dataDir: string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Keep the production rate limits for 127.0.0.1 (off by default: tests act as many users from one IP). */
  rateLimits?: boolean;
  /** Data dir to copy instead of the migrated template. */
  fromDataDir?: string;
  /** Migrations dir to serve with (serve applies pending migrations before listening). */
  migrationsDir?: string;
  /** Environment of the server process on top of the test runner's (e.g. `KONVERT_*` settings). */
  env?: Record<string, string>;
}

export async function startPocketBase(options: StartOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), "konvert-pb-"));
  const dataDir = join(root, "pb_data");
  cpSync(options.fromDataDir ?? inject("pbTemplateDir"), dataDir, { recursive: true });
  const cleanUp = () => rmSync(root, { recursive: true, force: true });
  const instance = await startInstance({
    binary: inject("pbBinary"),
    dataDir,
    hooksDir: HOOKS_DIR,
    migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR,
    args: ["--hooksPool=4"],
    env: options.env,
  }).catch((err: unknown) => {
    cleanUp();
    throw err;
  });
  const stop = async () => {
    await instance.stop();
    cleanUp();
  };
  try {
    const admin = new PocketBase(instance.url);
    admin.autoCancellation(false);
    await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    if (!options.rateLimits) {
      await admin.settings.update({ rateLimits: { excludedIPs: ["127.0.0.1"] } });
    }
    return { url: instance.url, admin, output: instance.output, dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

// One real PocketBase per test file: a copy of the template data dir, a free port, our hooks.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { inject } from "vitest";
import { startInstance } from "../../scripts/lib/instance.ts";
import { defaultClockAt, noteClockOffset } from "./clock.ts";
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
  /**
   * Moves the server's clock (hooks-src/konvert/jsvm/clock.ts): `at` sets it to that moment (it
   * runs on from there), `offsetMs` sets its distance from real time (0 = real time).
   */
  setClock: (to: { at: Date | string } | { offsetMs: number }) => Promise<ClockState>;
  /** Now on the server's clock (real time plus the offset last set through this server). */
  clockNow: () => Date;
}

export interface ClockState {
  offsetMs: number;
  now: string;
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
  /** Where the clock starts (default: noon of an ordinary day, test/support/clock.ts). */
  clockAt?: Date;
  /** Directory to create the server's temp dir in (default: the OS temp dir). */
  parentDir?: string;
}

export async function startPocketBase(options: StartOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(options.parentDir ?? tmpdir(), "konvert-pb-"));
  const dataDir = join(root, "pb_data");
  cpSync(options.fromDataDir ?? inject("pbTemplateDir"), dataDir, { recursive: true });
  const cleanUp = () => rmSync(root, { recursive: true, force: true });
  const instance = await startInstance({
    binary: inject("pbBinary"),
    dataDir,
    hooksDir: HOOKS_DIR,
    migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR,
    args: ["--hooksPool=4"],
    env: {
      KONVERT_TEST_CLOCK: "1",
      KONVERT_TEST_CLOCK_AT: (options.clockAt ?? defaultClockAt()).toISOString(),
      ...options.env,
    },
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
    const clockRoute = async (body?: Record<string, unknown>): Promise<ClockState> =>
      admin.send<ClockState>("/api/konvert/test/clock", {
        method: body ? "POST" : "GET",
        ...(body ? { body } : {}),
      });
    let offsetMs = (await clockRoute()).offsetMs;
    noteClockOffset(offsetMs);
    const setClock: TestServer["setClock"] = async (to) => {
      const body = "at" in to ? { at: new Date(to.at).toISOString() } : { offsetMs: to.offsetMs };
      const state = await clockRoute(body);
      offsetMs = state.offsetMs;
      noteClockOffset(offsetMs);
      return state;
    };
    const clockNow = () => new Date(Date.now() + offsetMs);
    return { url: instance.url, admin, output: instance.output, dataDir, stop, setClock, clockNow };
  } catch (err) {
    await stop();
    throw err;
  }
}

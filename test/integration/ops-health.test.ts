// Konvert's health route, a full disk, and the start-up errors an operator meets (read-only data
// dir, wrong encryption key, missing hooks) said in words. The disk and read-only cases mount a
// small tmpfs, so they need root (CI runs as root).
import { execFileSync, spawnSync } from "node:child_process";
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { startInstance } from "../../scripts/lib/instance.ts";
import { reportHealth } from "../../scripts/lib/serve.ts";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";
import { SUPERUSER } from "../support/constants.ts";
import { HOOKS_DIR, MIGRATIONS_DIR } from "../support/paths.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser } from "../support/users.ts";
import { runScript } from "../ops/run-script.ts";

interface Health {
  status: string;
  problems: string[];
  hooks: { version: string };
  migrations: { applied: number; latest: string; pending: number };
  database: { writable: boolean };
  disk: { freeBytes: number; totalBytes: number; minFreeBytes: number } | null;
  replication: unknown;
}

const isRoot = process.getuid?.() === 0;
const root = mkdtempSync(join(tmpdir(), "konvert-ops-health-"));
const mounts: string[] = [];

function tmpfs(name: string, size: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of mounts.reverse()) spawnSync("umount", ["-l", dir]);
  rmSync(root, { recursive: true, force: true });
});

const ourMigrations = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith(".js"))
  .sort();

async function health(url: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${url}/api/konvert/health`);
  return { status: res.status, body: (await res.json()) as Health };
}

describe("GET /api/konvert/health", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPocketBase();
  });
  afterAll(() => server.stop());

  it("reports the hooks' version, every migration applied, a writable database and free disk", async () => {
    const { status, body } = await health(server.url);
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.problems).toEqual([]);
    expect(body.hooks.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    expect(body.migrations).toEqual({
      applied: ourMigrations.length,
      latest: ourMigrations.at(-1),
      pending: 0,
    });
    expect(body.database.writable).toBe(true);
    expect(body.disk?.freeBytes).toBeGreaterThan(0);
    expect(body.disk?.totalBytes).toBeGreaterThanOrEqual(body.disk?.freeBytes ?? 0);
    expect(body.replication).toBeNull();
  });

  it("answers 503 when less than the configured free space is left", async () => {
    const strict = await startPocketBase({ env: { KONVERT_MIN_FREE_DISK_MB: String(1 << 30) } });
    try {
      const { status, body } = await health(strict.url);
      expect(status).toBe(503);
      expect(body.problems.join()).toMatch(/free, less than .* \(KONVERT_MIN_FREE_DISK_MB\)/);
      expect(strict.output()).toMatch(/konvert health: the data dir's disk has/);
    } finally {
      await strict.stop();
    }
  });
});

describe("without the hooks", () => {
  it("PocketBase serves no health route, the health check fails and npm start warns", async () => {
    const empty = join(root, "no-hooks");
    mkdirSync(empty);
    const dataDir = join(root, "no-hooks-data");
    cpSync(inject("pbTemplateDir"), dataDir, { recursive: true });
    const bare = await startInstance({
      binary: inject("pbBinary"),
      dataDir,
      hooksDir: empty,
      migrationsDir: MIGRATIONS_DIR,
    });
    try {
      expect((await fetch(`${bare.url}/api/health`)).status).toBe(200); // PocketBase's own
      expect((await fetch(`${bare.url}/api/konvert/health`)).status).toBe(404);
      const check = spawnSync("sh", [join(REPO_ROOT, "deploy", "healthcheck.sh")], {
        env: { ...process.env, PB_HTTP: new URL(bare.url).host },
      });
      expect(check.status).not.toBe(0);
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        await reportHealth(bare.url, () => true);
        expect(errors.mock.calls.flat().join()).toMatch(/the Konvert hooks are not loaded/);
      } finally {
        errors.mockRestore();
      }
    } finally {
      await bare.stop();
    }
  });

  it("the preflight refuses a hooks dir without main.pb.js", () => {
    const result = spawnSync(
      "sh",
      [
        join(REPO_ROOT, "deploy", "konvert-preflight.sh"),
        inject("pbBinary"),
        join(root, "x"),
        join(root, "no-hooks"),
        MIGRATIONS_DIR,
      ],
      { encoding: "utf8" },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no Konvert hooks in .* \(main\.pb\.js is missing\)/);
  });
});

describe.skipIf(!isRoot && !process.env["CI"])("a full disk", () => {
  it("answers sends with 503 that says so, logs a line to stderr, and turns health 503", async () => {
    const disk = tmpfs("full", "64m");
    const server = await startPocketBase({ parentDir: disk });
    try {
      const alice = await createUser(server);
      const room = await seedRoom(server, "private", [alice]);
      const send = (content: string) =>
        fetch(`${server.url}/api/collections/messages/records`, {
          method: "POST",
          headers: {
            Authorization: alice.client.authStore.token,
            "content-type": "application/json",
          },
          body: JSON.stringify({ room: room.id, type: "text", content }),
        });
      expect((await send("before")).status).toBe(200);

      // fill the file system to the last block
      const filler = openSync(join(disk, "filler"), "w");
      const block = Buffer.alloc(1 << 16, 1);
      try {
        for (;;) writeSync(filler, block);
      } catch {
        // ENOSPC: full
      }
      for (;;) {
        try {
          writeSync(filler, Buffer.alloc(512, 1));
        } catch {
          break;
        }
      }
      closeSync(filler);

      let answer: Response | undefined;
      for (let i = 0; i < 50 && (answer === undefined || answer.status === 200); i++) {
        answer = await send(`message ${i} `.repeat(200));
      }
      expect(answer?.status).toBe(503);
      const body = (await answer?.json()) as { message: string };
      expect(body.message).toMatch(/disk is full/);
      expect(server.output()).toMatch(/konvert: a send failed, the data dir \(.*\) is full/);

      const { status, body: report } = await health(server.url);
      expect(status).toBe(503);
      expect(report.problems.join()).toMatch(/disk/);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe.skipIf(!isRoot && !process.env["CI"])("start-up errors in words", () => {
  const start = (env: Record<string, string>) =>
    runScript("start.ts", [], {
      PB_ADMIN_EMAIL: SUPERUSER.email,
      PB_ADMIN_PASSWORD: SUPERUSER.password,
      PB_HTTP: "127.0.0.1:9",
      ...env,
    });

  it("a read-only data dir", async () => {
    const mount = tmpfs("readonly", "32m");
    const dataDir = join(mount, "pb_data");
    cpSync(inject("pbTemplateDir"), dataDir, { recursive: true });
    execFileSync("mount", ["-o", "remount,ro", mount]);
    const result = await start({ PB_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^start failed: .*pb_data is on a read-only file system: PocketBase cannot write its database/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("a wrong encryption key", async () => {
    const dataDir = join(root, "keyed", "pb_data");
    cpSync(inject("pbTemplateDir"), dataDir, { recursive: true });
    const env = { KEY_A: "a".repeat(32) };
    const keyed = await startInstance({
      binary: inject("pbBinary"),
      dataDir,
      hooksDir: HOOKS_DIR,
      migrationsDir: MIGRATIONS_DIR,
      args: ["--encryptionEnv=KEY_A"],
      env,
    });
    try {
      const admin = new PocketBase(keyed.url);
      await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      await admin.settings.update({ meta: { appName: "Konvert (encrypted settings)" } });
    } finally {
      await keyed.stop();
    }
    const result = await start({ PB_DATA_DIR: dataDir, PB_ENCRYPTION_KEY: "b".repeat(32) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^start failed: PB_ENCRYPTION_KEY is not the key the settings in .* were encrypted with/m,
    );
  });
});

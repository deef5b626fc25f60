// `npm run backup` against a running instance under write load, `npm run restore` into a fresh
// data dir, and a restored instance that has every acknowledged record and its file. Damaged
// archives are refused before anything is written.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startInstance, type Instance } from "../../scripts/lib/instance.ts";
import { SUPERUSER } from "../support/constants.ts";
import { HOOKS_DIR, MIGRATIONS_DIR } from "../support/paths.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { runScript } from "../ops/run-script.ts";

// 1x1 PNG; a unique tail makes every avatar's bytes distinguishable after the restore.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e0b0e6a60000000049454e44ae426082",
  "hex",
);

interface Written {
  id: string;
  avatar: Buffer;
}

let server: TestServer;
let root: string;
let backupFile: string;
const ackedBeforeBackup: Written[] = [];
const allAcked = new Map<string, Buffer>();

async function createWithAvatar(i: number): Promise<Written> {
  const avatar = Buffer.concat([PNG, Buffer.from(`konvert-${i}-${Math.random()}`)]);
  const form = new FormData();
  const username = `load${i}_${Math.random().toString(36).slice(2, 8)}`;
  form.append("username", username);
  form.append("email", `${username}@konvert.test`);
  form.append("password", "password-123456");
  form.append("passwordConfirm", "password-123456");
  form.append("role", "user");
  form.append("avatar", new Blob([avatar], { type: "image/png" }), `a${i}.png`);
  const record = await server.admin.collection("users").create(form);
  return { id: record.id, avatar };
}

beforeAll(async () => {
  server = await startPocketBase();
  root = mkdtempSync(join(tmpdir(), "konvert-ops-backup-"));
  for (let i = 0; i < 20; i++) ackedBeforeBackup.push(await createWithAvatar(i));
  for (const w of ackedBeforeBackup) allAcked.set(w.id, w.avatar);

  // four writers keep creating records while the backup runs
  let stop = false;
  let n = 1000;
  const writer = async () => {
    while (!stop) {
      const w = await createWithAvatar(n++);
      allAcked.set(w.id, w.avatar);
    }
  };
  const writers = [writer(), writer(), writer(), writer()];
  const result = await runScript(
    "backup.ts",
    ["--url", server.url, "--out", join(root, "backups")],
    { PB_ADMIN_EMAIL: SUPERUSER.email, PB_ADMIN_PASSWORD: SUPERUSER.password },
  );
  stop = true;
  await Promise.all(writers);
  // the load really overlapped the backup
  expect(allAcked.size).toBeGreaterThan(ackedBeforeBackup.length + 4);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const zips = readdirSync(join(root, "backups")).filter((f) => f.endsWith(".zip"));
  expect(zips).toHaveLength(1);
  backupFile = join(root, "backups", String(zips[0]));
}, 60_000);

afterAll(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("leaves a verified, checksummed zip locally and nothing on the server", async () => {
    const sidecar = readFileSync(`${backupFile}.sha256`, "utf8");
    expect(sidecar).toMatch(/^[0-9a-f]{64} {2}konvert-\d{8}-\d{6}\.zip\n$/);
    expect(await server.admin.backups.getFullList()).toEqual([]);
  });

  it("restores into a fresh data dir with every record and file written before the backup", async () => {
    const dataDir = join(root, "restored", "pb_data");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "old.txt"), "previous contents");
    const result = await runScript("restore.ts", [backupFile, "--data-dir", dataDir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // the non-empty target was moved aside, not deleted
    const aside = readdirSync(join(root, "restored")).find((d) => d.includes(".before-restore-"));
    expect(aside && readFileSync(join(root, "restored", aside, "old.txt"), "utf8")).toBe(
      "previous contents",
    );
    // as private as setup makes it: the database holds password hashes and private messages
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    let restored: Instance | undefined;
    try {
      restored = await startInstance({
        binary: inject("pbBinary"),
        dataDir,
        hooksDir: HOOKS_DIR,
        migrationsDir: MIGRATIONS_DIR,
      });
      const admin = new PocketBase(restored.url);
      admin.autoCancellation(false);
      await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      const users = await admin.collection("users").getFullList({ batch: 500 });
      const ids = new Set(users.map((u) => u.id));
      for (const w of ackedBeforeBackup) expect(ids.has(w.id)).toBe(true);
      // every restored record (including those written during the backup) has its exact file
      let withFiles = 0;
      for (const user of users) {
        const expected = allAcked.get(user.id);
        if (!expected) continue;
        const res = await fetch(admin.files.getURL(user, user["avatar"] as string));
        expect(res.status).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(expected)).toBe(true);
        withFiles += 1;
      }
      expect(withFiles).toBeGreaterThanOrEqual(ackedBeforeBackup.length);
    } finally {
      await restored?.stop();
    }
  });

  it("says why when the server is down, or the password is not the server's", async () => {
    const down = await runScript(
      "backup.ts",
      ["--url", "http://127.0.0.1:9", "--out", join(root, "never")],
      { PB_ADMIN_EMAIL: SUPERUSER.email, PB_ADMIN_PASSWORD: SUPERUSER.password },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^backup failed: no PocketBase answers at http:\/\/127\.0\.0\.1:9: .*start it first/,
    );
    const wrong = await runScript(
      "backup.ts",
      ["--url", server.url, "--out", join(root, "never")],
      {
        PB_ADMIN_EMAIL: SUPERUSER.email,
        PB_ADMIN_PASSWORD: "not-the-password",
      },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused PB_ADMIN_EMAIL \/ PB_ADMIN_PASSWORD/);
    expect(existsSync(join(root, "never"))).toBe(false);
  });

  it("backup and restore print their usage on --help, and a bad option without a stack trace", async () => {
    for (const script of ["backup.ts", "restore.ts"]) {
      const help = await runScript(script, ["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^usage: npm run /);
      const bad = await runScript(script, ["--no-such-option"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/Unknown option '--no-such-option'/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  });

  describe("refuses a damaged archive without touching the target", () => {
    const refuse = async (file: string, message: RegExp) => {
      const target = join(root, `target-${Math.random().toString(36).slice(2)}`);
      const result = await runScript("restore.ts", [file, "--data-dir", target]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(root).filter((d) => d.includes(".restoring-"))).toEqual([]);
    };
    const copy = (name: string) => {
      const path = join(root, name);
      copyFileSync(backupFile, path);
      return path;
    };

    it("truncated", async () => {
      const path = copy("truncated.zip");
      truncateSync(path, Math.floor(readFileSync(path).length / 2));
      await refuse(path, /restore refused: .*truncated/);
    });

    it("a flipped byte inside an entry", async () => {
      const path = copy("flipped.zip");
      const bytes = readFileSync(path);
      const at = Math.floor(bytes.length / 3);
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
      writeFileSync(path, bytes);
      await refuse(path, /restore refused: .*damaged/);
    });

    it("a file that no longer matches its checksum", async () => {
      const path = copy("changed.zip");
      copyFileSync(`${backupFile}.sha256`, `${path}.sha256`);
      const bytes = readFileSync(path);
      bytes.writeUInt8(bytes.readUInt8(100) ^ 0x01, 100);
      writeFileSync(path, bytes);
      await refuse(path, /does not match its \.sha256 file/);
    });

    it("not a zip, or a zip that is not a PocketBase backup", async () => {
      const text = join(root, "notes.zip");
      writeFileSync(text, "just some text, not an archive");
      await refuse(text, /not a complete zip archive/);
      const other = join(root, "other.zip");
      writeFileSync(other, zipSync({ "readme.txt": new TextEncoder().encode("hello") }));
      await refuse(other, /data\.db is missing/);
    });
  });
});

// The Supabase import against a real PostgreSQL and a real PocketBase: live connection first,
// then every other source format must map to exactly the same PocketBase contents.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pbId } from "../../scripts/import/convert.ts";
import { runImport } from "../../scripts/import/run.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { SUPERUSER } from "../support/constants.ts";
import { anonymousClient } from "../support/users.ts";
import { AWKWARD, DM, loadFixture, M, PASSWORDS, ROOMS, TABLE, U } from "./fixture.ts";
import { startPostgres, type Postgres } from "./postgres.ts";

let pgServer: Postgres;
let server: TestServer;
let work: string;
const admin = { adminEmail: SUPERUSER.email, adminPassword: SUPERUSER.password };
const COLLECTIONS = [
  "users",
  "rooms",
  "room_members",
  "messages",
  "reactions",
  "mentions",
  "pins",
  "polls",
  "poll_votes",
  "notifications",
  "friend_requests",
  "friendships",
  "blocks",
  "user_achievements",
  "user_stats",
  "kv_legacy",
];

async function totals(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of COLLECTIONS) out[c] = (await server.admin.collection(c).getList(1, 1)).totalItems;
  return out;
}

beforeAll(async () => {
  [pgServer, server] = await Promise.all([startPostgres(), startPocketBase()]);
  await loadFixture(pgServer.url);
  work = mkdtempSync(join(tmpdir(), "konvert-import-"));
});

afterAll(async () => {
  await server.stop();
  pgServer.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("import from a live Postgres", () => {
  it("a dry run analyses everything and writes nothing", async () => {
    const before = await totals();
    const report = await runImport({ from: pgServer.url, to: server.url, dryRun: true, ...admin });
    expect(report.kinds.message?.read).toBe(9);
    expect(report.written["messages"]).toBe(8);
    expect(await totals()).toEqual(before);
  });

  it("imports, verifies, and users sign in with their old passwords", async () => {
    const reportFile = join(work, "report.json");
    const report = await runImport({
      from: pgServer.url,
      to: server.url,
      verify: true,
      reportFile,
      ...admin,
    });
    expect(report.verify?.differences).toEqual([]);
    expect(report.verify?.ok).toBe(true);
    expect(report.conflicts).toEqual([]);

    const ibro = anonymousClient(server);
    const auth = await ibro
      .collection("users")
      .authWithPassword("ibro@example.com", PASSWORDS.ibro);
    expect(auth.record["username"]).toBe("iBro"); // the KV profile wins over auth metadata
    expect(auth.record["role"]).toBe("admin");
    const alice = anonymousClient(server);
    await alice.collection("users").authWithPassword("Alice", PASSWORDS.alice);
    await expect(
      anonymousClient(server).collection("users").authWithPassword("Alice", "wrong-password"),
    ).rejects.toThrow();

    // argon2, empty hashes and profiles without an auth row are listed for a reset
    const resets = report.usersNeedingReset.map((r) => r.user).sort();
    expect(resets).toEqual([`user:${U.banned}`, `user:${U.ghost}`, `user:${U.oauth}`].sort());
    // "alice" collides with "Alice" (created earlier) regardless of case
    expect(report.usernameChanges).toEqual([
      { user: `user:${U.alice2}`, from: "alice", to: "alice_2" },
    ]);
  });

  it("members read their history in order with replies, reactions, pins and polls", async () => {
    const alice = anonymousClient(server);
    await alice.collection("users").authWithPassword("alice@example.com", PASSWORDS.alice);
    const main = pbId(`room:${ROOMS.main}`);
    const msgs = await server.admin
      .collection("messages")
      .getFullList({ filter: `room = "${main}"`, sort: "created" });
    expect(msgs.map((m) => String(m["legacyId"]))).toEqual(
      [M.hello, M.reply, M.poll, M.deleted, M.edited].map((id) => `message:${id}`),
    );
    const [hello, reply, poll0, deleted, edited] = msgs.map((m) => m);
    if (!hello || !reply || !poll0 || !deleted || !edited) throw new Error("history incomplete");
    expect(reply["content"]).toBe(AWKWARD);
    expect(reply["replyTo"]).toBe(hello.id);
    expect(deleted["deletedAt"]).not.toBe("");
    expect(edited["editedAt"]).not.toBe("");
    const reactions = await server.admin
      .collection("reactions")
      .getFullList({ filter: `message = "${reply.id}"` });
    expect(reactions.map((r) => String(r["emoji"])).sort()).toEqual(["❤️", "👍", "👍"].sort());
    expect(
      reactions.every((r) => r["room"] === main && r["messageAuthor"] === pbId(`user:${U.alice}`)),
    ).toBe(true);
    const mentions = await server.admin
      .collection("mentions")
      .getFullList({ filter: `message = "${reply.id}"` });
    expect(mentions.map((x) => String(x["user"]))).toEqual([pbId(`user:${U.alice2}`)]);
    const pins = await server.admin
      .collection("pins")
      .getFullList({ filter: `room = "${main}"`, sort: "created" });
    expect(pins.map((p) => String(p["message"]))).toEqual([hello.id, reply.id]);
    const room = await server.admin.collection("rooms").getOne(main);
    expect(room["pinnedMessage"]).toBe(reply.id);
    expect(room["lastMessage"]).toBe(edited.id);
    const poll = await server.admin.collection("polls").getFirstListItem(`message = "${poll0.id}"`);
    expect(poll["options"]).toEqual(["A", "B"]);
    const votes = await server.admin
      .collection("poll_votes")
      .getFullList({ filter: `poll = "${poll.id}"`, sort: "option" });
    expect(votes.map((v) => [String(v["user"]), Number(v["option"])])).toEqual([
      [pbId(`user:${U.alice}`), 0],
      [pbId(`user:${U.alice2}`), 1],
    ]);
    // the member sees the room through the normal API rules
    const visible = await alice.collection("rooms").getFullList();
    expect(visible.map((r) => r.id)).toContain(main);
  });

  it("unread counts match the source's counters", async () => {
    const main = pbId(`room:${ROOMS.main}`);
    const unread = async (room: string, user: string) => {
      const member = await server.admin
        .collection("room_members")
        .getFirstListItem(`room = "${room}" && user = "${pbId(`user:${user}`)}"`);
      const list = await server.admin.collection("messages").getList(1, 1, {
        filter: `room = "${room}" && author != "${pbId(`user:${user}`)}" && deletedAt = "" && created > "${member["lastReadAt"]}"`,
      });
      return { count: list.totalItems, member };
    };
    expect((await unread(main, U.alice)).count).toBe(1);
    expect((await unread(main, U.alice2)).count).toBe(0);
    const dmRoom = pbId(`dm:${DM}`);
    expect((await unread(dmRoom, U.alice)).count).toBe(1);
    const hidden = await unread(dmRoom, U.alice2);
    expect(hidden.member["hidden"]).toBe(true);
    const mainAlice = (await unread(main, U.alice)).member;
    expect(mainAlice["encryptedKey"]).toBe("wrapped-key-main");
  });

  it("maps people, the social graph, merges and unmapped keys", async () => {
    const alice = await server.admin.collection("users").getOne(pbId(`user:${U.alice}`));
    expect(alice["mutedUntil"]).toMatch(/^2099-01-01/);
    expect(
      (await server.admin.collection("users").getOne(pbId(`user:${U.alice2}`)))["mutedUntil"],
    ).toMatch(/^2099-02-01/);
    expect(
      (await server.admin.collection("users").getOne(pbId(`user:${U.banned}`)))["bannedUntil"],
    ).toMatch(/^2099-03-01/);
    const bob = await server.admin.collection("users").getOne(pbId(`user:${U.bob}`));
    expect(bob["username"]).toBe("bob"); // auth-only user: username from metadata
    expect((await server.admin.collection("friendships").getFullList()).length).toBe(1);
    expect((await server.admin.collection("blocks").getFullList()).length).toBe(1);
    const requests = await server.admin.collection("friend_requests").getFullList();
    expect(requests.map((r) => String(r["status"]))).toEqual(["pending"]);
    // both jail rooms collapse into the one jail room, the duplicate DM room into the DM
    const jailMembers = await server.admin
      .collection("room_members")
      .getFullList({ filter: `room = "jailroom0000000"` });
    expect(jailMembers.map((x) => String(x["user"]))).toEqual([pbId(`user:${U.banned}`)]);
    const dms = await server.admin.collection("rooms").getFullList({ filter: `type = "dm"` });
    expect(dms.length).toBe(2);
    const legacy = await server.admin.collection("kv_legacy").getFullList({ sort: "key" });
    const keys = legacy.map((l) => String(l["key"]));
    for (const key of [
      "settings:global",
      "friendXrequest:decoy",
      "counter",
      "user:broken",
      `message:${M.orphan}`,
      `user:${U.alice}`,
      `achievements:${U.alice}`,
    ]) {
      expect(keys).toContain(key);
    }
    const stats = await server.admin
      .collection("user_stats")
      .getFirstListItem(`user = "${alice.id}"`);
    expect([stats["currentStreak"], stats["longestStreak"], stats["lastActiveDay"]]).toEqual([
      3,
      7,
      "2025-11-05",
    ]);
    const unlocked = await server.admin
      .collection("user_achievements")
      .getFullList({ filter: `user = "${alice.id}"`, expand: "achievement" });
    expect(
      unlocked
        .map((a) => [
          String((a.expand?.["achievement"] as { key?: string } | undefined)?.key),
          Number(a["progress"]),
          a["unlockedAt"] !== "",
        ])
        .sort(),
    ).toEqual([
      ["chatterbox", 3, false],
      ["first_message", 1, true],
    ]);
  });

  it("a second run updates in place: no duplicates, same contents", async () => {
    const before = await totals();
    const report = await runImport({ from: pgServer.url, to: server.url, verify: true, ...admin });
    expect(report.verify?.ok).toBe(true);
    expect(await totals()).toEqual(before);
  });
});

describe("other source formats give identical PocketBase contents", () => {
  const dump = (args: string[], file: string) => {
    const out = join(work, file);
    execFileSync(pgServer.bin("pg_dump"), [
      "--data-only",
      "-t",
      `public.${TABLE}`,
      "-t",
      "auth.users",
      "-f",
      out,
      ...args,
      pgServer.url,
    ]);
    return out;
  };
  const same = async (options: Parameters<typeof runImport>[0]) => {
    const before = await totals();
    const report = await runImport({ ...options, to: server.url, verifyOnly: true, ...admin });
    expect(report.verify?.differences).toEqual([]);
    expect(report.verify?.checked).toBeGreaterThan(50);
    expect(await totals()).toEqual(before);
  };

  it("pg_dump COPY form (with \\restrict lines)", async () => {
    const file = dump([], "copy.sql");
    writeFileSync(
      file,
      `\\restrict abc123\nSET statement_timeout = 0;\n` +
        (await import("node:fs")).readFileSync(file, "utf8") +
        "\\unrestrict abc123\n",
    );
    await same({ from: file });
  });

  it("pg_dump INSERT form, multi-row (as supabase db dump writes it)", async () => {
    await same({
      from: dump(
        ["--column-inserts", "--rows-per-insert=1000", "--quote-all-identifiers"],
        "insert.sql",
      ),
    });
  });

  it("CSV exports of the KV table and auth.users", async () => {
    const dir = join(work, "csv");
    execFileSync("mkdir", ["-p", dir]);
    const psql = (query: string, file: string) =>
      writeFileSync(
        join(dir, file),
        execFileSync(pgServer.bin("psql"), [
          pgServer.url,
          "-c",
          `COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER)`,
        ]),
      );
    psql(`SELECT key, value, created_at FROM ${TABLE}`, `${TABLE}_rows.csv`);
    psql("SELECT * FROM auth.users", "auth_users.csv");
    // a CSV carries no count of its own: the table's count(*) is given
    const count = execFileSync(pgServer.bin("psql"), [
      pgServer.url,
      "-tAc",
      `SELECT count(*) FROM ${TABLE}`,
    ]);
    await same({ from: dir, expectRows: Number(count.toString().trim()) });
  });

  it("a custom-format dump is refused with the pg_restore command", async () => {
    const file = dump(["-Fc"], "custom.dump");
    await expect(runImport({ from: file, dryRun: true })).rejects.toThrow(/pg_restore --data-only/);
  });
});

describe("interrupted runs", () => {
  it("kill -9 in the middle and a restart give the same result as one clean run", async () => {
    const fresh = await startPocketBase();
    const bulk = await startPostgres();
    try {
      await loadFixture(bulk.url, 3000);
      const args = ["tsx", "scripts/import/cli.ts", "--from", bulk.url, "--to", fresh.url];
      const env = {
        ...process.env,
        PB_ADMIN_EMAIL: SUPERUSER.email,
        PB_ADMIN_PASSWORD: SUPERUSER.password,
      };
      const child = spawn("npx", [...args, "--batch-size", "50", "--no-progress"], {
        env,
        stdio: "ignore",
        detached: true,
      });
      // kill once messages are being written: users, rooms and part of the history are in
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        const n = (await fresh.admin.collection("messages").getList(1, 1)).totalItems;
        if (n > 0 || child.exitCode !== null) break;
      }
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      const partial = (await fresh.admin.collection("messages").getList(1, 1)).totalItems;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(3008);

      const report = await runImport({ from: bulk.url, to: fresh.url, verify: true, ...admin });
      expect(report.verify?.differences).toEqual([]);
      expect((await fresh.admin.collection("messages").getList(1, 1)).totalItems).toBe(
        report.written["messages"],
      );
      expect((await fresh.admin.collection("reactions").getList(1, 1)).totalItems).toBe(
        report.written["reactions"],
      );
    } finally {
      await fresh.stop();
      bulk.stop();
    }
  });
});

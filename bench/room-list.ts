// `npm run bench:rooms`: the room list with derived counters for a user in 200 rooms over
// 100,000 messages (half of them unread), against plain PocketBase listing the same rooms
// through the same API rule without counters. Also prints SQLite's plan for the list query.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { startInstance } from "../scripts/lib/instance.ts";
import { HOOKS_POOL_ARG } from "../scripts/lib/serve.ts";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { ensurePocketBase } from "../scripts/pocketbase-binary.ts";
import { measure, printTable, type Stats } from "./lib.ts";

const ROOMS = 200;
const MESSAGES = 100_000;
const REQUESTS = Number(process.env["BENCH_COUNT"] ?? 200);
const PASSWORD = "bench-password-1";
const BENCH_ADMIN = { email: "bench-admin@bench.test", password: "bench-admin-password-1" };

const binary = await ensurePocketBase();
execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
const root = mkdtempSync(join(tmpdir(), "konvert-bench-rooms-"));
const migrationsDir = join(root, "migrations");
mkdirSync(migrationsDir);
for (const file of readdirSync(join(REPO_ROOT, "pb_migrations"))) {
  cpSync(join(REPO_ROOT, "pb_migrations", file), join(migrationsDir, file));
}
const planFile = join(root, "plan.txt");
writeFileSync(join(migrationsDir, "1999999999_bench_seed.js"), seedMigration(planFile));
const template = join(root, "template");
const hooksDir = join(REPO_ROOT, "pb_hooks");
const emptyHooks = join(root, "no-hooks");
mkdirSync(emptyHooks);
execFileSync(
  binary,
  [
    "superuser",
    "upsert",
    BENCH_ADMIN.email,
    BENCH_ADMIN.password,
    `--dir=${template}`,
    `--hooksDir=${emptyHooks}`,
    `--migrationsDir=${migrationsDir}`,
  ],
  { stdio: "pipe" },
);
const seeded = Date.now();
execFileSync(
  binary,
  [
    "migrate",
    "up",
    `--dir=${template}`,
    `--hooksDir=${hooksDir}`,
    `--migrationsDir=${migrationsDir}`,
    "--hooksWatch=false",
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
console.log(
  `seeded ${ROOMS} rooms and ${MESSAGES} messages in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
);

const rows: { operation: string; target: string; stats: Stats }[] = [];
for (const [name, hooks] of [
  ["plain", emptyHooks],
  ["konvert", hooksDir],
] as const) {
  const dataDir = join(root, name);
  cpSync(template, dataDir, { recursive: true });
  const instance = await startInstance({
    binary,
    dataDir,
    hooksDir: hooks,
    migrationsDir,
    args: [HOOKS_POOL_ARG], // as `npm start` and the deployment files serve it
  });
  try {
    const client = new PocketBase(instance.url);
    client.autoCancellation(false);
    await client.collection("users").authWithPassword("bench_me", PASSWORD);
    rows.push({
      operation: `list 200 rooms via API rule (no counts)`,
      target: name,
      stats: await measure(REQUESTS, 1, () =>
        client.collection("rooms").getList(1, ROOMS, { skipTotal: true }),
      ),
    });
    if (name === "konvert") {
      const sample = await client.send<{ unreadCount: number }[]>("/api/konvert/rooms", {});
      const unread = sample.reduce((n, r) => n + r.unreadCount, 0);
      console.log(`konvert room list: ${sample.length} rooms, ${unread} unread messages in total`);
      rows.push({
        operation: "room list with 3 counters + preview",
        target: name,
        stats: await measure(REQUESTS, 1, () => client.send("/api/konvert/rooms", {})),
      });
      rows.push({
        operation: "room list with counters (c=4)",
        target: name,
        stats: await measure(REQUESTS, 4, () => client.send("/api/konvert/rooms", {})),
      });
      // The everyday case: the user has read almost everything (about 10 unread per room).
      const admin = new PocketBase(instance.url);
      await admin
        .collection("_superusers")
        .authWithPassword(BENCH_ADMIN.email, BENCH_ADMIN.password);
      const mine = await admin
        .collection("room_members")
        .getFullList({ filter: `user = "${client.authStore.record?.id ?? ""}"` });
      const readUpTo = MESSAGES - 2_000;
      const caughtUp = new Date(Date.UTC(2026, 0, 1) + readUpTo * 1000)
        .toISOString()
        .replace("T", " ");
      // the seq of the newest message read: message n is room n % ROOMS's (n / ROOMS + 1)th
      for (const m of mine) {
        const k = Number(String(m["room"]).slice(4));
        const readSeq = Math.floor((readUpTo - k) / ROOMS) + 1;
        await admin.collection("room_members").update(m.id, { lastReadAt: caughtUp, readSeq });
      }
      const after = await client.send<{ unreadCount: number }[]>("/api/konvert/rooms", {});
      rows.push({
        operation: `room list, ${after.reduce((n, r) => n + r.unreadCount, 0)} unread in total`,
        target: name,
        stats: await measure(REQUESTS, 1, () => client.send("/api/konvert/rooms", {})),
      });
    }
  } finally {
    await instance.stop();
  }
}
printTable(rows);
console.log(
  "\nquery plan (EXPLAIN QUERY PLAN of the room list):\n" + readFileSync(planFile, "utf8"),
);
if (process.env["BENCH_KEEP"]) console.log(`data kept in ${root}`);
else rmSync(root, { recursive: true, force: true });

/** A migration that seeds the data set with set-based SQL (seconds, not minutes, for 100k rows). */
function seedMigration(planPath: string): string {
  return `
migrate((app) => {
  const exec = (sql) => app.db().newQuery(sql).execute();
  const users = app.findCollectionByNameOrId("users");
  const ids = [];
  for (let i = 0; i < 11; i++) {
    const u = new Record(users);
    u.set("id", "benchuser" + String(i).padStart(6, "0"));
    u.set("username", i === 0 ? "bench_me" : "bench_" + i);
    u.set("email", "bench" + i + "@bench.test");
    u.set("role", "user");
    u.setPassword(${JSON.stringify(PASSWORD)});
    app.save(u);
    ids.push(u.id);
  }
  const me = ids[0];
  const ts = (n) => "strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || (" + n + ") || ' seconds') || '.000Z'";
  exec("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROOMS - 1}) " +
    "INSERT INTO rooms (id, name, type, createdBy, keyVersion, created, updated) " +
    "SELECT printf('room%011d', n), 'Room ' || n, 'private', '" + me + "', 0, " + ts("n") + ", " + ts("n") + " FROM s");
  exec("INSERT INTO room_members (id, room, user, role, lastReadAt, mentionsReadAt, reactionsReadAt, created, updated) " +
    "SELECT 'm' || substr(r.id, 5) || substr(u.id, -3), r.id, u.id, CASE WHEN u.id = '" + me + "' THEN 'owner' ELSE 'member' END, " +
    ts(${MESSAGES / 2}) + ", " + ts(${MESSAGES / 2}) + ", " + ts(${MESSAGES / 2}) + ", r.created, r.created " +
    "FROM rooms r, users u WHERE r.id LIKE 'room%' AND u.username LIKE 'bench%'");
  const authors = ids.map((id) => "'" + id + "'").join(",");
  exec("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${MESSAGES - 1}) " +
    "INSERT INTO messages (id, room, seq, author, content, type, created, updated) " +
    "SELECT printf('msg%012d', n), printf('room%011d', n % ${ROOMS}), n / ${ROOMS} + 1, " +
    "json_extract('[' || '" + authors.replace(/'/g, "\\"") + "' || ']', '$[' || (n % 11) || ']'), " +
    "'message number ' || n, 'text', " + ts("n") + ", " + ts("n") + " FROM s");
  exec("UPDATE room_members SET readSeq = (SELECT COUNT(*) FROM messages m WHERE m.room = room_members.room " +
    "AND m.created <= room_members.lastReadAt)");
  exec("INSERT INTO mentions (id, message, room, user, created, updated) " +
    "SELECT 'x' || substr(id, 4), id, room, '" + me + "', created, created FROM messages WHERE (CAST(substr(id, 4) AS INTEGER) % 20) = 1");
  exec("INSERT INTO reactions (id, message, user, emoji, room, messageAuthor, created, updated) " +
    "SELECT 'y' || substr(id, 4), id, '" + ids[1] + "', '👍', room, author, created, created FROM messages WHERE author = '" + me + "' AND (CAST(substr(id, 4) AS INTEGER) % 2) = 0");
  exec("UPDATE rooms SET lastMessage = (SELECT id FROM messages m WHERE m.room = rooms.id ORDER BY created DESC LIMIT 1), " +
    "lastMessageAt = (SELECT MAX(created) FROM messages m WHERE m.room = rooms.id) WHERE id LIKE 'room%'");
  exec("ANALYZE");
  // one client plays the user here; the limiter would measure itself instead
  const settings = app.settings();
  settings.rateLimits.enabled = false;
  app.save(settings);
  const lib = require(__hooks + "/konvert.js");
  const plan = arrayOf(new DynamicModel({ id: 0, parent: 0, notused: 0, detail: "" }));
  const mine = lib.scopes.roomListScope.mine(me, false).on("r");
  app.db().newQuery("EXPLAIN QUERY PLAN " + lib.roomList.roomListSql(mine.sql)).bind(Object.assign({ me }, mine.params)).all(plan);
  $os.writeFile(${JSON.stringify(planPath)}, plan.map((p) => p.detail).join("\\n"), 0o644);
});
`;
}

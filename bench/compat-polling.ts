// `npm run bench:compat`: the two reads the original frontend polls (spec §5) — `GET /rooms`
// every 2–3 s and `GET /messages/:roomId?limit=100` every 3 s per user — at 200 simulated users
// in flight, against plain PocketBase listing the same records through its own API rules in the
// same run. Data: 200 users, 40 rooms of 50 members each (10 public), 8,000 messages.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { startInstance } from "../scripts/lib/instance.ts";
import { HOOKS_POOL_ARG } from "../scripts/lib/serve.ts";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { ensurePocketBase } from "../scripts/pocketbase-binary.ts";
import { measure, printTable, type Stats } from "./lib.ts";

const USERS = 200;
const ROOMS = 40;
const MEMBERS_PER_ROOM = 50;
const MESSAGES = 8_000;
const CONCURRENCY = 200;
const REQUESTS = Number(process.env["BENCH_COUNT"] ?? 2000);
/** Sequential requests: the cost of one request without queueing behind 199 others. */
const SINGLE = 100;
const PREFIX = "/functions/v1/make-server-b0f1e6d5";
const SUPERUSER = { email: "bench@konvert.test", password: "bench-password-1" };

const binary = await ensurePocketBase();
execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
const root = mkdtempSync(join(tmpdir(), "konvert-bench-compat-"));
const migrationsDir = join(root, "migrations");
mkdirSync(migrationsDir);
for (const file of readdirSync(join(REPO_ROOT, "pb_migrations"))) {
  cpSync(join(REPO_ROOT, "pb_migrations", file), join(migrationsDir, file));
}
writeFileSync(join(migrationsDir, "1999999999_bench_seed.js"), seedMigration());
const template = join(root, "template");
const hooksDir = join(REPO_ROOT, "pb_hooks");
const emptyHooks = join(root, "no-hooks");
mkdirSync(emptyHooks);
const common = [`--dir=${template}`, `--migrationsDir=${migrationsDir}`, "--hooksWatch=false"];
execFileSync(binary, ["migrate", "up", `--hooksDir=${hooksDir}`, ...common], { stdio: "pipe" });
execFileSync(
  binary,
  [
    "superuser",
    "upsert",
    SUPERUSER.email,
    SUPERUSER.password,
    `--hooksDir=${emptyHooks}`,
    ...common,
  ],
  { stdio: "pipe" },
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
    const admin = new PocketBase(instance.url);
    admin.autoCancellation(false);
    await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    // One token per simulated user (PocketBase auth tokens, which the legacy routes accept too).
    const tokens: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const res = await admin.send<{ token: string }>(
        `/api/collections/users/impersonate/${userId(i)}`,
        { method: "POST", body: { duration: 3600 } },
      );
      tokens.push(res.token);
    }
    const get = async (path: string, i: number): Promise<unknown> => {
      const response = await fetch(instance.url + path, {
        headers: {
          Authorization: `Bearer ${tokens[i % USERS] ?? ""}`,
          "Content-Type": "application/json",
        },
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as unknown;
    };
    // Each user reads a room they belong to (member rooms are i % ROOMS and neighbours).
    const roomOf = (i: number) => roomId((i % USERS) % ROOMS);
    if (name === "plain") {
      rows.push({
        operation: "rooms: records API, c=1",
        target: name,
        stats: await measure(SINGLE, 1, (i) =>
          get("/api/collections/rooms/records?perPage=200&skipTotal=1", i),
        ),
      });
      rows.push({
        operation: "rooms: records API (rule only)",
        target: name,
        stats: await measure(REQUESTS, CONCURRENCY, (i) =>
          get("/api/collections/rooms/records?perPage=200&skipTotal=1", i),
        ),
      });
      rows.push({
        operation: "100 messages: records API, c=1",
        target: name,
        stats: await measure(SINGLE, 1, (i) =>
          get(
            `/api/collections/messages/records?perPage=100&skipTotal=1&sort=-created&filter=${encodeURIComponent(`room = "${roomOf(i)}"`)}`,
            i,
          ),
        ),
      });
      rows.push({
        operation: "100 messages: records API",
        target: name,
        stats: await measure(REQUESTS, CONCURRENCY, (i) =>
          get(
            `/api/collections/messages/records?perPage=100&skipTotal=1&sort=-created&filter=${encodeURIComponent(`room = "${roomOf(i)}"`)}`,
            i,
          ),
        ),
      });
    } else {
      const sample = (await get(`${PREFIX}/rooms`, 0)) as { rooms: unknown[] };
      const messages = (await get(`${PREFIX}/messages/${roomOf(0)}?limit=100`, 0)) as {
        messages: unknown[];
      };
      console.log(
        `legacy GET /rooms: ${sample.rooms.length} rooms; GET /messages: ${messages.messages.length} messages`,
      );
      rows.push({
        operation: "legacy GET /rooms, c=1",
        target: name,
        stats: await measure(SINGLE, 1, (i) => get(`${PREFIX}/rooms`, i)),
      });
      rows.push({
        operation: "legacy GET /rooms (members, counters)",
        target: name,
        stats: await measure(REQUESTS, CONCURRENCY, (i) => get(`${PREFIX}/rooms`, i)),
      });
      rows.push({
        operation: "legacy GET /messages?limit=100, c=1",
        target: name,
        stats: await measure(SINGLE, 1, (i) => get(`${PREFIX}/messages/${roomOf(i)}?limit=100`, i)),
      });
      rows.push({
        operation: "legacy GET /messages?limit=100",
        target: name,
        stats: await measure(REQUESTS, CONCURRENCY, (i) =>
          get(`${PREFIX}/messages/${roomOf(i)}?limit=100`, i),
        ),
      });
    }
  } finally {
    await instance.stop();
  }
}
printTable(rows);
rmSync(root, { recursive: true, force: true });

function userId(i: number): string {
  return "benchuser" + String(i).padStart(6, "0");
}

function roomId(i: number): string {
  return "room" + String(i).padStart(11, "0");
}

/** Seeds with set-based SQL; user i belongs to rooms i % 40 and the next few (50 per room). */
function seedMigration(): string {
  return `
migrate((app) => {
  const exec = (sql) => app.db().newQuery(sql).execute();
  const users = app.findCollectionByNameOrId("users");
  for (let i = 0; i < ${USERS}; i++) {
    const u = new Record(users);
    u.set("id", "benchuser" + String(i).padStart(6, "0"));
    u.set("username", "bench_" + i);
    u.set("email", "bench" + i + "@bench.test");
    u.set("role", "user");
    u.set("password", "unused-password-1");
    app.save(u);
  }
  const ts = (n) => "strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || (" + n + ") || ' seconds') || '.000Z'";
  exec("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROOMS - 1}) " +
    "INSERT INTO rooms (id, name, type, createdBy, keyVersion, created, updated) " +
    "SELECT printf('room%011d', n), 'Room ' || n, CASE WHEN n < 10 THEN 'public' ELSE 'private' END, " +
    "'benchuser000000', 0, " + ts("n") + ", " + ts("n") + " FROM s");
  // member k of room r is user (r + 4k) % USERS: 50 distinct users per room, 10 rooms per user
  exec("WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < ${MEMBERS_PER_ROOM - 1}) " +
    "INSERT OR IGNORE INTO room_members (id, room, user, role, lastReadAt, mentionsReadAt, reactionsReadAt, created, updated) " +
    "SELECT printf('mem%05d%05d', CAST(substr(r.id, 5) AS INTEGER), k.n), r.id, " +
    "printf('benchuser%06d', (CAST(substr(r.id, 5) AS INTEGER) + k.n * 4) % ${USERS}), 'member', " +
    ts(${MESSAGES / 2}) + ", " + ts(${MESSAGES / 2}) + ", " + ts(${MESSAGES / 2}) + ", r.created, r.created FROM rooms r, k WHERE r.id LIKE 'room%'");
  exec("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${MESSAGES - 1}) " +
    "INSERT INTO messages (id, room, author, content, type, created, updated) " +
    "SELECT printf('msg%012d', n), printf('room%011d', n % ${ROOMS}), " +
    "printf('benchuser%06d', ((n % ${ROOMS}) + (n % ${MEMBERS_PER_ROOM}) * 4) % ${USERS}), " +
    "'message number ' || n, 'text', " + ts("n") + ", " + ts("n") + " FROM s");
  exec("INSERT INTO reactions (id, message, user, emoji, room, messageAuthor, created, updated) " +
    "SELECT 'y' || substr(id, 4), id, 'benchuser000001', '👍', room, author, created, created FROM messages WHERE (CAST(substr(id, 4) AS INTEGER) % 5) = 0");
  exec("UPDATE rooms SET lastMessage = (SELECT id FROM messages m WHERE m.room = rooms.id ORDER BY created DESC LIMIT 1), " +
    "lastMessageAt = (SELECT MAX(created) FROM messages m WHERE m.room = rooms.id) WHERE id LIKE 'room%'");
  exec("ANALYZE");
  const settings = app.settings();
  settings.rateLimits.enabled = false; // one client IP plays 200 users
  app.save(settings);
});
`;
}

// `npm run bench:rooms`: the room list with derived counters for a user in 200 rooms, at
// 1,000,000 and 100,000 messages (about half unread for one user, caught up for another), against
// a bare PocketBase (bench/lib.ts startBareTarget) listing the same 200 rooms through an
// equivalent API rule, in alternating rounds of the same run. Prints SQLite's plan for the list
// query and the load average (the host is shared: its speed drifts within minutes).
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
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { startInstance } from "../scripts/lib/instance.ts";
import { HOOKS_POOL_ARG } from "../scripts/lib/serve.ts";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { ensurePocketBase } from "../scripts/pocketbase-binary.ts";
import {
  measure,
  printTable,
  processCpuSeconds,
  startBareTarget,
  type Stats,
  type Target,
} from "./lib.ts";

const ROOMS = 200;
const SIZES = (process.env["BENCH_MESSAGES"] ?? "1000000,100000").split(",").map(Number);
const REQUESTS = Number(process.env["BENCH_COUNT"] ?? 200);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const PASSWORD = "bench-password-1";
const BENCH_ADMIN = { email: "bench-admin@bench.test", password: "bench-admin-password-1" };
/** The caught-up user has read all but the last CAUGHT_UP_BEHIND messages (about 9 per room). */
const CAUGHT_UP_BEHIND = 2_000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`load average at start: ${load()}`);
const binary = await ensurePocketBase();
execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
const root = mkdtempSync(join(tmpdir(), "konvert-bench-rooms-"));
const hooksDir = join(REPO_ROOT, "pb_hooks");
const emptyHooks = join(root, "no-hooks");
mkdirSync(emptyHooks);

interface Op {
  label: string;
  target: string;
  pid: () => number;
  run: () => Promise<unknown>;
}
const ops: Op[] = [];
const plans: string[] = [];
const stops: (() => Promise<void>)[] = [];

try {
  for (const messages of SIZES) {
    const { dataDir, migrationsDir, plan } = seed(messages);
    plans.push(`${messages.toLocaleString("en")} messages:\n${plan}`);
    const instance = await startInstance({
      binary,
      dataDir,
      hooksDir,
      migrationsDir,
      args: [HOOKS_POOL_ARG], // as `npm start` and the deployment files serve it
    });
    stops.push(() => instance.stop());
    const size = `${messages / 1000}k`;
    for (const [username, scenario] of [
      ["bench_me", "backlog"],
      ["bench_1", "caught up"],
    ] as const) {
      const client = new PocketBase(instance.url);
      client.autoCancellation(false);
      await client.collection("users").authWithPassword(username, PASSWORD);
      const sample = await client.send<{ unreadCount: number }[]>("/api/konvert/rooms", {});
      const unread = sample.reduce((n, r) => n + r.unreadCount, 0);
      const label = `room list, ${scenario} (${Math.round(unread / 1000)}k unread)`;
      console.log(`${size}: ${sample.length} rooms, ${unread} unread in total for ${username}`);
      ops.push({
        label,
        target: `kv ${size}`,
        pid: () => instance.pid,
        run: () => client.send("/api/konvert/rooms", {}),
      });
      if (scenario === "backlog" && messages === SIZES[0]) {
        ops.push({
          label: "records API: 200 rooms via rule",
          target: `kv ${size}`,
          pid: () => instance.pid,
          run: () => client.collection("rooms").getList(1, ROOMS, { skipTotal: true }),
        });
      }
    }
  }
  const bare = await startBareTarget();
  stops.push(bare.stop);
  const bareClient = await seedBare(bare.target);
  ops.push({
    label: "records API: 200 rooms via rule",
    target: "bare",
    pid: () => bare.target.instance.pid,
    run: () => bareClient.collection("rooms").getList(1, ROOMS, { skipTotal: true }),
  });

  // warm every pooled VM and SQLite's page cache before the first measured round
  for (const op of ops) await measure(50, 4, op.run);
  const results = new Map<Op, { latencies: Stats[]; cpu: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ops : [...ops].reverse();
    for (const op of order) {
      const cpu0 = processCpuSeconds(op.pid());
      const stats = await measure(REQUESTS, 1, op.run);
      const seen = results.get(op) ?? { latencies: [], cpu: 0 };
      seen.latencies.push(stats);
      seen.cpu += processCpuSeconds(op.pid()) - cpu0;
      results.set(op, seen);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rows = ops.map((op) => {
    const r = results.get(op)!;
    // per-round stats: the table shows the median round's p50 and the median of the rounds' p99
    const stats = [...r.latencies].sort((a, b) => a.p50 - b.p50)[Math.floor(ROUNDS / 2)]!;
    return {
      operation: op.label,
      target: op.target,
      stats: { ...stats, p99: median(r.latencies.map((s) => s.p99)), count: REQUESTS * ROUNDS },
    };
  });
  printTable(rows);
  console.log(
    `\n${ROUNDS} alternating rounds of ${REQUESTS} requests per row at c=1; load average at end: ${load()}`,
  );
  const bareOp = ops.find((op) => op.target === "bare")!;
  console.log("server CPU per request, and p50 / bare's p50 in the same round (median of rounds):");
  for (const op of ops) {
    const r = results.get(op)!;
    const bareRounds = results.get(bareOp)!.latencies;
    const ratio = median(r.latencies.map((s, i) => s.p50 / (bareRounds[i]?.p50 ?? Infinity)));
    console.log(
      `  ${(op.target + " " + op.label).padEnd(58)} ${((r.cpu * 1e6) / (REQUESTS * ROUNDS)).toFixed(0).padStart(6)} µs  ${ratio.toFixed(2)}`,
    );
  }
  console.log("\nquery plan (EXPLAIN QUERY PLAN of the room list):\n" + plans.join("\n\n"));
} finally {
  for (const stop of stops) await stop();
  if (process.env["BENCH_KEEP"]) console.log(`data kept in ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

/** A data dir with our migrations and `messages` seeded messages; returns its plan of the list. */
function seed(messages: number): { dataDir: string; migrationsDir: string; plan: string } {
  const dir = join(root, `seed-${messages}`);
  const migrationsDir = join(dir, "migrations");
  mkdirSync(migrationsDir, { recursive: true });
  for (const file of readdirSync(join(REPO_ROOT, "pb_migrations"))) {
    cpSync(join(REPO_ROOT, "pb_migrations", file), join(migrationsDir, file));
  }
  const planFile = join(dir, "plan.txt");
  writeFileSync(join(migrationsDir, "1999999999_bench_seed.js"), seedMigration(planFile, messages));
  const dataDir = join(dir, "pb_data");
  execFileSync(
    binary,
    [
      "superuser",
      "upsert",
      BENCH_ADMIN.email,
      BENCH_ADMIN.password,
      `--dir=${dataDir}`,
      `--hooksDir=${emptyHooks}`,
      `--migrationsDir=${migrationsDir}`,
    ],
    { stdio: "pipe" },
  );
  const started = Date.now();
  execFileSync(
    binary,
    [
      "migrate",
      "up",
      `--dir=${dataDir}`,
      `--hooksDir=${hooksDir}`,
      `--migrationsDir=${migrationsDir}`,
      "--hooksWatch=false",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  console.log(
    `seeded ${ROOMS} rooms and ${messages} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { dataDir, migrationsDir, plan: readFileSync(planFile, "utf8") };
}

/**
 * The bare server's side: 11 users in 200 rooms (batches of 50), rooms listable by members
 * through the back-relation rule our rooms collection uses; returns the first user's client.
 */
async function seedBare(target: Target): Promise<PocketBase> {
  const admin = target.admin;
  await admin.settings.update({ batch: { enabled: true, maxRequests: 50 } });
  await admin.collections.update("rooms", {
    listRule: "room_members_via_room.user ?= @request.auth.id",
    viewRule: "room_members_via_room.user ?= @request.auth.id",
  });
  const users: string[] = [];
  for (let i = 0; i < 11; i++) {
    const user = await admin.collection("users").create({
      email: `bench${i}@bench.test`,
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    users.push(user.id);
  }
  const roomIds = Array.from({ length: ROOMS }, (_, n) => `room${String(n).padStart(11, "0")}`);
  const creates: { collection: string; body: Record<string, unknown> }[] = [
    ...roomIds.map((id, n) => ({
      collection: "rooms",
      body: { id, name: `Room ${n}`, type: "private", keyVersion: 0 },
    })),
    ...roomIds.flatMap((room) =>
      users.map((user, i) => ({
        collection: "room_members",
        body: { room, user, role: i === 0 ? "owner" : "member" },
      })),
    ),
  ];
  for (let i = 0; i < creates.length; i += 50) {
    const batch = admin.createBatch();
    for (const { collection, body } of creates.slice(i, i + 50)) {
      batch.collection(collection).create(body);
    }
    await batch.send();
  }
  const client = new PocketBase(target.instance.url);
  client.autoCancellation(false);
  await client.collection("users").authWithPassword("bench0@bench.test", PASSWORD);
  return client;
}

/** A migration that seeds the data set with set-based SQL (seconds, not minutes, for 100k rows). */
function seedMigration(planPath: string, messages: number): string {
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
    ts(${messages / 2}) + ", " + ts(${messages / 2}) + ", " + ts(${messages / 2}) + ", r.created, r.created " +
    "FROM rooms r, users u WHERE r.id LIKE 'room%' AND u.username LIKE 'bench%'");
  const authors = ids.map((id) => "'" + id + "'").join(",");
  exec("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${messages - 1}) " +
    "INSERT INTO messages (id, room, seq, author, content, type, created, updated) " +
    "SELECT printf('msg%012d', n), printf('room%011d', n % ${ROOMS}), n / ${ROOMS} + 1, " +
    "json_extract('[' || '" + authors.replace(/'/g, "\\"") + "' || ']', '$[' || (n % 11) || ']'), " +
    "'message number ' || n, 'text', " + ts("n") + ", " + ts("n") + " FROM s");
  exec("UPDATE room_members SET readSeq = (SELECT COUNT(*) FROM messages m WHERE m.room = room_members.room " +
    "AND m.created <= room_members.lastReadAt)");
  // the caught-up user: watermarks CAUGHT_UP_BEHIND messages before the newest
  const caught = ts(${messages - CAUGHT_UP_BEHIND});
  exec("UPDATE room_members SET lastReadAt = " + caught + ", mentionsReadAt = " + caught + ", reactionsReadAt = " + caught +
    " WHERE user = '" + ids[1] + "'");
  exec("UPDATE room_members SET readSeq = (SELECT COUNT(*) FROM messages m WHERE m.room = room_members.room " +
    "AND m.created <= room_members.lastReadAt) WHERE user = '" + ids[1] + "'");
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

// Benchmark plumbing: start a plain and a Konvert PocketBase from the same migrated data dir,
// time operations against both, print a table. Timings are measured, never asserted.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import PocketBase from "pocketbase";
import { ensurePocketBase } from "../scripts/pocketbase-binary.ts";
import { startInstance, type Instance } from "../scripts/lib/instance.ts";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { HOOKS_POOL_ARG } from "../scripts/lib/serve.ts";

const SUPERUSER = { email: "bench@konvert.test", password: "bench-password-1" };

export interface Target {
  /**
   * konvert: our migrations and hooks; plain: our migrations (schema, triggers, rules) without
   * hooks; bare: PocketBase as shipped, with equivalent collections and rules (startBareTarget).
   */
  name: "plain" | "konvert" | "bare";
  instance: Instance;
  admin: PocketBase;
  /** Stops the server and starts a fresh process on the same data (a new port; `admin` follows). */
  restart: () => Promise<void>;
}

/** Both servers share the schema; only "konvert" loads our hooks. */
export async function startTargets(): Promise<{ targets: Target[]; stop: () => Promise<void> }> {
  const binary = await ensurePocketBase();
  execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  const root = mkdtempSync(join(tmpdir(), "konvert-bench-"));
  const template = join(root, "template");
  const emptyHooks = join(root, "no-hooks");
  mkdirSync(emptyHooks);
  const migrationsDir = join(REPO_ROOT, "pb_migrations");
  prepareDataDir(binary, template, emptyHooks, migrationsDir);

  const targets: Target[] = [];
  for (const [name, hooksDir] of [
    ["plain", emptyHooks],
    ["konvert", join(REPO_ROOT, "pb_hooks")],
  ] as const) {
    const dataDir = join(root, name);
    cpSync(template, dataDir, { recursive: true });
    targets.push(await startTarget(name, { binary, dataDir, hooksDir, migrationsDir }));
  }
  return {
    targets,
    stop: async () => {
      await Promise.all(targets.map((t) => t.instance.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Konvert (our hooks) once per migrations dir, each on its own data dir: the same code with and
 * without a migration, for a paired before/after of what that migration costs.
 */
export async function startKonvertVariants(
  variants: { label: string; migrationsDir: string }[],
): Promise<{ runs: { label: string; target: Target }[]; stop: () => Promise<void> }> {
  const binary = await ensurePocketBase();
  execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  const root = mkdtempSync(join(tmpdir(), "konvert-bench-variants-"));
  const emptyHooks = join(root, "no-hooks");
  mkdirSync(emptyHooks);
  const hooksDir = join(REPO_ROOT, "pb_hooks");
  const runs: { label: string; target: Target }[] = [];
  for (const { label, migrationsDir } of variants) {
    const dataDir = join(root, label);
    prepareDataDir(binary, dataDir, emptyHooks, migrationsDir);
    runs.push({
      label,
      target: await startTarget("konvert", { binary, dataDir, hooksDir, migrationsDir }),
    });
  }
  return {
    runs,
    stop: async () => {
      await Promise.all(runs.map((r) => r.target.instance.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Applies the migrations of `migrationsDir` to a new data dir and adds the bench superuser. */
function prepareDataDir(
  binary: string,
  dataDir: string,
  hooksDir: string,
  migrationsDir: string,
): void {
  const common = [
    `--dir=${dataDir}`,
    `--migrationsDir=${migrationsDir}`,
    `--hooksDir=${hooksDir}`,
    "--hooksWatch=false",
  ];
  execFileSync(binary, ["migrate", "up", ...common], { stdio: "pipe" });
  execFileSync(binary, ["superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...common], {
    stdio: "pipe",
  });
}

/** Serves a data dir the way `npm start` and the deployment files do, signed in as superuser. */
async function startTarget(
  name: Target["name"],
  dirs: { binary: string; dataDir: string; hooksDir: string; migrationsDir: string },
): Promise<Target> {
  const options = { ...dirs, args: [HOOKS_POOL_ARG] };
  const instance = await startInstance(options);
  const admin = new PocketBase(instance.url);
  admin.autoCancellation(false);
  await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  // One client IP plays many users here; production limits would measure the limiter instead.
  await admin.settings.update({ rateLimits: { enabled: false } });
  const target: Target = {
    name,
    instance,
    admin,
    restart: async () => {
      await target.instance.stop();
      target.instance = await startInstance(options);
      target.admin.baseURL = target.instance.url;
    },
  };
  return target;
}

/**
 * The floor to compare a send against: the same binary with no project migrations, no hooks and no
 * triggers, and `rooms`, `room_members`, `messages` created with an equivalent create rule (the
 * author is the caller and a member of the room), served the way `npm start` serves Konvert.
 */
export async function startBareTarget(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const binary = await ensurePocketBase();
  const root = mkdtempSync(join(tmpdir(), "konvert-bench-bare-"));
  const dataDir = join(root, "pb_data");
  const emptyHooks = join(root, "no-hooks");
  const emptyMigrations = join(root, "no-migrations");
  mkdirSync(emptyHooks);
  mkdirSync(emptyMigrations);
  prepareDataDir(binary, dataDir, emptyHooks, emptyMigrations);
  const target = await startTarget("bare", {
    binary,
    dataDir,
    hooksDir: emptyHooks,
    migrationsDir: emptyMigrations,
  });
  const admin = target.admin;
  const users = await admin.collections.getOne("users");
  const rooms = await admin.collections.create({
    name: "rooms",
    type: "base",
    fields: [
      { name: "name", type: "text" },
      { name: "type", type: "text" },
      { name: "keyVersion", type: "number" },
    ],
  });
  await admin.collections.create({
    name: "room_members",
    type: "base",
    fields: [
      { name: "room", type: "relation", collectionId: rooms.id, required: true, maxSelect: 1 },
      { name: "user", type: "relation", collectionId: users.id, required: true, maxSelect: 1 },
      { name: "role", type: "text" },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_bare_members ON room_members (room, user)"],
  });
  await admin.collections.create({
    name: "messages",
    type: "base",
    fields: [
      { name: "room", type: "relation", collectionId: rooms.id, required: true, maxSelect: 1 },
      { name: "author", type: "relation", collectionId: users.id, required: true, maxSelect: 1 },
      { name: "content", type: "text" },
      { name: "type", type: "text" },
      { name: "created", type: "autodate", onCreate: true },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    createRule:
      "@request.auth.id != '' && @request.body.author = @request.auth.id && " +
      "room.room_members_via_room.user ?= @request.auth.id",
    indexes: ["CREATE INDEX idx_bare_messages_room ON messages (room, created)"],
  });
  return {
    target,
    stop: async () => {
      await target.instance.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) a process has used so far; the shared machine's noise aside. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in ticks of 10 ms
}

/**
 * CPU seconds (user + system) of a process's children that have exited and been waited for
 * (cutime + cstime): the sqlite3 CLI or temporary PocketBase an import started and stopped.
 */
export function childrenCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Peak resident memory of a process, in MB. */
export function processPeakMb(pid: number): number {
  return (
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024
  );
}

export interface Stats {
  count: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

/** Runs `op` `count` times with `concurrency` in flight; latencies in milliseconds. */
export async function measure(
  count: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { count, seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99), perSecond: count / seconds };
}

export function printTable(rows: { operation: string; target: string; stats: Stats }[]): void {
  console.log(
    "\noperation                                target       count  req/s   p50 ms  p95 ms  p99 ms",
  );
  for (const { operation, target, stats } of rows) {
    console.log(
      `${operation.padEnd(40)} ${target.padEnd(11)} ${String(stats.count).padStart(6)} ` +
        `${stats.perSecond.toFixed(0).padStart(6)} ${stats.p50.toFixed(2).padStart(8)} ` +
        `${stats.p95.toFixed(2).padStart(7)} ${stats.p99.toFixed(2).padStart(7)}`,
    );
  }
}

/**
 * The benchmarks' message: every tenth mentions the other sender. Konvert's hook sets the author;
 * a bare PocketBase needs it in the body, where its create rule checks it.
 */
/**
 * How a send reaches the server: the records API's create (PocketBase's route, as bare and plain
 * have it) or Konvert's send route (what the typed client uses for JSON sends).
 */
export type SendPath = "records" | "route";

type BenchClient = PocketBase & { benchAuthor?: string; benchPath?: SendPath };

export function sendBenchMessage(client: PocketBase, room: string, n: number): Promise<unknown> {
  const { benchAuthor: author, benchPath: path } = client as BenchClient;
  const body = {
    room,
    type: "text",
    content: n % 10 === 0 ? `hey @sender_b, message ${n}` : `message ${n} of the benchmark`,
    ...(author ? { author } : {}),
  };
  if (path === "route") return client.send("/api/konvert/messages", { method: "POST", body });
  return client.collection("messages").create(body);
}

/** Sends unmeasured at the highest level measured, so every pooled JS VM has loaded the hooks. */
const WARM_UP = { count: 256, concurrency: 64 };

/**
 * Two users in a private room, set up as superuser; returns the first one's signed-in client and
 * the room id after a warm-up (the send benchmarks all start here). Konvert is sent to the way
 * its typed client sends (its route) unless `path` says otherwise; a second call on the same
 * server makes another room for the same two users.
 */
export async function prepareSenders(
  target: Target,
  path: SendPath = target.name === "konvert" ? "route" : "records",
): Promise<{ client: PocketBase; room: string }> {
  const password = "bench-user-password";
  const users = [];
  for (const name of ["sender_a", "sender_b"]) {
    const email = `${name}@bench.test`;
    const existing = await target.admin
      .collection("users")
      .getFirstListItem(`email = "${email}"`)
      .catch(() => null);
    users.push(
      existing ??
        (await target.admin.collection("users").create({
          email,
          username: name,
          password,
          passwordConfirm: password,
          role: "user",
        })),
    );
  }
  const room = await target.admin
    .collection("rooms")
    .create({ name: "bench", type: "private", keyVersion: 0 });
  for (const user of users) {
    await target.admin
      .collection("room_members")
      .create({ room: room.id, user: user.id, role: "member" });
  }
  const client = new PocketBase(target.instance.url);
  client.autoCancellation(false);
  // by e-mail: a bare PocketBase's users have no username
  const auth = await client.collection("users").authWithPassword("sender_a@bench.test", password);
  if (target.name === "bare") (client as BenchClient).benchAuthor = auth.record.id;
  (client as BenchClient).benchPath = path;
  await measure(WARM_UP.count, WARM_UP.concurrency, (n) => sendBenchMessage(client, room.id, n));
  return { client, room: room.id };
}

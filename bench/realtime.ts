// `npm run bench:realtime`: Konvert's realtime topics (issue #15) against PocketBase's own
// collection subscriptions, on the same Konvert server in the same run (the collection rules are
// the same; only how clients subscribe differs). The "plain" server startTargets() also starts
// stays idle: the baseline is Konvert's server with clients on `messages/*?filter=room = '<id>'`.
// Konvert's sends go to its send route, as its typed client sends; the baseline's to the records
// API, as a PocketBase client would.
//
//  1. 1,000 online members of one room, one SSE connection each; one sender sends messages one at
//     a time (the next after the previous one's deliveries): server CPU per message, the sender's
//     latency, delivery latency from the send's start, every event delivered exactly once.
//     Konvert and baseline rounds alternate on the same connections (re-subscribed).
//  2. Bystanders: a message in a 2-member room with 0 and with 1,000 other users online, each on
//     their own room (`room/<own>` + `feed`; baseline: `messages/*` filtered to their room).
//  3. Sustained: 50 messages/s into the 1,000-member room for 30 s (Konvert only: the baseline
//     needs ~0.5 s of CPU per message and cannot keep up at this rate).
//  4. 10,000 connections (1,000 users × 10) subscribed to `room/<own>` + `feed`: server RSS.
//  5. The rate limiter's overhead on a read (on, with limits too high to trigger, vs off).
//
// Clients are raw SSE connections over node:http (a few lines of parsing, far lighter than one
// SDK or EventSource per connection: the client shares the 2 cores with the server) and
// subscribe with POST /api/realtime like the SDK does. Server CPU comes from /proc.
// Run with a high open-files limit: the npm script raises the soft limit to the hard one.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import PocketBase from "pocketbase";
import { measure, processCpuSeconds, startTargets, type Target } from "./lib.ts";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MEMBERS = num("BENCH_MEMBERS", 1000);
/** scenario 1: messages per kind, split over the alternating rounds */
const MESSAGES = num("BENCH_MESSAGES", 40);
const ROUNDS = num("BENCH_ROUNDS", 2);
/** scenario 2: messages per Konvert phase, and per baseline phase (~0.5 s CPU each at 1,000) */
const BYSTANDER_MESSAGES = num("BENCH_BYSTANDER_MESSAGES", 200);
const BASELINE_BYSTANDER_MESSAGES = num("BENCH_BASELINE_BYSTANDER_MESSAGES", 20);
const RATE = num("BENCH_RATE", 50);
const SECONDS = num("BENCH_SECONDS", 30);
const CLIENTS = num("BENCH_CLIENTS", 10_000);
const SCENARIOS = new Set((process.env["BENCH_SCENARIOS"] ?? "1,2,3,4,5").split(","));

const TARGETS = { cpuPerMessageMs: 30, senderP50Ms: 10, deliveryP99Ms: 50 };
const PASSWORD = "rt-bench-password-1";

// ---------------------------------------------------------------------------------------------
// report

interface Row {
  scenario: string;
  metric: string;
  value: string;
  target: string;
  result: "pass" | "FAIL" | "info";
}
const rows: Row[] = [];
function row(scenario: string, metric: string, value: string, target = "", ok?: boolean): void {
  rows.push({
    scenario,
    metric,
    value,
    target,
    result: ok === undefined ? "info" : ok ? "pass" : "FAIL",
  });
}
function printRows(): void {
  const w = [3, 62, 32, 14];
  console.log(
    `\n${"#".padEnd(w[0]!)} ${"metric".padEnd(w[1]!)} ${"value".padEnd(w[2]!)} ${"target".padEnd(w[3]!)} result`,
  );
  for (const r of rows) {
    console.log(
      `${r.scenario.padEnd(w[0]!)} ${r.metric.padEnd(w[1]!)} ${r.value.padEnd(w[2]!)} ` +
        `${r.target.padEnd(w[3]!)} ${r.result}`,
    );
  }
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function procStatusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

function openFilesLimit(): number {
  const line = /Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"));
  return Number(line?.[1] ?? 1024);
}

// ---------------------------------------------------------------------------------------------
// SSE connections and delivery accounting

interface Conn {
  idx: number;
  user: number;
  clientId: string;
  close: () => void;
  /** the event name events for this connection's room arrive under */
  topic: string;
  closing: boolean;
}

let nextConnIdx = 0;
let droppedConnections = 0;
const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
/** message number -> the tracker of the phase that sent it */
const owners = new Map<number, Tracker>();
let strayDeliveries = 0; // events of no tracked message, or to a connection not expected

/** Wall-clock milliseconds, comparable between threads (the sender runs in a worker). */
const wallNow = () => performance.timeOrigin + performance.now();

let nextTrackerId = 0;
const trackers = new Map<number, Tracker>();

class Tracker {
  readonly id = nextTrackerId++;
  private readonly expected: Uint8Array;
  private readonly perMessage: number;
  private readonly t0 = new Map<number, number>();
  private readonly counts = new Map<number, Uint8Array>();
  private readonly arrivals = new Map<number, number[]>();
  private readonly waiters = new Map<number, () => void>();
  sent = 0;
  delivered = 0;
  duplicates = 0;
  wrongTopic = 0;

  constructor(recipients: readonly Conn[]) {
    this.expected = new Uint8Array(nextConnIdx + 1);
    for (const c of recipients) this.expected[c.idx] = 1;
    this.perMessage = recipients.length;
    trackers.set(this.id, this);
    goClients?.recipients(this.id, recipients);
  }

  /** Registers message `n` before it is sent (its deliveries may beat the send's answer). */
  expect(n: number): void {
    owners.set(n, this);
    this.counts.set(n, new Uint8Array(this.expected.length));
    this.arrivals.set(n, []);
    this.sent++;
    goClients?.expect(n, this.id);
  }

  /** When the send of `n` started (wall clock, reported by the sender). */
  started(n: number, t0: number): void {
    this.t0.set(n, t0);
  }

  deliver(conn: Conn, name: string, n: number, now: number): void {
    const counts = this.counts.get(n);
    if (!counts || this.expected[conn.idx] !== 1) {
      strayDeliveries++;
      return;
    }
    if (name !== conn.topic) this.wrongTopic++;
    if (counts[conn.idx]!++ > 0) {
      this.duplicates++;
      return;
    }
    this.delivered++;
    const arrivals = this.arrivals.get(n)!;
    arrivals.push(now);
    if (arrivals.length === this.perMessage) this.waiters.get(n)?.();
  }

  /** `count` first deliveries of `n` to expected connections, counted by the Go clients. */
  deliverCounted(n: number, at: number, count: number): void {
    const arrivals = this.arrivals.get(n);
    if (!arrivals) {
      strayDeliveries += count;
      return;
    }
    this.delivered += count;
    for (let i = 0; i < count; i++) arrivals.push(at);
    if (arrivals.length === this.perMessage) this.waiters.get(n)?.();
  }

  /** Resolves when every expected connection has message `n` (false after `timeout` ms). */
  whenDelivered(n: number, timeout: number): Promise<boolean> {
    if (this.arrivals.get(n)?.length === this.perMessage) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(n);
        resolve(false);
      }, timeout);
      this.waiters.set(n, () => {
        clearTimeout(timer);
        this.waiters.delete(n);
        resolve(true);
      });
    });
  }

  async allDelivered(timeout: number): Promise<boolean> {
    const deadline = performance.now() + timeout;
    while (this.delivered < this.expectedTotal && performance.now() < deadline) await sleep(10);
    return this.delivered >= this.expectedTotal;
  }

  get expectedTotal(): number {
    return this.sent * this.perMessage;
  }

  /** Delivery latencies (ms) of the messages whose send started in each `windowMs` window. */
  windows(windowMs: number): { from: number; latencies: number[] }[] {
    const starts = [...this.t0.values()];
    const first = Math.min(...starts);
    const out: ({ from: number; latencies: number[] } | undefined)[] = [];
    for (const [n, arrivals] of this.arrivals) {
      const t0 = this.t0.get(n);
      if (t0 === undefined) continue;
      const w = Math.floor((t0 - first) / windowMs);
      const window = (out[w] ??= { from: (w * windowMs) / 1000, latencies: [] });
      for (const at of arrivals) window.latencies.push(at - t0);
    }
    return out.filter((w) => w !== undefined);
  }

  /** Delivery latencies from the send's start, in ms, sorted. */
  latencies(): number[] {
    const out: number[] = [];
    for (const [n, arrivals] of this.arrivals) {
      const t0 = this.t0.get(n);
      if (t0 !== undefined) for (const at of arrivals) out.push(at - t0);
    }
    return out.sort((a, b) => a - b);
  }

  summary() {
    const sorted = this.latencies();
    return {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? NaN,
      missing: this.expectedTotal - this.delivered,
    };
  }
}

const MARK = "rtb:";

function onEvent(conn: Conn, name: string, data: string, now: number): void {
  // one SSE message may carry a batch of a room's events: count every benchmark message in it
  let at = data.indexOf(MARK);
  while (at >= 0) {
    const n = parseInt(data.slice(at + MARK.length, at + MARK.length + 12), 10);
    const owner = owners.get(n);
    if (owner) owner.deliver(conn, name, n, now);
    else strayDeliveries++;
    at = data.indexOf(MARK, at + MARK.length);
  }
}

function openConn(base: string, user: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("SSE connect timed out"));
    }, 30_000);
    const req = http.get(
      `${base}/api/realtime`,
      { agent: sseAgent, headers: { Accept: "text/event-stream" } },
      (res) => {
        if (res.statusCode !== 200) {
          clearTimeout(timer);
          res.resume();
          reject(new Error(`SSE connect answered ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          const now = wallNow();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = "message";
            let data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) name = line.slice(6).replace(/^ /, "");
              else if (line.startsWith("data:")) data += line.slice(5).replace(/^ /, "");
            }
            if (name === "PB_CONNECT") {
              conn.clientId = (JSON.parse(data) as { clientId: string }).clientId;
              clearTimeout(timer);
              resolve(conn);
            } else onEvent(conn, name, data, now);
          }
        });
        res.on("close", () => {
          if (!conn.closing) droppedConnections++;
        });
      },
    );
    req.on("error", (err) => {
      clearTimeout(timer);
      if (!conn.clientId) reject(err);
      else if (!conn.closing) droppedConnections++;
    });
    const conn: Conn = {
      idx: nextConnIdx++,
      user,
      clientId: "",
      close: () => req.destroy(),
      topic: "",
      closing: false,
    };
  });
}

async function openConns(base: string, users: readonly number[]): Promise<Conn[]> {
  const conns: Conn[] = new Array(users.length);
  const open = goClients ? (b: string, u: number) => goClients.open(b, u) : openConn;
  await measure(users.length, 64, async (i) => {
    conns[i] = await open(base, users[i]!);
  });
  return conns;
}

/**
 * The SSE clients in one Go process (bench/sse-clients), the default when `go` is on the machine
 * (BENCH_SSE_CLIENTS=node keeps them in Node): the clients share the host's two cores with the
 * server they measure, and the Go process, which also does the delivery accounting, costs about
 * two thirds of the CPU the Node clients need (docs/architecture.md, "Realtime").
 */
class GoClients {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, [(c: Conn) => void, (e: Error) => void]>();
  private readonly byIdx = new Map<number, Conn>();

  constructor(binary: string) {
    this.child = spawn(binary, [], { stdio: ["pipe", "pipe", "inherit"] });
    const lines = createInterface({ input: this.child.stdout! });
    lines.on("line", (line) => this.onLine(line));
  }

  open(base: string, user: number): Promise<Conn> {
    const conn: Conn = {
      idx: nextConnIdx++,
      user,
      clientId: "",
      close: () => this.child.stdin!.write(`close ${conn.idx}\n`),
      topic: "",
      closing: false,
    };
    this.byIdx.set(conn.idx, conn);
    return new Promise((resolve, reject) => {
      this.pending.set(conn.idx, [resolve, reject]);
      this.child.stdin!.write(`open ${conn.idx} ${base}\n`);
    });
  }

  /** The event name a connection's benchmark events should carry. */
  topic(conn: Conn): void {
    this.child.stdin!.write(`topic ${conn.idx} ${conn.topic}\n`);
  }

  recipients(tracker: number, conns: readonly Conn[]): void {
    this.child.stdin!.write(`recipients ${tracker} ${conns.map((c) => c.idx).join(",")}\n`);
  }

  expect(n: number, tracker: number): void {
    this.child.stdin!.write(`expect ${n} ${tracker}\n`);
  }

  private onLine(line: string): void {
    const f = line.split(" ");
    switch (f[0]) {
      case "A": {
        const n = Number(f[1]);
        const owner = owners.get(n);
        for (const pair of f[2]!.split(",")) {
          const [at, count] = pair.split(":");
          if (owner) owner.deliverCounted(n, Number(at), Number(count));
          else strayDeliveries += Number(count);
        }
        return;
      }
      case "Z": {
        const tracker = trackers.get(Number(f[1]));
        if (tracker) {
          tracker.duplicates += Number(f[2]);
          tracker.wrongTopic += Number(f[3]);
        }
        return;
      }
      case "S":
        strayDeliveries += Number(f[1]);
        return;
    }
    const conn = this.byIdx.get(Number(f[1]));
    if (!conn) return;
    switch (f[0]) {
      case "C": {
        conn.clientId = f[2]!;
        this.pending.get(conn.idx)?.[0](conn);
        this.pending.delete(conn.idx);
        break;
      }
      case "E":
        this.pending.get(conn.idx)?.[1](new Error(`SSE connect: ${f.slice(2).join(" ")}`));
        this.pending.delete(conn.idx);
        break;
      case "X":
        if (!conn.closing) droppedConnections++;
        break;
    }
  }

  cpuSeconds(): number {
    return this.child.pid ? processCpuSeconds(this.child.pid) : 0;
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}

function buildGoClients(): string | null {
  if (process.env["BENCH_SSE_CLIENTS"] === "node") return null;
  const dir = fileURLToPath(new URL("./sse-clients/", import.meta.url));
  const binary = join(tmpdir(), "konvert-bench-sse-clients");
  const built = spawnSync("go", ["build", "-o", binary, "."], { cwd: dir, stdio: "inherit" });
  if (built.error || built.status !== 0) {
    console.log("go is not available: the SSE clients run in Node");
    return null;
  }
  return binary;
}
/** CPU seconds of the benchmark's own process and its SSE clients. */
function clientCpuSeconds(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1e6 + (goClients?.cpuSeconds() ?? 0);
}
const goBinary = buildGoClients();
const goClients = goBinary ? new GoClients(goBinary) : null;

async function closeConns(conns: readonly Conn[]): Promise<void> {
  for (const c of conns) {
    c.closing = true;
    c.close();
  }
  await sleep(1500); // the server unregisters them as it notices
}

async function subscribe(base: string, token: string, conn: Conn, subs: string[]): Promise<void> {
  const res = await fetch(`${base}/api/realtime`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: token },
    body: JSON.stringify({ clientId: conn.clientId, subscriptions: subs }),
  });
  const body = await res.text();
  if (res.status !== 204) throw new Error(`subscribe answered ${res.status}: ${body}`);
}

/** How clients subscribe to a room's messages, and under which event name they arrive. */
interface Mode {
  name: "konvert" | "baseline";
  /** where its sends go: Konvert's typed client uses its send route, PocketBase's the records API */
  sendPath: string;
  /** subscriptions of a connection following `room` (`feed`: as the typed client does) */
  subs(room: string, feed: boolean): string[];
  topic(room: string): string;
}
const konvert: Mode = {
  name: "konvert",
  sendPath: "/api/konvert/messages",
  subs: (room, feed) => (feed ? [`room/${room}`, "feed"] : [`room/${room}`]),
  topic: (room) => `room/${room}`,
};
const baselineTopic = (room: string) =>
  "messages/*?options=" +
  encodeURIComponent(JSON.stringify({ query: { filter: `room = '${room}'` } }));
const baseline: Mode = {
  name: "baseline",
  sendPath: "/api/collections/messages/records",
  subs: (room) => [baselineTopic(room)],
  topic: baselineTopic,
};

// ---------------------------------------------------------------------------------------------
// data

interface World {
  target: Target;
  base: string;
  pid: number;
  /** tokens of the members, index = user number */
  tokens: string[];
  userIds: string[];
  ownRooms: string[];
  bigRoom: string;
  pairRoom: string;
  sender: string;
  partner: string;
  bigMemberships: string[];
}

async function batchCreate(
  admin: PocketBase,
  collection: string,
  bodies: Record<string, unknown>[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 200) {
    const batch = admin.createBatch();
    for (const body of bodies.slice(i, i + 200)) batch.collection(collection).create(body);
    const results = (await batch.send()) as { status: number; body: { id: string } }[];
    for (const r of results) {
      if (r.status < 200 || r.status > 299) throw new Error(`batch ${collection}: ${r.status}`);
      ids.push(r.body.id);
    }
  }
  return ids;
}

async function prepare(target: Target): Promise<World> {
  const admin = target.admin;
  await admin.settings.update({
    batch: { enabled: true, maxRequests: 500, timeout: 120, maxBodySize: 0 },
  });
  // The bench signs users in by impersonation, never with their password: hash passwords at
  // bcrypt's lowest cost in this throwaway data dir, or creating 1,000 users takes minutes.
  const users = await admin.collections.getOne("users");
  const fields = users.fields.map((f) => (f.name === "password" ? { ...f, cost: 4 } : f));
  await admin.collections.update("users", { fields });
  const t0 = performance.now();
  const names = Array.from({ length: MEMBERS + 2 }, (_, i) =>
    i === MEMBERS ? "rt_sender" : i === MEMBERS + 1 ? "rt_partner" : `rt_${i}`,
  );
  const userIds = await batchCreate(
    admin,
    "users",
    names.map((name) => ({
      email: `${name}@bench.test`,
      username: name,
      password: PASSWORD,
      passwordConfirm: PASSWORD,
      role: "user",
    })),
  );
  const room = (name: string) => ({ name, type: "private", keyVersion: 0 });
  const [bigRoom, pairRoom] = await batchCreate(admin, "rooms", [room("big"), room("pair")]);
  const ownRooms = await batchCreate(
    admin,
    "rooms",
    Array.from({ length: MEMBERS }, (_, i) => room(`own ${i}`)),
  );
  const member = (r: string, u: string) => ({ room: r, user: u, role: "member" });
  await batchCreate(
    admin,
    "room_members",
    ownRooms.map((r, i) => member(r, userIds[i]!)),
  );
  const sender = userIds[MEMBERS]!;
  const partner = userIds[MEMBERS + 1]!;
  const bigMemberships = await batchCreate(
    admin,
    "room_members",
    userIds.slice(0, MEMBERS).map((u) => member(bigRoom!, u)),
  );
  await batchCreate(admin, "room_members", [
    member(bigRoom!, sender),
    member(pairRoom!, sender),
    member(pairRoom!, partner),
  ]);
  // as the hourly housekeeping would: the statistics of the empty tables at start would make
  // SQLite scan every room in each subscribe's authorization (jsvm/db-maintenance.ts)
  await admin.send("/api/konvert/admin/db/optimize", { method: "POST" });
  const tokens: string[] = new Array(MEMBERS + 2);
  await measure(MEMBERS + 2, 8, async (i) => {
    tokens[i] = (await admin.collection("users").impersonate(userIds[i]!, 7200)).authStore.token;
  });
  console.log(
    `prepared ${MEMBERS + 2} users, ${MEMBERS + 2} rooms, memberships in ` +
      `${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  return {
    target,
    base: target.instance.url,
    pid: target.instance.pid,
    tokens,
    userIds,
    ownRooms,
    bigRoom: bigRoom!,
    pairRoom: pairRoom!,
    sender,
    partner,
    bigMemberships,
  };
}

let nextMessage = 0;

/**
 * The sender runs in a worker thread: in the main thread its answer would wait in the event loop
 * behind the SSE events of 1,000 connections arriving at the same moment. It reports each send's
 * start (wall clock) and latency; a burst is paced by the worker's own timer.
 */
const SENDER_WORKER = `
const { parentPort } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const now = () => performance.timeOrigin + performance.now();
async function one(job) {
  const t0 = now();
  const p0 = performance.now();
  let status = 0;
  let error = "";
  try {
    const res = await fetch(job.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: job.token },
      body: job.body,
    });
    status = res.status;
    const text = await res.text();
    if (!res.ok) error = text.slice(0, 200);
  } catch (err) {
    error = String(err);
  }
  parentPort.postMessage({ kind: "sent", n: job.n, t0, ms: performance.now() - p0, status, error });
}
parentPort.on("message", async (msg) => {
  if (msg.kind === "one") return one(msg.job);
  const start = performance.now();
  let maxLag = 0;
  for (let i = 0; i < msg.jobs.length; i++) {
    const due = start + i * msg.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    maxLag = Math.max(maxLag, performance.now() - due);
    one(msg.jobs[i]);
  }
  parentPort.postMessage({ kind: "paced", maxLag });
});
`;

interface SendJob {
  n: number;
  url: string;
  token: string;
  body: string;
}
interface SendResult {
  kind: "sent";
  n: number;
  t0: number;
  ms: number;
  status: number;
  error: string;
}

class Sender {
  private readonly worker = new Worker(SENDER_WORKER, { eval: true });
  private readonly waiting = new Map<number, (r: SendResult) => void>();
  private onPaced: ((maxLag: number) => void) | null = null;

  constructor() {
    this.worker.on("message", (msg: SendResult | { kind: "paced"; maxLag: number }) => {
      if (msg.kind === "paced") this.onPaced?.(msg.maxLag);
      else {
        this.waiting.get(msg.n)?.(msg);
        this.waiting.delete(msg.n);
      }
    });
  }

  /** A job for message number `n`, registered with `tracker` before it goes out. */
  job(world: World, room: string, tracker: Tracker, mode: Mode): SendJob {
    const n = nextMessage++;
    tracker.expect(n);
    const body = JSON.stringify({ room, type: "text", content: `${MARK}${n}: realtime benchmark` });
    const url = `${world.base}${mode.sendPath}`;
    return { n, url, token: world.tokens[MEMBERS]!, body };
  }

  private result(job: SendJob, tracker: Tracker): Promise<SendResult> {
    return new Promise((resolve) => {
      this.waiting.set(job.n, (r) => {
        tracker.started(r.n, r.t0);
        resolve(r);
      });
    });
  }

  /** One send; resolves with the sender's latency until its 2xx answer's body was read. */
  async send(world: World, room: string, tracker: Tracker, mode: Mode): Promise<number> {
    const job = this.job(world, room, tracker, mode);
    const done = this.result(job, tracker);
    this.worker.postMessage({ kind: "one", job });
    const r = await done;
    if (r.status < 200 || r.status > 299) throw new Error(`send answered ${r.status}: ${r.error}`);
    return r.ms;
  }

  /** `count` sends at a fixed pace, not waiting for answers. */
  async paced(world: World, room: string, tracker: Tracker, count: number, intervalMs: number) {
    const jobs = Array.from({ length: count }, () => this.job(world, room, tracker, konvert));
    const results = Promise.all(jobs.map((job) => this.result(job, tracker)));
    const lag = new Promise<number>((resolve) => (this.onPaced = resolve));
    this.worker.postMessage({ kind: "paced", jobs, intervalMs });
    return { maxLag: await lag, results: await results };
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

const sender = new Sender();

async function subscribeAll(
  world: World,
  conns: readonly Conn[],
  mode: Mode,
  roomOf: (c: Conn) => string,
  feed: boolean,
): Promise<void> {
  const t0 = performance.now();
  const cpu0 = processCpuSeconds(world.pid);
  await measure(conns.length, 32, async (i) => {
    const c = conns[i]!;
    const room = roomOf(c);
    await subscribe(world.base, world.tokens[c.user]!, c, mode.subs(room, feed));
    c.topic = mode.topic(room);
    goClients?.topic(c);
  });
  if (conns.length >= 100) {
    console.log(
      `   subscribed ${conns.length} connections in ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
        `server CPU ${(processCpuSeconds(world.pid) - cpu0).toFixed(1)} s`,
    );
  }
  await sleep(200);
}

interface Phase {
  cpuMs: number;
  sender: number[];
  tracker: Tracker;
}

/** Sends `count` messages one at a time, each after the previous one's deliveries. */
async function sequential(
  world: World,
  room: string,
  recipients: readonly Conn[],
  count: number,
  mode: Mode = konvert,
): Promise<Phase> {
  const tracker = new Tracker(recipients);
  const latencies: number[] = [];
  const cpu0 = processCpuSeconds(world.pid);
  for (let i = 0; i < count; i++) {
    const n = nextMessage;
    latencies.push(await sender.send(world, room, tracker, mode));
    await tracker.whenDelivered(n, 15_000);
  }
  const cpuMs = ((processCpuSeconds(world.pid) - cpu0) * 1000) / count;
  return { cpuMs, sender: latencies, tracker };
}

function scenarioHeader(id: string, title: string): void {
  console.log(`\n== scenario ${id}: ${title}\n   load average at start: ${load()}`);
}
function scenarioEnd(id: string): void {
  console.log(`   load average at end of scenario ${id}: ${load()}`);
}

// ---------------------------------------------------------------------------------------------
// scenarios

/** 1: a message to a room of MEMBERS online members. Returns the connections (for scenario 3). */
async function oneBigRoom(world: World): Promise<Conn[]> {
  scenarioHeader("1", `${MEMBERS} online members of one room, ${MESSAGES} messages per kind`);
  const users = Array.from({ length: MEMBERS }, (_, i) => i);
  const conns = await openConns(world.base, users);
  const perRound = Math.max(1, Math.round(MESSAGES / ROUNDS));
  const merged = new Map<string, Phase[]>();
  // warm-up (not counted): every pooled VM path of the send and the fan-out
  await subscribeAll(world, conns, konvert, () => world.bigRoom, false);
  await sequential(world, world.bigRoom, conns, 5);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [konvert, baseline] : [baseline, konvert];
    for (const mode of order) {
      await subscribeAll(world, conns, mode, () => world.bigRoom, false);
      const phase = await sequential(world, world.bigRoom, conns, perRound, mode);
      merged.set(mode.name, [...(merged.get(mode.name) ?? []), phase]);
      console.log(
        `   round ${round + 1} ${mode.name.padEnd(8)} CPU/message ${ms(phase.cpuMs)}, ` +
          `sender p50 ${ms(
            percentile(
              [...phase.sender].sort((a, b) => a - b),
              0.5,
            ),
          )}, ` +
          `delivered ${phase.tracker.delivered}/${phase.tracker.expectedTotal} (load ${load()})`,
      );
    }
  }
  for (const mode of [konvert, baseline]) {
    const phases = merged.get(mode.name) ?? [];
    const cpu = phases.reduce((s, p) => s + p.cpuMs, 0) / Math.max(1, phases.length);
    const senderMs = phases.flatMap((p) => p.sender).sort((a, b) => a - b);
    const latencies = phases.flatMap((p) => p.tracker.latencies()).sort((a, b) => a - b);
    const expected = phases.reduce((s, p) => s + p.tracker.expectedTotal, 0);
    const delivered = phases.reduce((s, p) => s + p.tracker.delivered, 0);
    const dups = phases.reduce((s, p) => s + p.tracker.duplicates, 0);
    const wrong = phases.reduce((s, p) => s + p.tracker.wrongTopic, 0);
    const k = mode === konvert;
    const label = k ? "konvert room/<id>" : "baseline messages/*";
    row(
      "1",
      `${label}: server CPU per message`,
      ms(cpu),
      k ? `<= ${TARGETS.cpuPerMessageMs} ms` : "",
      k ? cpu <= TARGETS.cpuPerMessageMs : undefined,
    );
    row(
      "1",
      `${label}: sender 2xx p50 / p99`,
      `${ms(percentile(senderMs, 0.5))} / ${ms(percentile(senderMs, 0.99))}`,
      k ? `p50 <= ${TARGETS.senderP50Ms} ms` : "",
      k ? percentile(senderMs, 0.5) <= TARGETS.senderP50Ms : undefined,
    );
    row(
      "1",
      `${label}: delivery p50 / p99`,
      `${ms(percentile(latencies, 0.5))} / ${ms(percentile(latencies, 0.99))}`,
      k ? `p99 <= ${TARGETS.deliveryP99Ms} ms` : "",
      k ? percentile(latencies, 0.99) <= TARGETS.deliveryP99Ms : undefined,
    );
    row(
      "1",
      `${label}: delivered once (missing, dup, wrong name)`,
      `${delivered}/${expected} (${expected - delivered}, ${dups}, ${wrong})`,
      "all, once",
      delivered === expected && dups === 0 && wrong === 0,
    );
  }
  const kPhases = merged.get("konvert") ?? [];
  const bPhases = merged.get("baseline") ?? [];
  const ratios = kPhases.map((p, i) => (bPhases[i]?.cpuMs ?? NaN) / p.cpuMs);
  row(
    "1",
    "CPU per message baseline / konvert, per round",
    ratios.map((r) => `${r.toFixed(1)}×`).join(", "),
  );
  scenarioEnd("1");
  return conns;
}

/** 3: RATE messages/s for SECONDS s into the big room, Konvert topics. */
async function sustained(world: World, conns: Conn[]): Promise<void> {
  scenarioHeader(
    "3",
    `${RATE} messages/s for ${SECONDS} s into the ${conns.length}-member room (konvert only)`,
  );
  await subscribeAll(world, conns, konvert, () => world.bigRoom, false);
  await sequential(world, world.bigRoom, conns, 5); // warm-up when run without scenario 1
  const tracker = new Tracker(conns);
  const total = Math.round(RATE * SECONDS);
  const cpu0 = processCpuSeconds(world.pid);
  const client0 = clientCpuSeconds();
  const start = performance.now();
  const { maxLag, results } = await sender.paced(world, world.bigRoom, tracker, total, 1000 / RATE);
  const failures = results.filter((r) => r.status < 200 || r.status > 299).length;
  const senderMs = results.map((r) => r.ms).sort((a, b) => a - b);
  const sendSeconds = (performance.now() - start) / 1000;
  const complete = await tracker.allDelivered(30_000);
  const wall = (performance.now() - start) / 1000;
  const cpu = processCpuSeconds(world.pid) - cpu0;
  const client = clientCpuSeconds() - client0;
  const s = tracker.summary();
  console.log(
    `   sent ${total} in ${sendSeconds.toFixed(1)} s (max schedule lag ${ms(maxLag)}), all delivered ` +
      `after ${wall.toFixed(1)} s; server CPU ${cpu.toFixed(1)} s (${(cpu / wall).toFixed(2)} cores), ` +
      `bench clients' CPU ${client.toFixed(1)} s (${(client / wall).toFixed(2)} cores)`,
  );
  for (const w of tracker.windows(5000)) {
    const sorted = w.latencies.sort((a, b) => a - b);
    console.log(
      `   sends from ${String(w.from).padStart(3)} s: delivery p50 ${ms(percentile(sorted, 0.5))}, ` +
        `p99 ${ms(percentile(sorted, 0.99))}, max ${ms(sorted[sorted.length - 1] ?? NaN)}`,
    );
  }
  row(
    "3",
    "konvert: delivered once (missing, dup, wrong name)",
    `${tracker.delivered}/${tracker.expectedTotal} (${s.missing}, ${tracker.duplicates}, ${tracker.wrongTopic})`,
    "all, once",
    complete &&
      s.missing === 0 &&
      tracker.duplicates === 0 &&
      tracker.wrongTopic === 0 &&
      failures === 0,
  );
  row(
    "3",
    "konvert: delivery p50 / p99 / max",
    `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`,
    "p99 <= 100 ms",
    s.p99 <= 100,
  );
  row(
    "3",
    "konvert: sender 2xx p50 / p99 (failed sends)",
    `${ms(percentile(senderMs, 0.5))} / ${ms(percentile(senderMs, 0.99))} (${failures})`,
  );
  row(
    "3",
    "konvert: server CPU per message (cores busy)",
    `${ms((cpu * 1000) / total)} (${(cpu / wall).toFixed(2)})`,
  );
  row("3", "baseline", "skipped: ~0.5 s CPU per message cannot sustain 50/s");
  scenarioEnd("3");
}

/** 2: a message in the sender's 2-member room with 0 and MEMBERS bystanders online. */
async function bystanders(world: World): Promise<void> {
  scenarioHeader("2", `2-member room, 0 vs ${MEMBERS} bystanders online (own room + feed)`);
  const [partner] = await openConns(world.base, [MEMBERS + 1]);
  const pairOf = () => world.pairRoom;
  const phase = async (label: string, mode: Mode, count: number) => {
    await subscribeAll(world, [partner!], mode, pairOf, true);
    const p = await sequential(world, world.pairRoom, [partner!], count, mode);
    const s = p.tracker.summary();
    console.log(
      `   ${label.padEnd(24)} CPU/message ${ms(p.cpuMs)}, delivery p50 ${ms(s.p50)} p99 ${ms(s.p99)}, ` +
        `missing ${s.missing}, dup ${p.tracker.duplicates} (load ${load()})`,
    );
    return p;
  };
  const half = Math.max(1, Math.round(BYSTANDER_MESSAGES / 2));
  // warm-up, then the 0-bystander case before and after the crowd (the machine drifts)
  await sequential(world, world.pairRoom, [], 5);
  const before = await phase("konvert, 0 bystanders", konvert, half);
  const crowd = await openConns(
    world.base,
    Array.from({ length: MEMBERS }, (_, i) => i),
  );
  await subscribeAll(world, crowd, konvert, (c) => world.ownRooms[c.user]!, true);
  const withCrowd = await phase(`konvert, ${MEMBERS} bystanders`, konvert, BYSTANDER_MESSAGES);
  await subscribeAll(world, crowd, baseline, (c) => world.ownRooms[c.user]!, false);
  const baseCrowd = await phase(
    `baseline, ${MEMBERS} bystanders`,
    baseline,
    BASELINE_BYSTANDER_MESSAGES,
  );
  await closeConns(crowd);
  const baseAlone = await phase(
    "baseline, 0 bystanders",
    baseline,
    Math.max(BASELINE_BYSTANDER_MESSAGES, half),
  );
  const after = await phase("konvert, 0 bystanders", konvert, half);
  await closeConns([partner!]);
  const alone = (before.cpuMs + after.cpuMs) / 2;
  const ratio = withCrowd.cpuMs / alone;
  const all = [before, withCrowd, after, baseCrowd, baseAlone];
  const missing = all.reduce((s, p) => s + p.tracker.summary().missing, 0);
  const dups = all.reduce((s, p) => s + p.tracker.duplicates, 0);
  row(
    "2",
    "konvert: CPU/message, 0 bystanders (before, after)",
    `${ms(alone)} (${ms(before.cpuMs)}, ${ms(after.cpuMs)})`,
  );
  row("2", `konvert: CPU/message, ${MEMBERS} bystanders`, ms(withCrowd.cpuMs));
  row(
    "2",
    `konvert: ratio ${MEMBERS} / 0 bystanders`,
    `${ratio.toFixed(2)}×`,
    "<= 1.5×",
    ratio <= 1.5,
  );
  row(
    "2",
    `baseline: CPU/message, 0 / ${MEMBERS} bystanders`,
    `${ms(baseAlone.cpuMs)} / ${ms(baseCrowd.cpuMs)}`,
  );
  row(
    "2",
    `baseline: ratio ${MEMBERS} / 0 bystanders`,
    `${(baseCrowd.cpuMs / baseAlone.cpuMs).toFixed(1)}×`,
  );
  row(
    "2",
    "partner delivered once, all phases (missing, dup)",
    `${missing}, ${dups}`,
    "0, 0",
    missing === 0 && dups === 0,
  );
  scenarioEnd("2");
}

/** 4: CLIENTS connections of MEMBERS users on their own room and feed: server memory. */
async function manyClients(world: World): Promise<void> {
  scenarioHeader("4", `${CLIENTS} connections (${MEMBERS} users) on room/<own> + feed`);
  const limit = openFilesLimit();
  const clients = Math.min(CLIENTS, limit - 500);
  if (clients < CLIENTS) console.log(`   open-files limit ${limit}: ${clients} connections only`);
  // only their own room: the scenario is "subscribed to their rooms", not a room everyone is in
  await measure(world.bigMemberships.length, 8, (i) =>
    world.target.admin.collection("room_members").delete(world.bigMemberships[i]!),
  );
  // Memory is measured on a fresh server process for each kind of subscription (same data), so
  // the heap left by the scenarios before does not count: Go keeps it after a collection.
  const konvertRss = await connectedRss(world, clients, konvert);
  const baselineRss = await connectedRss(world, clients, baseline);
  const ok = konvertRss.rss < 1024 && konvertRss.hwm < 1024;
  row(
    "4",
    `konvert: server VmRSS / VmHWM with ${clients} connections (fresh process)`,
    `${konvertRss.rss.toFixed(0)} / ${konvertRss.hwm.toFixed(0)} MB`,
    "< 1024 MB",
    ok,
  );
  row(
    "4",
    `baseline messages/*: VmRSS / VmHWM with ${clients} connections (fresh process)`,
    `${baselineRss.rss.toFixed(0)} / ${baselineRss.hwm.toFixed(0)} MB`,
  );
  row(
    "4",
    "konvert: server VmRSS before / after closing them",
    `${konvertRss.rss0.toFixed(0)} / ${konvertRss.rssAfter.toFixed(0)} MB`,
  );
  row(
    "4",
    "konvert / baseline: time to connect / to subscribe all",
    `${konvertRss.connected.toFixed(1)} s / ${konvertRss.subscribed.toFixed(1)} s; ` +
      `${baselineRss.connected.toFixed(1)} s / ${baselineRss.subscribed.toFixed(1)} s`,
  );
  row(
    "4",
    `konvert: pair-room CPU/message with ${clients} online`,
    `${ms(konvertRss.pairCpuMs)} (missing ${konvertRss.pairMissing})`,
  );
  const dropped = konvertRss.dropped + baselineRss.dropped;
  row("4", "connections dropped by the server", String(dropped), "0", dropped === 0);
  scenarioEnd("4");
}

/** Restarts the server, connects and subscribes `clients` connections, reads its memory. */
async function connectedRss(world: World, clients: number, mode: Mode) {
  const dropped0 = droppedConnections;
  await world.target.restart();
  world.base = world.target.instance.url;
  world.pid = world.target.instance.pid;
  const rss0 = procStatusMb(world.pid, "VmRSS");
  const t0 = performance.now();
  const users = Array.from({ length: clients }, (_, i) => i % MEMBERS);
  const conns = await openConns(world.base, users);
  const connected = (performance.now() - t0) / 1000;
  await subscribeAll(world, conns, mode, (c) => world.ownRooms[c.user]!, true);
  const subscribed = (performance.now() - t0) / 1000 - connected;
  await sleep(2000);
  const rss = procStatusMb(world.pid, "VmRSS");
  const hwm = procStatusMb(world.pid, "VmHWM");
  const clientMb = process.memoryUsage().rss / 1048576;
  console.log(
    `   ${mode.name}: connected ${conns.length} in ${connected.toFixed(1)} s, subscribed in ` +
      `${subscribed.toFixed(1)} s; server RSS ${rss0.toFixed(0)} -> ${rss.toFixed(0)} MB ` +
      `(peak ${hwm.toFixed(0)}), bench client RSS ${clientMb.toFixed(0)} MB`,
  );
  let pairCpuMs = NaN;
  let pairMissing = 0;
  if (mode === konvert) {
    // the bystander cost at this size, and a delivery check to the partner
    const [partner] = await openConns(world.base, [MEMBERS + 1]);
    await subscribeAll(world, [partner!], konvert, () => world.pairRoom, true);
    const pair = await sequential(world, world.pairRoom, [partner!], 50);
    pairCpuMs = pair.cpuMs;
    pairMissing = pair.tracker.summary().missing;
    conns.push(partner!);
  }
  const dropped = droppedConnections - dropped0;
  await closeConns(conns);
  await sleep(3000);
  const rssAfter = procStatusMb(world.pid, "VmRSS");
  return { rss0, rss, hwm, rssAfter, connected, subscribed, pairCpuMs, pairMissing, dropped };
}

/** 5: PocketBase's in-memory rate limiter on (limits never reached) vs off, on a read. */
async function rateLimiter(world: World): Promise<void> {
  scenarioHeader("5", "rate limiter overhead (list rooms, c=8)");
  const reader = new PocketBase(world.base);
  reader.autoCancellation(false);
  reader.authStore.save(world.tokens[0]!);
  const read = () => reader.collection("rooms").getList(1, 20);
  const admin = world.target.admin;
  const results: Record<string, number[]> = { off: [], on: [] };
  for (let round = 0; round < 2; round++) {
    for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
      await admin.settings.update({
        rateLimits: on
          ? {
              enabled: true,
              excludedIPs: [],
              rules: [{ label: "/api/", audience: "", duration: 1, maxRequests: 1_000_000 }],
            }
          : { enabled: false },
      });
      const stats = await measure(1000, 8, read);
      results[on ? "on" : "off"]!.push(stats.p50, stats.perSecond);
    }
  }
  await admin.settings.update({ rateLimits: { enabled: false } });
  const fmt = (r: number[]) =>
    `p50 ${ms((r[0]! + r[2]!) / 2)}, ${((r[1]! + r[3]!) / 2).toFixed(0)} req/s`;
  row("5", "list rooms, limiter off", fmt(results["off"]!));
  row("5", "list rooms, limiter on (never reached)", fmt(results["on"]!));
  scenarioEnd("5");
}

// ---------------------------------------------------------------------------------------------

console.log(
  `bench:realtime members=${MEMBERS} messages=${MESSAGES} rounds=${ROUNDS} ` +
    `bystander messages=${BYSTANDER_MESSAGES}/${BASELINE_BYSTANDER_MESSAGES} rate=${RATE}/s×${SECONDS}s ` +
    `clients=${CLIENTS} scenarios=${[...SCENARIOS].join(",")} open files=${openFilesLimit()} ` +
    `SSE clients in ${goClients ? "Go" : "Node"}`,
);
console.log(`load average at start: ${load()}`);
const { targets, stop } = await startTargets();
const target = targets.find((t) => t.name === "konvert")!;
try {
  const world = await prepare(target);
  const steps: [string, () => Promise<void>][] = [];
  let bigRoomConns: Conn[] = [];
  if (SCENARIOS.has("1"))
    steps.push(["1", async () => void (bigRoomConns = await oneBigRoom(world))]);
  if (SCENARIOS.has("3"))
    steps.push([
      "3",
      async () => {
        if (bigRoomConns.length === 0)
          bigRoomConns = await openConns(
            world.base,
            Array.from({ length: MEMBERS }, (_, i) => i),
          );
        await sustained(world, bigRoomConns);
      },
    ]);
  steps.push([
    "-",
    async () => {
      if (bigRoomConns.length > 0) await closeConns(bigRoomConns);
    },
  ]);
  if (SCENARIOS.has("2")) steps.push(["2", () => bystanders(world)]);
  if (SCENARIOS.has("4")) steps.push(["4", () => manyClients(world)]);
  if (SCENARIOS.has("5")) steps.push(["5", () => rateLimiter(world)]);
  for (const [id, step] of steps) {
    try {
      await step();
    } catch (err) {
      console.error(`scenario ${id} failed:`, err);
      row(id, "ERROR", String(err).slice(0, 120), "", false);
      try {
        process.kill(world.pid, 0);
      } catch {
        console.error(`the server exited:\n${target.instance.output().slice(-4000)}`);
        break;
      }
    }
  }
  console.log(`\nstray deliveries (unexpected recipient or message): ${strayDeliveries}`);
  console.log(
    `server peak RSS over the whole run: ${procStatusMb(world.pid, "VmHWM").toFixed(0)} MB`,
  );
} finally {
  console.log(`load average at end: ${load()}`);
  goClients?.stop();
  await stop();
}
printRows();
process.exit(0);

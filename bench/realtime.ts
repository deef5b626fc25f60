// `npm run bench:realtime`: what Redis would have done, done in-process by PocketBase.
//  1. Realtime fan-out: 200 members subscribed over SSE to a room's messages; 50 messages sent;
//     delivery latency (send -> event received) and deliveries/s, through our hooks and rules
//     vs plain PocketBase with the same schema and rules.
//  2. Rate limiter overhead: the same read with PocketBase's in-memory limiter on (limits too high
//     to trigger) and off.
import { EventSource } from "eventsource";
import PocketBase from "pocketbase";
import { performance } from "node:perf_hooks";
import { measure, printTable, startTargets, type Stats } from "./lib.ts";

(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;

const SUBSCRIBERS = Number(process.env["BENCH_SUBSCRIBERS"] ?? 200);
const MESSAGES = Number(process.env["BENCH_MESSAGES"] ?? 50);

const { targets, stop } = await startTargets();
const rows: { operation: string; target: string; stats: Stats }[] = [];
try {
  for (const target of targets) {
    const room = await target.admin
      .collection("rooms")
      .create({ name: "fan-out", type: "private", keyVersion: 0 });
    const clients: PocketBase[] = [];
    for (let i = 0; i <= SUBSCRIBERS; i++) {
      const user = await target.admin.collection("users").create({
        email: `fan${i}@bench.test`,
        username: `fan_${i}`,
        password: "fan-password-1",
        passwordConfirm: "fan-password-1",
        role: "user",
      });
      await target.admin
        .collection("room_members")
        .create({ room: room.id, user: user.id, role: "member" });
      clients.push(await target.admin.collection("users").impersonate(user.id, 3600));
    }
    const [sender, ...subscribers] = clients as [PocketBase, ...PocketBase[]];
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const early = new Map<string, number[]>(); // events that beat the send() promise
    for (const client of subscribers) {
      client.autoCancellation(false);
      await client.collection("messages").subscribe("*", (e) => {
        const now = performance.now();
        const at = sentAt.get(e.record.id);
        if (at === undefined) early.set(e.record.id, [...(early.get(e.record.id) ?? []), now]);
        else latencies.push(now - at);
      });
    }
    sender.autoCancellation(false);
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const t0 = performance.now();
      const message = await sender
        .collection("messages")
        .create({ room: room.id, type: "text", content: `fan-out ${i}` });
      sentAt.set(message.id, t0);
      for (const t of early.get(message.id) ?? []) latencies.push(t - t0);
    }
    const expected = MESSAGES * SUBSCRIBERS;
    const deadline = Date.now() + 60_000;
    while (latencies.length < expected && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    rows.push({
      operation: `fan-out to ${SUBSCRIBERS} (${latencies.length}/${expected} delivered)`,
      target: target.name,
      stats: {
        count: latencies.length,
        seconds,
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        perSecond: latencies.length / seconds,
      },
    });
    await Promise.all(subscribers.map((c) => c.realtime.unsubscribe()));

    if (target.name === "konvert") {
      const reader = subscribers[0] ?? sender;
      const read = () => reader.collection("rooms").getList(1, 20);
      await target.admin.settings.update({ rateLimits: { enabled: false } });
      rows.push({
        operation: "list rooms, limiter off (c=8)",
        target: target.name,
        stats: await measure(2000, 8, read),
      });
      await target.admin.settings.update({
        rateLimits: {
          enabled: true,
          excludedIPs: [],
          rules: [{ label: "/api/", audience: "", duration: 1, maxRequests: 1_000_000 }],
        },
      });
      rows.push({
        operation: "list rooms, limiter on (c=8)",
        target: target.name,
        stats: await measure(2000, 8, read),
      });
    }
  }
} finally {
  await stop();
}
printTable(rows);

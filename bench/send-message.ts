// `npm run bench:send`: sending a message through every hook (author, membership, mute/ban/block
// checks, mentions, room preview, achievements) against the floor, a **bare** PocketBase (same
// binary, no project migrations, equivalent collections and create rule: bench/lib.ts
// startBareTarget), and, as a second column, our migrated schema served without hooks ("plain":
// it carries our triggers, so it is already slower than PocketBase). Konvert is sent to as its
// typed client sends (POST /api/konvert/messages) and, as "konvert-rec", through the records API
// like the other two. Concurrency 1, 8 and 64, in alternating rounds of the same run
// (bench/send-rounds.ts); ratios are paired by round.
import { loadavg } from "node:os";
import { printTable, processPeakMb, startBareTarget, startTargets, type Stats } from "./lib.ts";
import { sendRounds } from "./send-rounds.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 400);
const RECORDS = "konvert-rec";
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 7);
const LEVELS = [1, 8, 64];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`load average at start: ${load()}`);
const { targets, stop } = await startTargets();
const bare = await startBareTarget();
const all = [bare.target, ...targets];
const rows: { operation: string; target: string; stats: Stats }[] = [];
try {
  const konvert = targets.find((t) => t.name === "konvert")!;
  const rounds = await sendRounds(
    [
      ...all.map((target) => ({ label: target.name, target })),
      // the same server through PocketBase's records API (its create route and create rule)
      { label: RECORDS, target: konvert, path: "records" as const },
    ],
    LEVELS,
    COUNT,
    ROUNDS,
  );
  for (const target of all) {
    console.log(`${target.name}: peak RSS ${processPeakMb(target.instance.pid).toFixed(0)} MB`);
  }
  for (const c of LEVELS) {
    for (const label of [...all.map((t) => t.name), RECORDS]) {
      const stats = rounds.median(label, c);
      if (stats) rows.push({ operation: `send message (c=${c})`, target: label, stats });
    }
  }
  printTable(rows);
  console.log(
    `\nmedian of ${ROUNDS} alternating rounds of ${COUNT} sends each; load average at end: ${load()}`,
  );
  console.log(
    "throughput of konvert (its send route, as the typed client sends) / bare (the ratio) and / " +
      "plain (migrated schema, no hooks), and of konvert through the records API / bare, paired by round:",
  );
  for (const c of LEVELS) {
    const cpu = (label: string) => rounds.cpuPerSend(label, c);
    console.log(
      `  c=${String(c).padEnd(3)} ${rounds.ratio("konvert", "bare", c).toFixed(2)} / ` +
        `${rounds.ratio("konvert", "plain", c).toFixed(2)}, records API ` +
        `${rounds.ratio(RECORDS, "bare", c).toFixed(2)}   server CPU per message: ` +
        `bare ${cpu("bare").toFixed(0)} µs, plain ${cpu("plain").toFixed(0)} µs, ` +
        `konvert ${cpu("konvert").toFixed(0)} µs (konvert / bare ${(cpu("konvert") / cpu("bare")).toFixed(2)}), ` +
        `records API ${cpu(RECORDS).toFixed(0)} µs (${(cpu(RECORDS) / cpu("bare")).toFixed(2)})`,
    );
  }
} finally {
  await stop();
  await bare.stop();
}

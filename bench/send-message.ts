// `npm run bench:send`: sending a message through every hook (author, membership, mute/ban/block
// checks, mentions, room preview, achievements) against plain PocketBase creating the same record
// in the same collection without hooks, at concurrency 1, 8 and 64, in alternating rounds of the
// same run (bench/send-rounds.ts).
import { printTable, processPeakMb, startTargets, type Stats } from "./lib.ts";
import { sendRounds } from "./send-rounds.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 400);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 7);
const LEVELS = [1, 8, 64];

const { targets, stop } = await startTargets();
const rows: { operation: string; target: string; stats: Stats }[] = [];
try {
  const rounds = await sendRounds(
    targets.map((target) => ({ label: target.name, target })),
    LEVELS,
    COUNT,
    ROUNDS,
  );
  for (const target of targets) {
    console.log(`${target.name}: peak RSS ${processPeakMb(target.instance.pid).toFixed(0)} MB`);
  }
  for (const c of LEVELS) {
    for (const target of targets) {
      const stats = rounds.median(target.name, c);
      if (stats) rows.push({ operation: `send message (c=${c})`, target: target.name, stats });
    }
  }
  printTable(rows);
  console.log(`\nmedian of ${ROUNDS} alternating rounds of ${COUNT} sends each`);
  console.log("throughput ratio konvert / plain, paired by round (target >= 0.6):");
  for (const c of LEVELS) {
    const plain = rounds.cpuPerSend("plain", c);
    const konvert = rounds.cpuPerSend("konvert", c);
    console.log(
      `  c=${String(c).padEnd(3)} ${rounds.ratio("konvert", "plain", c).toFixed(2)}   ` +
        `server CPU per message: plain ${plain.toFixed(0)} µs, konvert ${konvert.toFixed(0)} µs ` +
        `(plain / konvert ${(plain / konvert).toFixed(2)})`,
    );
  }
} finally {
  await stop();
}

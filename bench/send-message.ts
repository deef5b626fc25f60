// `npm run bench:send`: sending a message through every hook (author, membership, mute/ban/block
// checks, mentions, room preview) against plain PocketBase creating the same record in the same
// collection without hooks, at concurrency 1, 8 and 64, in the same run.
import { measure, prepareSenders, printTable, startTargets, type Stats } from "./lib.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 400);
const LEVELS = [1, 8, 64];

const { targets, stop } = await startTargets();
const rows: { operation: string; target: string; stats: Stats }[] = [];
const rate = new Map<string, number>();
try {
  for (const target of targets) {
    const { client, room } = await prepareSenders(target);
    for (const concurrency of LEVELS) {
      const stats = await measure(COUNT, concurrency, (i) =>
        client.collection("messages").create({
          room,
          type: "text",
          content: i % 10 === 0 ? `hey @sender_b, message ${i}` : `message ${i} of the benchmark`,
        }),
      );
      rows.push({ operation: `send message (c=${concurrency})`, target: target.name, stats });
      rate.set(`${target.name}:${concurrency}`, stats.perSecond);
    }
  }
} finally {
  await stop();
}
printTable(rows.sort((a, b) => a.operation.localeCompare(b.operation)));
console.log("\nthroughput ratio konvert / plain (target >= 0.6):");
for (const c of LEVELS) {
  const ratio = (rate.get(`konvert:${c}`) ?? 0) / (rate.get(`plain:${c}`) ?? 1);
  console.log(`  c=${String(c).padEnd(3)} ${ratio.toFixed(2)}`);
}

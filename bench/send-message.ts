// `npm run bench:send`: sending a message through every hook (author, membership, mute/ban/block
// checks, mentions, room preview) against plain PocketBase creating the same record in the same
// collection without hooks, at concurrency 1, 8 and 64, in the same run.
import {
  measure,
  prepareSenders,
  sendBenchMessage,
  printTable,
  processCpuSeconds,
  processPeakMb,
  startTargets,
  type Stats,
} from "./lib.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 400);
const LEVELS = [1, 8, 64];

const { targets, stop } = await startTargets();
const rows: { operation: string; target: string; stats: Stats }[] = [];
const rate = new Map<string, number>();
/** Server CPU per message (µs): what the hooks cost, whatever else the machine is doing. */
const cpuPerMessage = new Map<string, number>();
try {
  for (const target of targets) {
    const { client, room } = await prepareSenders(target);
    for (const concurrency of LEVELS) {
      const cpu0 = processCpuSeconds(target.instance.pid);
      const stats = await measure(COUNT, concurrency, (i) => sendBenchMessage(client, room, i));
      rows.push({ operation: `send message (c=${concurrency})`, target: target.name, stats });
      rate.set(`${target.name}:${concurrency}`, stats.perSecond);
      cpuPerMessage.set(
        `${target.name}:${concurrency}`,
        ((processCpuSeconds(target.instance.pid) - cpu0) * 1e6) / COUNT,
      );
    }
  }
  for (const target of targets) {
    console.log(`${target.name}: peak RSS ${processPeakMb(target.instance.pid).toFixed(0)} MB`);
  }
} finally {
  await stop();
}
printTable(rows.sort((a, b) => a.operation.localeCompare(b.operation)));
console.log("\nthroughput ratio konvert / plain (target >= 0.6):");
for (const c of LEVELS) {
  const ratio = (rate.get(`konvert:${c}`) ?? 0) / (rate.get(`plain:${c}`) ?? 1);
  const cpu = (name: string) => cpuPerMessage.get(`${name}:${c}`) ?? 0;
  console.log(
    `  c=${String(c).padEnd(3)} ${ratio.toFixed(2)}   server CPU per message: ` +
      `plain ${cpu("plain").toFixed(0)} µs, konvert ${cpu("konvert").toFixed(0)} µs ` +
      `(plain / konvert ${(cpu("plain") / cpu("konvert")).toFixed(2)})`,
  );
}

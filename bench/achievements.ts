// `npm run bench:achievements`: the send-message path with achievement tracking on against the
// same hooks with tracking off (KONVERT_ACHIEVEMENTS=off), both servers up at once and measured in
// alternating rounds (the median round counts), so machine noise hits both alike. Plain
// PocketBase without hooks is printed as the common baseline.
import {
  measure,
  prepareSenders,
  sendBenchMessage,
  printTable,
  processCpuSeconds,
  startTargets,
  type Stats,
  type Target,
} from "./lib.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 300);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const LEVELS = [1, 8, 64];

process.env["KONVERT_ACHIEVEMENTS"] = "off";
const off = await startTargets();
delete process.env["KONVERT_ACHIEVEMENTS"];
const on = await startTargets();

function byName(targets: Target[], name: string): Target {
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`no ${name} target`);
  return target;
}
const runs = [
  { label: "tracking off", target: byName(off.targets, "konvert") },
  { label: "tracking on", target: byName(on.targets, "konvert") },
  { label: "plain", target: byName(off.targets, "plain") },
];
const rows: { operation: string; target: string; stats: Stats }[] = [];
const medians = new Map<string, number>();
/** Server CPU seconds per label and level, summed over rounds: the noise-free cost. */
const cpu = new Map<string, number>();
try {
  const prepared = await Promise.all(
    runs.map(async (run) => ({ ...run, ...(await prepareSenders(run.target)) })),
  );
  for (const concurrency of LEVELS) {
    const rates = new Map<string, Stats[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const { label, client, room, target } of prepared) {
        const cpu0 = processCpuSeconds(target.instance.pid);
        const stats = await measure(COUNT, concurrency, (n) => sendBenchMessage(client, room, n));
        rates.set(label, [...(rates.get(label) ?? []), stats]);
        const key = `${label}:${concurrency}`;
        cpu.set(key, (cpu.get(key) ?? 0) + processCpuSeconds(target.instance.pid) - cpu0);
      }
    }
    for (const run of runs) {
      const all = (rates.get(run.label) ?? []).sort((a, b) => a.perSecond - b.perSecond);
      const median = all[Math.floor(all.length / 2)];
      if (!median) continue;
      rows.push({ operation: `send message (c=${concurrency})`, target: run.label, stats: median });
      medians.set(`${run.label}:${concurrency}`, median.perSecond);
    }
  }
} finally {
  await Promise.all([off.stop(), on.stop()]);
}
printTable(rows);
console.log(`\nmedian of ${ROUNDS} alternating rounds of ${COUNT} sends each`);
console.log("throughput ratio tracking on / tracking off (target >= 0.85):");
for (const c of LEVELS) {
  const ratio = (medians.get(`tracking on:${c}`) ?? 0) / (medians.get(`tracking off:${c}`) ?? 1);
  const perMessage = (label: string) =>
    (((cpu.get(`${label}:${c}`) ?? 0) * 1e6) / (COUNT * ROUNDS)).toFixed(0);
  console.log(
    `  c=${String(c).padEnd(3)} ${ratio.toFixed(2)}   server CPU per message: ` +
      `on ${perMessage("tracking on")} µs, off ${perMessage("tracking off")} µs, ` +
      `plain ${perMessage("plain")} µs`,
  );
}

// `npm run bench:achievements`: the send-message path with achievement tracking on against the
// same hooks with tracking off (KONVERT_ACHIEVEMENTS=off), both servers up at once and measured in
// alternating rounds (bench/send-rounds.ts), so machine noise hits both alike. Plain PocketBase
// without hooks is printed as the common baseline.
import { printTable, startTargets, type Stats, type Target } from "./lib.ts";
import { sendRounds } from "./send-rounds.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 300);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 7);
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
try {
  const rounds = await sendRounds(runs, LEVELS, COUNT, ROUNDS);
  for (const c of LEVELS) {
    for (const { label } of runs) {
      const stats = rounds.median(label, c);
      if (stats) rows.push({ operation: `send message (c=${c})`, target: label, stats });
    }
  }
  printTable(rows);
  console.log(`\nmedian of ${ROUNDS} alternating rounds of ${COUNT} sends each`);
  console.log("throughput ratio tracking on / tracking off, paired by round (target >= 0.85):");
  for (const c of LEVELS) {
    const perMessage = (label: string) => rounds.cpuPerSend(label, c).toFixed(0);
    console.log(
      `  c=${String(c).padEnd(3)} ${rounds.ratio("tracking on", "tracking off", c).toFixed(2)}   ` +
        `server CPU per message: on ${perMessage("tracking on")} µs, ` +
        `off ${perMessage("tracking off")} µs, plain ${perMessage("plain")} µs`,
    );
  }
} finally {
  await Promise.all([off.stop(), on.stop()]);
}

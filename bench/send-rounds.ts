// Sending benchmarks measured in alternating rounds: every server under test gets the same
// number of sends per level, back to back, in an order that flips each round, and ratios are
// taken between runs of the same round. This machine's speed drifts by tens of percent within
// minutes (a shared host), so measuring one server after the other would compare two machines.
import {
  measure,
  prepareSenders,
  processCpuSeconds,
  sendBenchMessage,
  type SendPath,
  type Stats,
  type Target,
} from "./lib.ts";

export interface Run {
  label: string;
  target: Target;
  /** How the sends reach the server (lib.ts prepareSenders: by default Konvert's typed path). */
  path?: SendPath;
}

export interface Rounds {
  /** The median round of a run at a level (by throughput). */
  median(label: string, level: number): Stats | undefined;
  /** Median over rounds of (throughput of `a`) / (throughput of `b`) in the same round. */
  ratio(a: string, b: string, level: number): number;
  /** Server CPU per send in µs, over all rounds: steadier than throughput on a busy machine. */
  cpuPerSend(label: string, level: number): number;
}

export async function sendRounds(
  runs: readonly Run[],
  levels: readonly number[],
  count: number,
  rounds: number,
): Promise<Rounds> {
  // one after the other: two runs may share a server (and its two bench users)
  const prepared = [];
  for (const run of runs)
    prepared.push({ ...run, ...(await prepareSenders(run.target, run.path)) });
  const results = new Map<string, Stats[]>();
  const cpu = new Map<string, number>();
  for (const level of levels) {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? prepared : [...prepared].reverse();
      for (const { label, client, room, target } of order) {
        const cpu0 = processCpuSeconds(target.instance.pid);
        const stats = await measure(count, level, (n) => sendBenchMessage(client, room, n));
        const key = `${label}:${level}`;
        cpu.set(key, (cpu.get(key) ?? 0) + processCpuSeconds(target.instance.pid) - cpu0);
        results.set(key, [...(results.get(key) ?? []), stats]);
      }
    }
  }
  const middle = <T>(sorted: T[]): T | undefined => sorted[Math.floor(sorted.length / 2)];
  return {
    median: (label, level) =>
      middle(
        [...(results.get(`${label}:${level}`) ?? [])].sort((x, y) => x.perSecond - y.perSecond),
      ),
    ratio: (a, b, level) => {
      const as = results.get(`${a}:${level}`) ?? [];
      const bs = results.get(`${b}:${level}`) ?? [];
      const ratios = as.map((s, i) => s.perSecond / (bs[i]?.perSecond ?? Infinity));
      return middle(ratios.sort((x, y) => x - y)) ?? 0;
    },
    cpuPerSend: (label, level) => ((cpu.get(`${label}:${level}`) ?? 0) * 1e6) / (count * rounds),
  };
}

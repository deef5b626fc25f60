// `npm run bench:send-room-list`: what the room list's counter triggers
// (pb_migrations/1764900000_room_list_counts.js) add to a send. The same hooks served twice, with
// and without that migration, in alternating rounds (bench/send-rounds.ts) at c=1, 8 and 64;
// ratios are paired by round. The load average is printed: the host is shared and busy.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { printTable, startKonvertVariants, type Stats } from "./lib.ts";
import { sendRounds } from "./send-rounds.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 400);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 7);
const LEVELS = [1, 8, 64];
const MIGRATION = "1764900000_room_list_counts.js";

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`load average at start: ${load()}`);
const migrations = join(REPO_ROOT, "pb_migrations");
const without = mkdtempSync(join(tmpdir(), "konvert-bench-no-room-list-"));
for (const file of readdirSync(migrations)) {
  if (file !== MIGRATION) cpSync(join(migrations, file), join(without, file));
}
const { runs, stop } = await startKonvertVariants([
  { label: "before", migrationsDir: without },
  { label: "after", migrationsDir: migrations },
]);
try {
  const rounds = await sendRounds(runs, LEVELS, COUNT, ROUNDS);
  const rows: { operation: string; target: string; stats: Stats }[] = [];
  for (const c of LEVELS) {
    for (const { label } of runs) {
      const stats = rounds.median(label, c);
      if (stats) rows.push({ operation: `send message (c=${c})`, target: label, stats });
    }
  }
  printTable(rows);
  console.log(
    `\nmedian of ${ROUNDS} alternating rounds of ${COUNT} sends each; load average at end: ${load()}`,
  );
  console.log("throughput after / before (paired by round), server CPU per send:");
  for (const c of LEVELS) {
    const cpu = (label: string) => rounds.cpuPerSend(label, c);
    console.log(
      `  c=${String(c).padEnd(3)} ${rounds.ratio("after", "before", c).toFixed(2)}   ` +
        `before ${cpu("before").toFixed(0)} µs, after ${cpu("after").toFixed(0)} µs ` +
        `(after / before ${(cpu("after") / cpu("before")).toFixed(2)})`,
    );
  }
} finally {
  await stop();
  rmSync(without, { recursive: true, force: true });
}

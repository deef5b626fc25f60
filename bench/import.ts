// Import benchmark: a generated Konvert KV store (default 1,000,000 rows: 50k users, 5k rooms,
// the rest messages) in a real PostgreSQL, imported into a fresh PocketBase. Prints rows/s and
// peak memory of the import next to a baseline measured in the same run: the same source read
// and mapped without writing (--dry-run). CPU seconds of the import tool and of PocketBase are
// printed too: on a shared machine they say more than the wall clock. Not run in CI.
// Usage: npx tsx bench/import.ts [rows] [--baseline-only | --import-only] [--bulk-load=off]
//        [--to-dir [--no-sqlite3]]
// (--bulk-load=off writes with every index and search trigger in place, as before issue #7;
// --to-dir imports into a stopped, migrated data dir instead of a running server: written with
// the sqlite3 CLI, or with --no-sqlite3 through the temporary PocketBase the tool starts. The
// writer is then a child process of this one: its CPU is counted as "writer (children) CPU".)
// Peak RSS is this process's high-water mark (the tool runs in it); the load average before and
// after each run is printed, because on a shared machine it decides the wall time.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { runImport, type ImportOptions } from "../scripts/import/run.ts";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { ensurePocketBase } from "../scripts/pocketbase-binary.ts";
import { startPostgres } from "../test/import/postgres.ts";
import { childrenCpuSeconds, processCpuSeconds, processPeakMb, startTargets } from "./lib.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
const users = Math.max(10, Math.round(rows * 0.05));
const rooms = Math.max(2, Math.round(rows * 0.005));
const messages = rows - users - rooms;

const toDir = process.argv.includes("--to-dir");
if (process.argv.includes("--no-sqlite3")) process.env["KONVERT_IMPORT_SQLITE3"] = "";

/** Where to import and how to read the writer's CPU seconds and peak RSS. */
interface Writer {
  to: string;
  label: string;
  cpu: () => number;
  peakMb: () => number | undefined;
  stop: () => Promise<void>;
}

/** A running Konvert PocketBase (the default), measured through its pid. */
async function serverWriter(): Promise<Writer> {
  const { targets, stop } = await startTargets();
  const konvert = targets.find((t) => t.name === "konvert");
  if (!konvert) throw new Error("no konvert target");
  const pid = konvert.instance.pid;
  return {
    to: konvert.instance.url,
    label: "PocketBase",
    cpu: () => processCpuSeconds(pid),
    peakMb: () => processPeakMb(pid),
    stop,
  };
}

/** A stopped, migrated data dir; the writer (sqlite3 or a temporary server) is our child. */
async function dataDirWriter(): Promise<Writer> {
  const root = mkdtempSync(join(tmpdir(), "konvert-bench-dir-"));
  const dir = join(root, "pb_data");
  const binary = await ensurePocketBase();
  const dirs = [
    `--dir=${dir}`,
    `--hooksDir=${join(REPO_ROOT, "pb_hooks")}`,
    `--migrationsDir=${join(REPO_ROOT, "pb_migrations")}`,
  ];
  execFileSync(binary, ["migrate", "up", ...dirs], { stdio: "pipe" });
  // as on a set-up server (PocketBase keeps the last superuser, even the tool's temporary one)
  execFileSync(binary, ["superuser", "upsert", "bench@konvert.test", "bench-password-1", ...dirs], {
    stdio: "pipe",
  });
  return {
    to: dir,
    label: process.env["KONVERT_IMPORT_SQLITE3"] === "" ? "temp PocketBase" : "sqlite3",
    cpu: () => childrenCpuSeconds(process.pid),
    peakMb: () => undefined,
    stop: () => {
      rmSync(root, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

const db = await startPostgres();
const writer = toDir ? await dataDirWriter() : await serverWriter();
try {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const uid = (expr: string) => `md5('u' || (${expr})::text)::uuid::text`;
  const rid = (expr: string) => `md5('r' || (${expr})::text)::uuid::text`;
  await client.query(`CREATE TABLE kv_store_0badbe11 (key text PRIMARY KEY, value jsonb NOT NULL);
    INSERT INTO kv_store_0badbe11 SELECT 'user:' || ${uid("i")}, jsonb_build_object('id', ${uid("i")},
      'email', 'u' || i || '@bench.test', 'username', 'user' || i, 'role', 'user',
      'created_at', '2025-11-01T00:00:00Z', 'friends', jsonb_build_array(${uid(`(i % ${users}) + 1`)}))
      FROM generate_series(1, ${users}) i;
    INSERT INTO kv_store_0badbe11 SELECT 'room:' || ${rid("i")}, jsonb_build_object('id', ${rid("i")},
      'name', 'room ' || i, 'type', 'public', 'created_by', ${uid(`(i % ${users}) + 1`)},
      'created_at', '2025-11-01T00:00:00Z', 'members', jsonb_build_array(${uid(`(i % ${users}) + 1`)}, ${uid(`((i + 1) % ${users}) + 1`)}))
      FROM generate_series(1, ${rooms}) i;
    INSERT INTO kv_store_0badbe11 SELECT 'message:' || md5('m' || i)::uuid::text, jsonb_build_object(
      'id', md5('m' || i)::uuid::text, 'room_id', ${rid(`(i % ${rooms}) + 1`)},
      'sender_id', ${uid(`(i % ${users}) + 1`)}, 'content', 'message number ' || i, 'type', 'text',
      'created_at', to_char(timestamp '2025-11-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
      'reactions', CASE WHEN i % 10 = 0 THEN jsonb_build_object('👍', jsonb_build_array(${uid(`((i + 3) % ${users}) + 1`)})) ELSE '{}'::jsonb END)
      FROM generate_series(1, ${messages}) i;`);
  await client.end();
  console.log(`source: ${rows} KV rows (${users} users, ${rooms} rooms, ${messages} messages)`);

  const measure = async (label: string, dryRun: boolean) => {
    const load0 = loadavg()[0] ?? 0;
    const cpu0 = process.cpuUsage();
    const writer0 = writer.cpu();
    const started = performance.now();
    const options: ImportOptions = {
      from: db.url,
      to: writer.to,
      dryRun,
      bulkLoad: process.argv.includes("--bulk-load=off") ? "off" : "auto",
      adminEmail: "bench@konvert.test",
      adminPassword: "bench-password-1",
    };
    const report = await runImport(options);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `${label.padEnd(32)} ${seconds.toFixed(1).padStart(6)} s ${Math.round(rows / seconds)
        .toString()
        .padStart(
          7,
        )} rows/s | tool: CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, peak RSS ${Math.round(peakMb)} MB | ${writer.label}: CPU ${(writer.cpu() - writer0).toFixed(1)} s${peak(writer.peakMb())}`,
    );
    console.log(
      `  load average (1 min) ${load0.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after`,
    );
    console.log(
      `  phases (s): ${Object.entries(report.phases)
        .map(([phase, s]) => `${phase} ${s.toFixed(1)}`)
        .join(", ")}; rows written: ${Object.values(report.written).reduce((a, b) => a + b, 0)}`,
    );
  };
  if (!process.argv.includes("--import-only")) {
    await measure("baseline: read + map (dry run)", true);
  }
  if (!process.argv.includes("--baseline-only")) {
    await measure(toDir ? `import into a data dir` : "import into PocketBase", false);
  }
} finally {
  await writer.stop();
  db.stop();
}

function peak(mb: number | undefined): string {
  return mb === undefined ? "" : `, peak RSS ${Math.round(mb)} MB`;
}

// The import, phase by phase: scan the source, write users, rooms, members, social graph, then
// stream messages/notifications/unmapped rows, then pins, polls, achievements and stats; verify.
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import { transferFiles, type Attachments } from "./attach.ts";
import { directoryStore, storageApiStore, type FileStore } from "./files.ts";
import { boundHeapGrowth } from "./heap.ts";
import { Mapper, type Row, type Rows } from "./mapping.ts";
import { Report } from "./report.ts";
import { Scan } from "./scan.ts";
import { csvSource } from "./sources/csv.ts";
import { postgresSource } from "./sources/postgres.ts";
import { restSource } from "./sources/rest.ts";
import { sqlDumpSource } from "./sources/sql-dump.ts";
import { IncompleteSourceError, type Source, type SourceChecks } from "./sources/types.ts";
import {
  achievementCatalogue,
  BatchWriter,
  beginBulkLoad,
  endBulkLoad,
  openTarget,
  type BulkLoadMode,
  type Target,
} from "./target.ts";
import { Verifier } from "./verify.ts";

export interface ImportOptions {
  from: string;
  to?: string;
  dryRun?: boolean;
  reportFile?: string;
  table?: string;
  usersCsv?: string;
  serviceKey?: string;
  verify?: boolean;
  /** Write nothing, only compare the target with what the source maps to. */
  verifyOnly?: boolean;
  progress?: boolean;
  adminEmail?: string;
  adminPassword?: string;
  batchSize?: number;
  /** Pause indexes and search triggers of the big tables while writing (default "auto"). */
  bulkLoad?: BulkLoadMode;
  /** Decrypt message content sealed with the old client's global session key. */
  decryptSessionContent?: boolean;
  /** A directory copy of the Storage buckets (<dir>/<bucket>/<path>). */
  files?: string;
  /** The Supabase project whose Storage API holds the buckets (with serviceKey). */
  storageUrl?: string;
  /** Prefix of the rewritten file URLs in message content (default: the target URL). */
  publicUrl?: string;
  /**
   * Import what an incomplete or malformed source holds instead of failing; the report lists
   * the problems at its top.
   */
  allowPartial?: boolean;
  /** The number of KV rows the source must yield (required for CSV, which carries no count). */
  expectRows?: number;
}

/** Rows per transaction when writing a data dir with the sqlite3 CLI (without --batch-size). */
const DIRECT_BATCH_SIZE = 20_000;

/** The 28 catalogue keys (seeded by the migrations), for dry runs without a target. */
const ACHIEVEMENT_KEYS =
  "first_message voice_master reaction_brain soul_of_party magnet popular_person rescuer silent_listener initiator chatterbox night_owl speed_shooter quote_king history_keeper photographer reactor documentalist collector self_director oops_all paradox chips_pretzel ninja nostalgia beacon perfect_taste striker new_year_miracle".split(
    " ",
  );

export async function runImport(options: ImportOptions): Promise<Report> {
  boundHeapGrowth();
  const report = new Report();
  report.dryRun = Boolean(options.dryRun);
  const checks: SourceChecks = {
    problem: (message) => {
      if (!options.allowPartial) throw new IncompleteSourceError(message);
      report.partialSource(message);
    },
  };
  const source = await openSource(options, checks);
  report.source = source.describe;
  let target: Target | undefined;
  try {
    if (options.to && !options.dryRun) {
      target = await openTargetOf({ ...options, to: options.to });
      report.target = target.describe;
    } else {
      report.target = "(none: dry run)";
    }
    const catalogue = target
      ? await achievementCatalogue(target)
      : new Map(ACHIEVEMENT_KEYS.map((k) => [k, `catalogue_${k}`]));
    const bars = options.progress ? new Progress() : undefined;
    const store = openFileStore(options);
    const decrypt = Boolean(options.decryptSessionContent);
    const fileBaseUrl =
      options.publicUrl ?? (options.to && /^https?:\/\//.test(options.to) ? options.to : "");
    const counted = await source.count?.();
    const expected = options.expectRows ?? counted;
    if (source.uncounted && options.expectRows === undefined) {
      checks.problem(
        `${source.describe}: a CSV export carries no row count, so a file cut on a row boundary ` +
          "looks complete: give the KV table's count(*) as --expect-rows N.",
      );
    }

    // everything that can find the source incomplete runs before the first write
    const scan = await timed(report, "scan", () =>
      scanSource(source, report, decrypt, expected, bars),
    );
    const scanned = scan.rowsRead;
    const partial = Boolean(options.allowPartial);
    if (expected !== undefined && scanned !== expected) {
      checks.problem(
        `${source.describe}: read ${scanned} KV rows, ${expected} expected ` +
          `(${options.expectRows !== undefined ? "--expect-rows" : "count(*) on the source"}).`,
      );
    }
    const auth = await source.authUsers();
    const attachments = await timed(report, "files", () =>
      filesPhase(scan, store, target, report, bars),
    );
    const mapper = new Mapper(scan, auth, report, catalogue, { decrypt, attachments, fileBaseUrl });
    const writer = new BatchWriter(
      target,
      (collection, ids, result) => {
        report.written[collection] = (report.written[collection] ?? 0) + result.written;
        for (const f of result.failed) {
          report.conflicts.push({ key: `${collection}/${String(ids[f.index])}`, reason: f.error });
        }
      },
      // the sqlite3 CLI writes a batch as one transaction: a quarter of the commits saved a
      // quarter of its CPU at 20,000 rows (docs/import.md); the route keeps its 5000
      options.batchSize ?? (target?.direct ? DIRECT_BATCH_SIZE : undefined),
    );
    if (!options.verifyOnly && target) {
      await writeInBulkLoad(target, options.bulkLoad ?? "auto", report, () =>
        writeAll(mapper, source, writer, report, scanned, partial, bars),
      );
      await refreshPlannerStats(target);
    } else if (!options.verifyOnly) {
      await writeAll(mapper, source, writer, report, scanned, partial, bars);
    }
    bars?.stop();

    if ((options.verify || options.verifyOnly) && target) {
      const verifier = new Verifier(target);
      const checkReport = new Report();
      const checkScan = await scanSource(source, checkReport, decrypt, expected, undefined);
      // the same files phase without writing, so the expected rows name the same files
      const checkFiles = await transferFiles(checkScan, store, undefined, checkReport);
      const checkMapper = new Mapper(checkScan, await source.authUsers(), checkReport, catalogue, {
        decrypt,
        attachments: checkFiles,
        fileBaseUrl,
      });
      await writeAll(checkMapper, source, verifier, checkReport, checkScan.rowsRead, partial);
      report.verify = verifier.result();
    }
  } finally {
    await source.close();
    await target?.close();
  }
  if (options.reportFile) {
    writeFileSync(options.reportFile, JSON.stringify(report.toJSON(), null, 2));
    writeFileSync(options.reportFile.replace(/\.json$/, "") + ".txt", report.toText() + "\n");
  }
  return report;
}

/**
 * Writes with the big tables' indexes paused when the mode allows, and rebuilds them afterwards
 * even when writing failed, so an aborted import still leaves a usable database behind (an
 * interrupted process is repaired by the next run's rebuild, which also runs in mode "off").
 */
async function writeInBulkLoad(
  target: Target,
  mode: BulkLoadMode,
  report: Report,
  write: () => Promise<void>,
): Promise<void> {
  report.bulkLoad = await beginBulkLoad(target, mode);
  let failure: unknown;
  try {
    await write();
  } catch (err) {
    failure = err;
  }
  try {
    await timed(report, "indexes", () => finishBulkLoad(target, report));
  } catch (err) {
    failure ??= err;
  }
  if (failure !== undefined) {
    throw failure instanceof Error ? failure : new Error("import failed", { cause: failure });
  }
}

function openTargetOf(
  options: Pick<ImportOptions, "adminEmail" | "adminPassword"> & { to: string },
): Promise<Target> {
  return openTarget(options.to, {
    email: options.adminEmail ?? process.env["PB_ADMIN_EMAIL"],
    password: options.adminPassword ?? process.env["PB_ADMIN_PASSWORD"],
  });
}

/**
 * --finish-bulk-load: rebuilds the indexes and search index an interrupted bulk load left
 * paused, without importing again. The report says whether there was anything to rebuild.
 */
export async function finishInterruptedBulkLoad(
  options: Pick<ImportOptions, "adminEmail" | "adminPassword"> & { to: string },
): Promise<Report> {
  const report = new Report();
  const target = await openTargetOf(options);
  report.target = target.describe;
  try {
    report.bulkLoad = await timed(report, "indexes", () => finishBulkLoad(target, report));
  } finally {
    await target.close();
  }
  return report;
}

/** Ends a bulk load and books the rows a rebuilt unique index refused as conflicts. */
export async function finishBulkLoad(target: Target, report: Report): Promise<boolean> {
  const { active, conflicts } = await endBulkLoad(target);
  for (const c of conflicts) {
    report.written[c.collection] = (report.written[c.collection] ?? 0) - 1;
    report.conflicts.push({ key: `${c.collection}/${c.id}`, reason: c.error });
  }
  return active;
}

interface Sink {
  /** A promise only when the caller has to wait (a batch is being sent): no await per row. */
  add(collection: string, row: Row, insertOnly?: string[]): Promise<void> | undefined;
  flush(): Promise<void>;
}

async function scanSource(
  source: Source,
  report: Report,
  decrypt: boolean,
  total: number | undefined,
  bars?: Progress,
): Promise<Scan> {
  const scan = new Scan(report, { decrypt, rows: total });
  const bar = bars?.phase("scan", total ?? 0);
  for await (const row of source.kv()) {
    scan.add(row);
    bar?.increment();
  }
  bar?.done();
  return scan;
}

async function filesPhase(
  scan: Scan,
  store: FileStore | undefined,
  target: Target | undefined,
  report: Report,
  bars?: Progress,
): Promise<Attachments> {
  let objects = 0;
  for (const refs of scan.fileRefs.values()) objects += refs.length;
  const bar = bars?.phase("files", objects + scan.users.size);
  const result = await transferFiles(scan, store, target, report, () => bar?.increment());
  bar?.done();
  return result;
}

async function timed<T>(report: Report, phase: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    report.phases[phase] = (report.phases[phase] ?? 0) + (performance.now() - started) / 1000;
  }
}

async function writeAll(
  mapper: Mapper,
  source: Source,
  sink: Sink,
  report: Report,
  scanned: number,
  allowPartial: boolean,
  bars?: Progress,
): Promise<void> {
  const drain = (phase: string, total: number, rows: Iterable<Rows>) =>
    timed(report, phase, async () => {
      const bar = bars?.phase(phase, total);
      for (const r of rows) {
        const sending = sink.add(r.collection, r.row, r.insertOnly);
        if (sending) await sending;
        bar?.increment();
      }
      await sink.flush();
      bar?.done();
    });
  await drain("users", mapper.userCount(), mapper.users());
  await drain("rooms", mapper.phaseTotal("rooms"), mapper.rooms());
  await drain("members", mapper.phaseTotal("members"), mapper.roomMembers());
  await drain("friends", 0, mapper.social());
  await timed(report, "messages", async () => {
    // pass 2 reads exactly the rows pass 1 counted
    const bar = bars?.phase("messages", scanned);
    let read = 0;
    for await (const row of source.kv()) {
      for (const r of mapper.content(row)) {
        const sending = sink.add(r.collection, r.row, r.insertOnly);
        if (sending) await sending;
      }
      read++;
      bar?.increment();
    }
    await sink.flush();
    bar?.done();
    if (read !== scanned) {
      // pass 1 saw another source: relations and counts were computed for rows not written now
      const message = `${source.describe}: the second pass read ${read} KV rows, the first ${scanned}; the source changed during the import.`;
      if (!allowPartial) {
        throw new Error(
          `${message} The import is incomplete: run it again on a source nobody writes to.`,
        );
      }
      report.partialSource(message);
    }
  });
  await drain("pins", 0, mapper.pins());
  await drain("polls", mapper.phaseTotal("polls"), mapper.polls());
  await drain("achievements", mapper.phaseTotal("achievements"), mapper.achievements());
  await drain("stats", mapper.userCount(), mapper.stats());
}

function openFileStore(options: ImportOptions): FileStore | undefined {
  if (options.files) return directoryStore(options.files);
  const storageUrl = options.storageUrl ?? (/^https?:\/\//.test(options.from) ? options.from : "");
  if (!storageUrl) return undefined;
  const key = options.serviceKey ?? process.env["SUPABASE_SERVICE_ROLE_KEY"];
  if (!key) throw new Error("The Storage API needs --service-key (or SUPABASE_SERVICE_ROLE_KEY).");
  return storageApiStore(storageUrl, key);
}

async function openSource(options: ImportOptions, checks: SourceChecks): Promise<Source> {
  const from = options.from;
  if (/^postgres(ql)?:\/\//.test(from)) return postgresSource(from, options.table);
  if (/^https?:\/\//.test(from)) {
    const key = options.serviceKey ?? process.env["SUPABASE_SERVICE_ROLE_KEY"];
    if (!key)
      throw new Error("The REST source needs --service-key (or SUPABASE_SERVICE_ROLE_KEY).");
    return restSource(from, key, options.table);
  }
  if (!existsSync(from)) throw new Error(`Source ${from} does not exist.`);
  if (statSync(from).isDirectory()) {
    const files = readdirSync(from);
    const kv = files.find((f) => /kv_store_[0-9a-f]{8}.*\.csv$/i.test(f));
    const users = files.find((f) => /users.*\.csv$/i.test(f));
    if (!kv) throw new Error(`No kv_store_<8 hex>*.csv in ${from}.`);
    return csvSource(
      join(from, kv),
      options.usersCsv ?? (users ? join(from, users) : undefined),
      checks,
    );
  }
  if (/\.csv$/i.test(from)) return csvSource(from, options.usersCsv, checks);
  return sqlDumpSource(from, options.table, checks);
}

/**
 * One bar per phase: count, rate and ETA. The total is exact where it is cheap to know (the
 * source's row count, pass 1's count for pass 2, the user count); otherwise the bar grows.
 */
class Progress {
  private readonly multi = new cliProgress.MultiBar(
    {
      format: " {phase} | {bar} | {value}/{total} | {rate} rows/s | ETA {left}",
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );

  phase(name: string, total: number): { increment: () => void; done: () => void } {
    const bar = this.multi.create(total, 0, { phase: name.padEnd(12), rate: "0", left: "…" });
    const started = Date.now();
    let value = 0;
    const show = (finished: boolean) => {
      const rate = value / Math.max(0.001, (Date.now() - started) / 1000);
      // a phase whose total is not known beforehand (or was an estimate) has no ETA
      const known = total > 0 && value <= total;
      const left = finished ? "done" : known && rate > 0 ? clock((total - value) / rate) : "?";
      if (value > total) bar.setTotal(value);
      bar.update(value, { rate: String(Math.round(rate)), left });
    };
    return {
      increment: () => {
        value++;
        if (value % 500 === 0) show(false);
      },
      done: () => show(true),
    };
  }

  stop(): void {
    this.multi.stop();
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * Statistics taken while the tables were nearly empty make SQLite scan whole tables (every room
 * in each subscribe's authorization): the server brings them up to date now rather than at its
 * next hourly housekeeping (hooks-src/konvert/jsvm/db-maintenance.ts). A server without the
 * route (an older Konvert) still does so within the hour.
 */
async function refreshPlannerStats(target: Target): Promise<void> {
  try {
    await target.post("/api/konvert/admin/db/optimize", {});
  } catch (err) {
    process.stderr.write(
      `note: the server did not refresh its planner statistics: ${String(err)}\n`,
    );
  }
}

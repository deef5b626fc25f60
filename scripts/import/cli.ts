// npm run import -- --from <source> --to <PocketBase URL or data dir> [--dry-run] [--report f.json]
import { parseArgs } from "node:util";
import { finishInterruptedBulkLoad, runImport } from "./run.ts";
import { loadEnvFile } from "../lib/env-file.ts";
import { ENV_FILE } from "../lib/superuser.ts";
import type { BulkLoadMode } from "./target.ts";

const USAGE = `Usage: npm run import -- --from <source> [--to <PocketBase URL or data dir>] [options]

Sources: postgres://… (live), a .sql dump (COPY or INSERT form), a KV .csv (with --users-csv for
auth.users) or a directory of CSV exports, https://<project> (Supabase REST, needs --service-key).
Target: a running PocketBase's URL, or the data dir of a stopped one (written directly with the
sqlite3 CLI when it is on PATH; otherwise through a temporary PocketBase).

Options:
  --dry-run             analyse everything, write nothing
  --report <file.json>  write the report as JSON (and the text next to it, .txt)
  --verify              after importing, re-read source and target and fail on any difference
  --verify-only         compare only, write nothing
  --table <name>        the KV table (default: the one kv_store_<8 hex> table found)
  --users-csv <file>    auth.users exported as CSV
  --service-key <key>   Supabase service-role key for the REST source and the Storage API
  --files <dir>         a copy of the Storage buckets: <dir>/<bucket>/<object path>
  --storage-url <url>   read the buckets from this project's Storage API (default for REST)
  --public-url <url>    prefix of rewritten file links in messages (default: --to if a URL)
  --decrypt-session-content  decrypt content sealed with the old client's global key
  --expect-rows <n>     the number of KV rows the source must hold (the table's count(*));
                        required for CSV, checked for every source
  --allow-partial       import a truncated or malformed source anyway (default: fail before
                        writing); the report lists what is missing at its top
  --batch-size <n>      rows per write request (default 5000; 20000 into a data dir with sqlite3)
  --bulk-load <mode>    auto (default): pause indexes and search triggers of the big tables
                        while writing if they are empty; on: also if not; off: never
  --finish-bulk-load    only rebuild what an interrupted bulk load left paused, then exit
  --admin-email/--admin-password  superuser of a running PocketBase (or PB_ADMIN_EMAIL/PASSWORD)
  --no-progress         no progress bars`;

async function main(): Promise<number> {
  // the checkout's .env (setup): superuser and the settings key of a set-up data dir
  loadEnvFile(ENV_FILE);
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      to: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      report: { type: "string" },
      verify: { type: "boolean", default: false },
      "verify-only": { type: "boolean", default: false },
      "batch-size": { type: "string" },
      "expect-rows": { type: "string" },
      "allow-partial": { type: "boolean", default: false },
      "bulk-load": { type: "string", default: "auto" },
      "finish-bulk-load": { type: "boolean", default: false },
      table: { type: "string" },
      "users-csv": { type: "string" },
      "service-key": { type: "string" },
      files: { type: "string" },
      "storage-url": { type: "string" },
      "public-url": { type: "string" },
      "decrypt-session-content": { type: "boolean", default: false },
      "admin-email": { type: "string" },
      "admin-password": { type: "string" },
      "no-progress": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const bulkLoad = values["bulk-load"];
  if (bulkLoad !== "auto" && bulkLoad !== "on" && bulkLoad !== "off") {
    console.error(`--bulk-load must be auto, on or off.\n\n${USAGE}`);
    return 2;
  }
  const expectRows = values["expect-rows"];
  if (expectRows !== undefined && !/^\d+$/.test(expectRows)) {
    console.error(`--expect-rows must be a whole number.\n\n${USAGE}`);
    return 2;
  }
  const credentials = {
    adminEmail: values["admin-email"],
    adminPassword: values["admin-password"],
  };
  if (values["finish-bulk-load"] && values.to) {
    const report = await finishInterruptedBulkLoad({ to: values.to, ...credentials });
    console.log(report.toText());
    return 0;
  }
  if (values.help || !values.from || (!values.to && !values["dry-run"])) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const report = await runImport({
    from: values.from,
    to: values.to,
    dryRun: values["dry-run"],
    reportFile: values.report,
    verify: values.verify,
    verifyOnly: values["verify-only"],
    batchSize: values["batch-size"] ? Number(values["batch-size"]) : undefined,
    expectRows: expectRows === undefined ? undefined : Number(expectRows),
    allowPartial: values["allow-partial"],
    bulkLoad: bulkLoad satisfies BulkLoadMode,
    table: values.table,
    usersCsv: values["users-csv"],
    serviceKey: values["service-key"],
    files: values.files,
    storageUrl: values["storage-url"],
    publicUrl: values["public-url"],
    decryptSessionContent: values["decrypt-session-content"],
    ...credentials,
    progress: !values["no-progress"] && process.stderr.isTTY,
  });
  console.log(report.toText());
  if (report.verify && !report.verify.ok) return 1;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);

// `npm run bench:replica`: how long `npm run restore -- --from-replica` takes for a large
// database. A set-up data dir gets BENCH_MESSAGES messages (default 1,000,000; written with the
// sqlite3 CLI, so the search index and every index fill as in production), Litestream ships a
// snapshot to a real S3-compatible server (SeaweedFS, test/support/s3.ts), then the restore runs
// in alternating rounds with a plain `cp` of the same data.db as the baseline (the disk's own
// speed); ratios are paired by round.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../scripts/lib/repo.ts";
import { litestreamPath } from "../scripts/litestream-binary.ts";
import { dropAwsCaBundle, startS3 } from "../test/support/s3.ts";

const MESSAGES = Number(process.env["BENCH_MESSAGES"] ?? 1_000_000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const seconds = (since: number) => (performance.now() - since) / 1000;

console.log(`load average at start: ${load()}`);
dropAwsCaBundle();
const s3 = await startS3({ buckets: ["replica"] });
const work = mkdtempSync(join(tmpdir(), "konvert-bench-replica-"));
const root = join(work, "konvert");
const env = {
  ...process.env,
  PB_ADMIN_EMAIL: "bench@konvert.test",
  PB_ADMIN_PASSWORD: "bench-password-123",
  LITESTREAM_ACCESS_KEY_ID: s3.accessKey,
  LITESTREAM_SECRET_ACCESS_KEY: s3.secret,
};
const tsx = (script: string, args: string[]) =>
  execFileSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "scripts", script), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });

try {
  tsx("setup.ts", [
    "--root",
    root,
    "--no-import",
    "--replicate",
    "s3://replica/bench",
    "--replica-endpoint",
    s3.endpoint,
  ]);
  const db = join(root, "pb_data", "data.db");
  let started = performance.now();
  const rooms = 100;
  execFileSync("sqlite3", [
    db,
    `PRAGMA journal_mode=WAL;
     INSERT INTO rooms (id, name, type, created, updated)
       WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i + 1 < ${rooms})
       SELECT printf('benchroom%06d', i), 'room ' || i, 'public', '2026-01-01 00:00:00.000Z',
              '2026-01-01 00:00:00.000Z' FROM r;
     INSERT INTO messages (id, room, author, content, type, created, updated, seq)
       WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i + 1 < ${MESSAGES})
       SELECT printf('m%014d', i), printf('benchroom%06d', i % ${rooms}), 'benchauthor0001',
              'message ' || i || ' about the weekly plan, lunch and the build that broke',
              'text', strftime('%Y-%m-%d %H:%M:%f', 1767225600 + i / 10, 'unixepoch') || 'Z',
              strftime('%Y-%m-%d %H:%M:%f', 1767225600 + i / 10, 'unixepoch') || 'Z',
              i / ${rooms} + 1
       FROM m;
     PRAGMA wal_checkpoint(TRUNCATE);`,
  ]);
  const mb = statSync(db).size / 2 ** 20;
  console.log(
    `${MESSAGES} messages written in ${seconds(started).toFixed(0)} s: data.db ${mb.toFixed(0)} MB`,
  );

  started = performance.now();
  execFileSync(
    litestreamPath(),
    ["replicate", "-config", join(root, "litestream.yml"), "-once", "-force-snapshot"],
    { env, stdio: ["ignore", "ignore", "inherit"] },
  );
  console.log(`first snapshot shipped to S3 in ${seconds(started).toFixed(1)} s`);

  const restoreTimes: number[] = [];
  const copyTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const target = join(work, `restored-${round}`);
    started = performance.now();
    tsx("restore.ts", [
      "--from-replica",
      "--config",
      join(root, "litestream.yml"),
      "--data-dir",
      target,
    ]);
    restoreTimes.push(seconds(started));
    const count = execFileSync(
      "sqlite3",
      [join(target, "data.db"), "SELECT count(*) FROM messages"],
      {
        encoding: "utf8",
      },
    ).trim();
    if (Number(count) !== MESSAGES) throw new Error(`restored ${count} messages, not ${MESSAGES}`);
    rmSync(target, { recursive: true, force: true });

    const copy = join(work, `copy-${round}.db`);
    started = performance.now();
    copyFileSync(db, copy);
    execFileSync("sync");
    copyTimes.push(seconds(started));
    rmSync(copy, { force: true });
    console.log(
      `round ${round + 1}: restore ${restoreTimes.at(-1)!.toFixed(1)} s, cp ${copyTimes.at(-1)!.toFixed(1)} s, load ${load()}`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = restoreTimes.map((t, i) => t / copyTimes[i]!);
  console.log(
    `\n${MESSAGES} messages (${mb.toFixed(0)} MB): restore from S3 median ${median(restoreTimes).toFixed(1)} s, ` +
      `cp median ${median(copyTimes).toFixed(1)} s, paired ratio median ${median(ratios).toFixed(1)}x; ` +
      `load average at end: ${load()}`,
  );
} finally {
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
}

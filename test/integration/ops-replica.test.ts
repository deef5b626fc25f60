// Continuous replication: `npm run setup -- --replicate` against a real S3-compatible server
// (SeaweedFS) and a local directory, PocketBase served under `litestream replicate -exec`, and
// `npm run restore -- --from-replica [--timestamp]` back to the latest state and to a point in
// time, through PocketBase's own checkpoints (the backup API's TRUNCATE checkpoint included).
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { mkdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runScript } from "../ops/run-script.ts";
import { SUPERUSER } from "../support/constants.ts";
import {
  restoreReplicaTo,
  rootEnv,
  sqlite,
  startReplicated,
  type ReplicatedInstance,
} from "../support/replica.ts";
import { dropAwsCaBundle, startS3, type S3Server } from "../support/s3.ts";

let s3: S3Server;
const work = mkdtempSync(join(tmpdir(), "konvert-replica-"));
const admin = { PB_ADMIN_EMAIL: SUPERUSER.email, PB_ADMIN_PASSWORD: SUPERUSER.password };

beforeAll(async () => {
  dropAwsCaBundle();
  s3 = await startS3({ buckets: ["replica"] });
}, 120_000);

afterAll(async () => {
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

async function setup(root: string, replica: string, extra: string[] = []) {
  return runScript("setup.ts", ["--root", root, "--no-import", "--replicate", replica, ...extra], {
    ...admin,
    LITESTREAM_ACCESS_KEY_ID: s3.accessKey,
    LITESTREAM_SECRET_ACCESS_KEY: s3.secret,
  });
}

async function signedInAdmin(url: string): Promise<PocketBase> {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  return pb;
}

async function createUsers(pb: PocketBase, prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const username = `${prefix}${i}`;
    const record = await pb.collection("users").create({
      username,
      email: `${username}@konvert.test`,
      password: "password-123456",
      passwordConfirm: "password-123456",
      role: "user",
    });
    ids.push(record.id);
  }
  return ids;
}

/** Polls the replica (a real restore) until it holds `username`. */
async function replicaHas(root: string, username: string): Promise<void> {
  const out = join(work, `probe-${Date.now()}.db`);
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      try {
        await restoreReplicaTo(root, out);
        const rows = await sqlite(out, `SELECT 1 FROM users WHERE username = '${username}'`);
        if (rows.length > 0) return;
      } catch {
        // no snapshot yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the replica did not receive ${username} within 30 s`);
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(out + suffix, { force: true });
  }
}

describe("replication to S3 and point-in-time restore", () => {
  const root = join(work, "s3");
  let primary: ReplicatedInstance | undefined;
  let before: string[];
  let after: string[];
  let pointInTime: string;
  let health: { status: number; body: HealthBody };

  beforeAll(async () => {
    const result = await setup(root, "s3://replica/konvert", ["--replica-endpoint", s3.endpoint]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    primary = await startReplicated(inject("pbBinary"), root);
    const pb = await signedInAdmin(primary.url);
    before = await createUsers(pb, "before", 5);
    await replicaHas(root, "before4");
    pointInTime = new Date().toISOString();
    // PocketBase's backup runs `wal_checkpoint(TRUNCATE)`: replication must go on through it
    await pb.backups.create("mid-replication.zip");
    after = await createUsers(pb, "after", 5);
    await replicaHas(root, "after4");
    const res = await fetch(`${primary.url}/api/konvert/health`);
    health = { status: res.status, body: (await res.json()) as HealthBody };
    await primary.stop();
  }, 180_000);

  afterAll(() => primary?.kill());

  it("setup writes the config and the replica keys, and no secret into the config", () => {
    const config = readFileSync(join(root, "litestream.yml"), "utf8");
    expect(statSync(join(root, "litestream.yml")).mode & 0o777).toBe(0o600);
    expect(config).toContain("s3://replica/konvert/data.db");
    expect(config).toContain(s3.endpoint);
    expect(config).not.toContain(s3.secret);
    const env = rootEnv(root);
    expect(env["KONVERT_REPLICA_URL"]).toBe("s3://replica/konvert");
    expect(env["LITESTREAM_SECRET_ACCESS_KEY"]).toBe(s3.secret);
  });

  it("the health route reads the bucket: replica URL, lag, last replicated transaction", () => {
    expect(health.body.problems).toEqual([]);
    expect(health.status).toBe(200);
    expect(health.body.replication).toMatchObject({
      replica: "s3://replica/konvert",
      maxLagSeconds: 300,
    });
    expect(health.body.replication?.lagSeconds).toBeLessThan(300);
    const last = Date.parse(health.body.replication?.lastReplicatedAt ?? "");
    expect(Date.now() - last).toBeLessThan(120_000);
  });

  it("ships the database to the bucket", async () => {
    const keys = await s3.listKeys("replica", "konvert/");
    // LTX files (Litestream 0.5's snapshot and transaction files) under the database's path
    expect(keys.filter((k) => /^konvert\/data\.db\/.+\.ltx$/.test(k)).length).toBeGreaterThan(1);
  });

  it("restores the latest state into a fresh data dir (mode 700), moving the old one aside", async () => {
    const fresh = join(work, "fresh-latest");
    mkdirSync(fresh);
    writeFileSync(join(fresh, "keep.txt"), "moved aside, not deleted");
    const result = await runScript(
      "restore.ts",
      ["--from-replica", "--config", join(root, "litestream.yml"), "--data-dir", fresh],
      rootEnv(root),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    expect(existsSync(join(fresh, "keep.txt"))).toBe(false);
    const aside = readdirSync(work).find((d) => d.startsWith("fresh-latest.before-restore-"));
    expect(aside && readFileSync(join(work, aside, "keep.txt"), "utf8")).toBe(
      "moved aside, not deleted",
    );
    const rows = await sqlite(join(fresh, "data.db"), "SELECT id FROM users ORDER BY id");
    expect(rows.map((r) => r[0])).toEqual([...before, ...after].sort());
  });

  it("restores to a point in time: what was replicated before it, nothing after", async () => {
    const fresh = join(work, "fresh-pitr");
    const result = await runScript(
      "restore.ts",
      [
        "--from-replica",
        "--config",
        join(root, "litestream.yml"),
        "--data-dir",
        fresh,
        "--timestamp",
        pointInTime,
      ],
      rootEnv(root),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rows = await sqlite(join(fresh, "data.db"), "SELECT id FROM users ORDER BY id");
    expect(rows.map((r) => r[0])).toEqual([...before].sort());
  });

  it("refuses a bad timestamp and a restore over a running server, touching nothing", async () => {
    const bad = await runScript("restore.ts", [
      "--from-replica",
      "--config",
      join(root, "litestream.yml"),
      "--timestamp",
      "yesterday",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--timestamp: "yesterday" is not an ISO time/);
    const running = await startReplicated(inject("pbBinary"), root, { replicate: false });
    try {
      const refused = await runScript(
        "restore.ts",
        [
          "--from-replica",
          "--config",
          join(root, "litestream.yml"),
          "--data-dir",
          join(root, "pb_data"),
        ],
        rootEnv(root),
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/is running on/);
    } finally {
      await running.stop();
    }
  });
});

describe("replication to a local directory", () => {
  it("setup --replicate file:///… and restore from it", async () => {
    const root = join(work, "file");
    const target = join(work, "file-replica");
    expect((await setup(root, `file://${target}`)).code).toBe(0);
    const primary = await startReplicated(inject("pbBinary"), root);
    try {
      const pb = await signedInAdmin(primary.url);
      await createUsers(pb, "local", 2);
      await replicaHas(root, "local1");
    } finally {
      await primary.stop();
    }
    expect(existsSync(join(target, "data.db"))).toBe(true);
    const fresh = join(work, "file-fresh");
    const result = await runScript(
      "restore.ts",
      ["--from-replica", "--config", join(root, "litestream.yml"), "--data-dir", fresh],
      rootEnv(root),
    );
    expect(result.code).toBe(0);
    const rows = await sqlite(join(fresh, "data.db"), "SELECT username FROM users");
    expect(rows.map((r) => r[0]).sort()).toEqual(["local0", "local1"]);

    // setup again: nothing changes; another replica URL is refused, not silently switched
    const config = readFileSync(join(root, "litestream.yml"), "utf8");
    const again = await setup(root, `file://${target}`);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to do/);
    const other = await setup(root, "file:///elsewhere");
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/already sets KONVERT_REPLICA_URL=file:\/\/.*edit it there/);
    expect(readFileSync(join(root, "litestream.yml"), "utf8")).toBe(config);
  }, 180_000);

  it("refuses a replica URL it cannot use, with the reason, before writing anything", async () => {
    const root = join(work, "bad");
    const result = await setup(root, "ftp://example/x");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ftp:\/\/ is not supported/);
    expect(existsSync(join(root, "pb_data"))).toBe(false);
  });
});

describe("replication lag in the health route", () => {
  it("reports the replica and its lag, and 503 once Litestream stops shipping", async () => {
    const root = join(work, "lag");
    const target = join(work, "lag-replica");
    expect((await setup(root, `file://${target}`)).code).toBe(0);
    const primary = await startReplicated(inject("pbBinary"), root, {
      env: { KONVERT_REPLICATION_MAX_LAG_SECONDS: "2" },
    });
    const health = async () => {
      const res = await fetch(`${primary.url}/api/konvert/health`);
      return { status: res.status, body: (await res.json()) as HealthBody };
    };
    try {
      const pb = await signedInAdmin(primary.url);
      await createUsers(pb, "lag", 1);
      await replicaHas(root, "lag0");
      const ok = await health();
      expect(ok.body.problems).toEqual([]);
      expect(ok.status).toBe(200);
      expect(ok.body.replication).toMatchObject({ replica: `file://${target}`, maxLagSeconds: 2 });
      expect(ok.body.replication?.lagSeconds).toBeLessThan(2);
      const last = Date.parse(ok.body.replication?.lastReplicatedAt ?? "");
      expect(Date.now() - last).toBeLessThan(60_000);

      // Litestream dies, PocketBase goes on taking writes that reach no replica
      process.kill(primary.pid, "SIGKILL");
      await createUsers(pb, "unreplicated", 1);
      const deadline = Date.now() + 30_000;
      let seen = await health();
      while (seen.status === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        await pb.collection("users").getList(1, 1); // keep serving
        seen = await health();
      }
      expect(seen.status).toBe(503);
      expect(seen.body.replication?.lagSeconds).toBeGreaterThan(2);
      expect(seen.body.replication?.lastReplicatedAt).toBe(ok.body.replication?.lastReplicatedAt);
      expect(seen.body.problems.join("\n")).toMatch(
        /the replica file:\/\/.* is [\d.]+ s behind, more than 2 s \(KONVERT_REPLICATION_MAX_LAG_SECONDS\)/,
      );
    } finally {
      primary.kill();
    }
  }, 180_000);

  it("says why it cannot tell, with the credentials left out of the URL", async () => {
    const root = join(work, "lag-nostate");
    expect((await setup(root, `file://${join(work, "lag-nostate-replica")}`)).code).toBe(0);
    // PocketBase alone: the replica is configured but Litestream never ran
    const alone = await startReplicated(inject("pbBinary"), root, {
      replicate: false,
      env: { KONVERT_REPLICA_URL: "s3://key:secret@bucket/path?x=1" },
    });
    try {
      const res = await fetch(`${alone.url}/api/konvert/health`);
      const body = (await res.json()) as HealthBody;
      expect(res.status).toBe(503);
      expect(body.replication).toEqual({
        replica: "s3://bucket/path",
        error: expect.stringMatching(/Litestream has written nothing in .*: is it running\?/),
      });
      expect(JSON.stringify(body)).not.toContain("secret");
    } finally {
      await alone.stop();
    }
  }, 120_000);
});

interface HealthBody {
  status: string;
  problems: string[];
  replication: {
    replica: string;
    lagSeconds?: number;
    lastReplicatedAt?: string | null;
    maxLagSeconds?: number;
    error?: string;
  } | null;
}

describe("nightly database maintenance with a replica", () => {
  it("replaces PocketBase's TRUNCATE checkpoint job, whose wait on Litestream held sends", async () => {
    const roots = { konvert: join(work, "optimize-new"), pocketbase: join(work, "optimize-old") };
    for (const [name, root] of Object.entries(roots)) {
      expect((await setup(root, `file://${join(work, `${name}-replica`)}`)).code).toBe(0);
    }
    // both under Litestream; the baseline's PocketBase is not told about the replica, so it
    // keeps its own job (what every instance ran before)
    const konvert = await startReplicated(inject("pbBinary"), roots.konvert);
    const baseline = await startReplicated(inject("pbBinary"), roots.pocketbase, {
      env: { KONVERT_REPLICA_URL: "" },
    });
    try {
      const pbNew = await signedInAdmin(konvert.url);
      const pbOld = await signedInAdmin(baseline.url);
      const jobs = (await pbNew.crons.getFullList()).map((j) => j.id);
      expect(jobs).toContain("konvert-db-optimize");
      expect(jobs).not.toContain("__pbDBOptimize__");
      expect((await pbOld.crons.getFullList()).map((j) => j.id)).toContain("__pbDBOptimize__");

      /** Runs the job, then times one send (a record create) made while it runs. */
      const sendDuringJob = async (pb: PocketBase, job: string, round: number) => {
        await createUsers(pb, `${job.replace(/_/g, "")}w${round}x`, 3); // WAL to checkpoint
        await pb.crons.run(job); // 204 at once: PocketBase runs the job in the background
        await new Promise((r) => setTimeout(r, 200)); // the checkpoint has started
        const started = performance.now();
        await createUsers(pb, `${job.replace(/_/g, "")}s${round}x`, 1);
        return (performance.now() - started) / 1000;
      };
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let round = 0; round < 3; round++) {
        theirs.push(await sendDuringJob(pbOld, "__pbDBOptimize__", round));
        ours.push(await sendDuringJob(pbNew, "konvert-db-optimize", round));
      }
      console.log(
        `send during the nightly job, s (load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}): konvert-db-optimize ${ours.map((t) => t.toFixed(2)).join(" ")}; ` +
          `__pbDBOptimize__ ${theirs.map((t) => t.toFixed(2)).join(" ")}; paired ratios ${ours
            .map((t, i) => (t / theirs[i]!).toFixed(3))
            .join(" ")}`,
      );
      for (const t of ours) expect(t).toBeLessThan(2);
      // still replicating, and the job did its checkpoint (no error in the log)
      await replicaHas(roots.konvert, "konvert-db-optimizes2x0");
      expect(konvert.output()).not.toMatch(/konvert-db-optimize: .* failed/);
    } finally {
      konvert.kill();
      baseline.kill();
    }
  }, 300_000);
});

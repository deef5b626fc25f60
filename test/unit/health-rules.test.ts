import { describe, expect, it } from "vitest";
import {
  healthProblems,
  ltxMaxTxid,
  maxReplicationLagSeconds,
  MIN_FREE_BYTES_DEFAULT,
  minFreeBytes,
  parseDf,
  publicReplicaUrl,
  replicationLag,
  storageProblemOf,
} from "../../hooks-src/konvert/rules/health.ts";

describe("health rules", () => {
  it("reads df -Pk, also with spaces in the device name", () => {
    const out =
      "Filesystem     1024-blocks  Used Available Capacity Mounted on\n" +
      "/dev/my disk 1         2000  1500       500      75% /srv\n";
    expect(parseDf(out)).toEqual({ totalBytes: 2000 * 1024, freeBytes: 500 * 1024 });
    expect(parseDf("")).toBeNull();
    expect(parseDf("header only\n")).toBeNull();
  });

  it("recognizes a full disk and a read-only data dir in SQLite's and the OS's words", () => {
    expect(storageProblemOf("database or disk is full (13)")).toBe("full");
    expect(storageProblemOf("write /srv/konvert/pb_data/storage/x: no space left on device")).toBe(
      "full",
    );
    expect(storageProblemOf("attempt to write a readonly database (8)")).toBe("read-only");
    expect(storageProblemOf("open x: read-only file system")).toBe("read-only");
    expect(storageProblemOf("UNIQUE constraint failed")).toBeNull();
  });

  it("takes KONVERT_MIN_FREE_DISK_MB in MiB, the default otherwise", () => {
    expect(minFreeBytes("")).toBe(MIN_FREE_BYTES_DEFAULT);
    expect(minFreeBytes("oops")).toBe(MIN_FREE_BYTES_DEFAULT);
    expect(minFreeBytes("0")).toBe(0);
    expect(minFreeBytes("500")).toBe(500 * 1024 * 1024);
  });

  it("names each problem", () => {
    const base = {
      databaseWritable: true,
      databaseError: "",
      disk: { freeBytes: 1 << 30, totalBytes: 2 << 30 },
      minFreeBytes: 100 << 20,
      migrationsPending: 0,
    };
    expect(healthProblems(base)).toEqual([]);
    expect(
      healthProblems({
        ...base,
        databaseWritable: false,
        databaseError: "database or disk is full",
      }),
    ).toEqual(["the database cannot be written: the disk is full"]);
    expect(
      healthProblems({ ...base, disk: { freeBytes: 10 << 20, totalBytes: 1 << 30 } })[0],
    ).toMatch(/has 10 MiB free, less than 100 MiB/);
    expect(healthProblems({ ...base, migrationsPending: 2 })).toEqual([
      "2 migration(s) in the migrations dir are not applied",
    ]);
  });
});

describe("replication lag", () => {
  const ltx = (min: number, max: number) =>
    `${min.toString(16).padStart(16, "0")}-${max.toString(16).padStart(16, "0")}.ltx`;

  it("reads LTX file names and nothing else", () => {
    expect(ltxMaxTxid(ltx(1, 42))).toBe(42);
    expect(ltxMaxTxid("0000000000000001-000000000000002a.ltx.tmp")).toBeNull();
    expect(ltxMaxTxid("snapshot.ltx")).toBeNull();
  });

  it("shows the replica URL without credentials or query", () => {
    expect(publicReplicaUrl("s3://key:secret@bucket/path?x=1")).toBe("s3://bucket/path");
    expect(publicReplicaUrl("file:///srv/replica")).toBe("file:///srv/replica");
    expect(publicReplicaUrl("not a url")).not.toContain("not a url");
  });

  it("takes the threshold from the environment, else 300 s", () => {
    expect(maxReplicationLagSeconds("")).toBe(300);
    expect(maxReplicationLagSeconds("0")).toBe(300);
    expect(maxReplicationLagSeconds("x")).toBe(300);
    expect(maxReplicationLagSeconds(" 60 ")).toBe(60);
  });

  const now = 1_000_000_000;
  it("is 0 when the replica holds every captured transaction", () => {
    expect(
      replicationLag({
        local: [{ maxTxid: 7, at: now - 2_000 }],
        remote: [
          { maxTxid: 3, at: now - 60_000 },
          { maxTxid: 7, at: now - 1_500 },
        ],
        probeAt: now - 10_000,
        now,
      }),
    ).toEqual({
      lagSeconds: 0,
      lastReplicatedAt: new Date(now - 1_500).toISOString(),
      nextProbeAt: now,
    });
  });

  it("counts from the oldest captured transaction the replica lacks (uploads failing)", () => {
    const lag = replicationLag({
      local: [
        { maxTxid: 7, at: now - 90_000 },
        { maxTxid: 8, at: now - 40_000 },
        { maxTxid: 9, at: now - 1_000 },
      ],
      remote: [{ maxTxid: 7, at: now - 89_000 }],
      probeAt: now - 500,
      now,
    });
    expect(lag.lagSeconds).toBe(40);
    expect(lag.lastReplicatedAt).toBe(new Date(now - 89_000).toISOString());
  });

  it("counts from the oldest uncaptured probe write once Litestream misses it, and keeps it", () => {
    const local = [{ maxTxid: 7, at: now - 3_600_000 }];
    const remote = [{ maxTxid: 7, at: now - 3_600_000 }];
    // a write a second after an idle hour: Litestream has not had its second yet
    expect(replicationLag({ local, remote, probeAt: now - 1_000, now })).toMatchObject({
      lagSeconds: 0,
      nextProbeAt: now - 1_000,
    });
    // 20 s later, still not captured: Litestream is not running
    expect(
      replicationLag({ local, remote, probeAt: now - 1_000, now: now + 20_000 }),
    ).toMatchObject({ lagSeconds: 21, nextProbeAt: now - 1_000 });
    // captured since: the probe starts again from now
    expect(
      replicationLag({
        local: [...local, { maxTxid: 8, at: now + 25_000 }],
        remote: [...remote, { maxTxid: 8, at: now + 25_000 }],
        probeAt: now - 1_000,
        now: now + 26_000,
      }),
    ).toMatchObject({ lagSeconds: 0, nextProbeAt: now + 26_000 });
  });

  it("is a problem past the threshold, and when it cannot be read", () => {
    const base = {
      databaseWritable: true,
      databaseError: "",
      disk: null,
      minFreeBytes: 0,
      migrationsPending: 0,
    };
    expect(
      healthProblems({
        ...base,
        replication: { replica: "s3://b/p", lagSeconds: 300, maxLagSeconds: 300 },
      }),
    ).toEqual([]);
    expect(
      healthProblems({
        ...base,
        replication: { replica: "s3://b/p", lagSeconds: 301, maxLagSeconds: 300 },
      }),
    ).toEqual([
      "the replica s3://b/p is 301 s behind, more than 300 s (KONVERT_REPLICATION_MAX_LAG_SECONDS): is Litestream running and the replica reachable?",
    ]);
    expect(
      healthProblems({ ...base, replication: { replica: "s3://b/p", error: "access denied" } }),
    ).toEqual(["the replication to s3://b/p cannot be checked: access denied"]);
  });
});

import { describe, expect, it } from "vitest";
import {
  healthProblems,
  MIN_FREE_BYTES_DEFAULT,
  minFreeBytes,
  parseDf,
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

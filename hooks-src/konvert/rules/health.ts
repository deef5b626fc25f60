// What the health route and the write paths make of the server's storage: pure decisions, so
// Node tests them without PocketBase.

/** Below this much free space in the data dir's file system the instance reports itself unhealthy. */
export const MIN_FREE_BYTES_DEFAULT = 100 * 1024 * 1024;

/** `KONVERT_MIN_FREE_DISK_MB`: unset or malformed gives the default. */
export function minFreeBytes(setting: string): number {
  const value = setting.trim();
  return /^\d+$/.test(value) ? Number(value) * 1024 * 1024 : MIN_FREE_BYTES_DEFAULT;
}

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

/** `df -Pk DIR` output (POSIX format: 1024-byte blocks) → the file system's space, or null. */
export function parseDf(output: string): DiskSpace | null {
  const line = output.trim().split("\n")[1];
  if (line === undefined) return null;
  // the device name may contain spaces; the numbers are the 4 fields before "capacity%"
  const m = /\s(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s/.exec(` ${line} `);
  if (!m) return null;
  return { totalBytes: Number(m[1]) * 1024, freeBytes: Number(m[3]) * 1024 };
}

export type StorageProblem = "full" | "read-only";

/** SQLite's and the OS's words for "cannot write here", whatever layer wrapped them. */
export function storageProblemOf(errorText: string): StorageProblem | null {
  if (/disk is full|no space left on device|disk quota exceeded|SQLITE_FULL/i.test(errorText)) {
    return "full";
  }
  if (/readonly database|read-only file system|SQLITE_READONLY/i.test(errorText)) {
    return "read-only";
  }
  return null;
}

/** The answer a client gets (HTTP 503), in words an operator recognizes in the journal too. */
export function storageMessage(problem: StorageProblem): string {
  return problem === "full"
    ? "The server's disk is full: nothing can be saved until its operator frees space. Try again later."
    : "The server's data directory is read-only: nothing can be saved until its operator fixes it. Try again later.";
}

export interface HealthFacts {
  databaseWritable: boolean;
  databaseError: string;
  disk: DiskSpace | null;
  minFreeBytes: number;
  migrationsPending: number;
}

/** The problems that make the instance unhealthy (503); empty when all is well. */
export function healthProblems(facts: HealthFacts): string[] {
  const problems: string[] = [];
  if (!facts.databaseWritable) {
    const kind = storageProblemOf(facts.databaseError);
    problems.push(
      kind === "full"
        ? "the database cannot be written: the disk is full"
        : kind === "read-only"
          ? "the database cannot be written: the data dir is read-only"
          : `the database cannot be written: ${facts.databaseError}`,
    );
  }
  if (facts.disk && facts.disk.freeBytes < facts.minFreeBytes) {
    const mib = (n: number) => `${Math.floor(n / 1024 / 1024)} MiB`;
    problems.push(
      `the data dir's disk has ${mib(facts.disk.freeBytes)} free, less than ${mib(facts.minFreeBytes)} (KONVERT_MIN_FREE_DISK_MB)`,
    );
  }
  if (facts.migrationsPending > 0) {
    problems.push(`${facts.migrationsPending} migration(s) in the migrations dir are not applied`);
  }
  return problems;
}

// A PocketBase data dir that lives only for one task (typegen, JSVM declarations, checks).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ThrowawayDirs {
  dataDir: string;
  hooksDir: string;
  migrationsDir: string;
}

/**
 * Runs `migrate up` with the given hooks and migrations in a fresh temp data dir, hands the
 * dirs to `task`, and removes everything afterwards. Empty dirs stand in for omitted ones.
 */
export async function withMigratedDataDir<T>(
  binary: string,
  dirs: { hooksDir?: string; migrationsDir?: string },
  task: (dirs: ThrowawayDirs) => Promise<T> | T,
): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), "konvert-throwaway-"));
  try {
    const resolved: ThrowawayDirs = {
      dataDir: join(root, "pb_data"),
      hooksDir: dirs.hooksDir ?? emptyDir(join(root, "hooks")),
      migrationsDir: dirs.migrationsDir ?? emptyDir(join(root, "migrations")),
    };
    execFileSync(
      binary,
      [
        "migrate",
        "up",
        `--dir=${resolved.dataDir}`,
        `--hooksDir=${resolved.hooksDir}`,
        `--migrationsDir=${resolved.migrationsDir}`,
        "--hooksWatch=false",
      ],
      { stdio: "pipe" },
    );
    return await task(resolved);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function emptyDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

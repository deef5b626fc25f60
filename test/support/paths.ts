import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

export { REPO_ROOT };
export const HOOKS_DIR = join(REPO_ROOT, "pb_hooks");
export const MIGRATIONS_DIR = join(REPO_ROOT, "pb_migrations");

/** Flags every PocketBase command in tests shares: our hooks and migrations, fatal hook errors. */
export function pocketBaseArgs(dataDir: string): string[] {
  return [
    `--dir=${dataDir}`,
    `--hooksDir=${HOOKS_DIR}`,
    `--migrationsDir=${MIGRATIONS_DIR}`,
    "--hooksWatch=false",
    "--automigrate=false",
  ];
}

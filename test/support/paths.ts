import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
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

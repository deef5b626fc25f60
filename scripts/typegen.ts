// Regenerates types/pocketbase-types.ts from the schema our migrations build: a throwaway
// PocketBase runs them, serves on a loopback port, and pocketbase-typegen reads the collections
// over its API. (typegen's --db mode would need better-sqlite3, a native addon that has to be
// compiled on every install; the API mode needs nothing native.)
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ensurePocketBase } from "./pocketbase-binary.ts";
import { startInstance } from "./lib/instance.ts";
import { withMigratedDataDir } from "./lib/throwaway.ts";
import { REPO_ROOT } from "./lib/repo.ts";

const binary = await ensurePocketBase();
const out = join(REPO_ROOT, "types", "pocketbase-types.ts");
const typegen = join(REPO_ROOT, "node_modules", ".bin", "pocketbase-typegen");
const hooksDir = join(REPO_ROOT, "pb_hooks");
const migrationsDir = join(REPO_ROOT, "pb_migrations");
const admin = { email: "typegen@konvert.local", password: randomBytes(18).toString("base64url") };

await withMigratedDataDir(binary, { hooksDir, migrationsDir }, async ({ dataDir }) => {
  const dirs = [`--dir=${dataDir}`, `--hooksDir=${hooksDir}`, `--migrationsDir=${migrationsDir}`];
  execFileSync(
    binary,
    ["superuser", "upsert", ...dirs, "--hooksWatch=false", "--", admin.email, admin.password],
    {
      stdio: "pipe",
    },
  );
  const instance = await startInstance({ binary, dataDir, hooksDir, migrationsDir });
  try {
    execFileSync(
      typegen,
      ["--url", instance.url, "--email", admin.email, "--password", admin.password, "--out", out],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
  } finally {
    await instance.stop();
  }
});
console.log(`wrote ${out}`);

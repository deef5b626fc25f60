// Regenerates types/pocketbase-types.ts from the schema our migrations build, using
// pocketbase-typegen on a throwaway data dir (no running server, no credentials).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ensurePocketBase } from "./pocketbase-binary.ts";
import { withMigratedDataDir } from "./lib/throwaway.ts";
import { REPO_ROOT } from "./lib/repo.ts";

const binary = await ensurePocketBase();
const out = join(REPO_ROOT, "types", "pocketbase-types.ts");
const typegen = join(REPO_ROOT, "node_modules", ".bin", "pocketbase-typegen");
await withMigratedDataDir(
  binary,
  { hooksDir: join(REPO_ROOT, "pb_hooks"), migrationsDir: join(REPO_ROOT, "pb_migrations") },
  ({ dataDir }) => {
    execFileSync(typegen, ["--db", join(dataDir, "data.db"), "--out", out], { stdio: "inherit" });
  },
);
console.log(`wrote ${out}`);

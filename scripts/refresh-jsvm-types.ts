// Vendors PocketBase's own JSVM declarations for the pinned version into types/.
// PocketBase writes them to <dataDir>/types.d.ts when it boots; run after changing the pin.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePocketBase } from "./pocketbase-binary.ts";
import { withMigratedDataDir } from "./lib/throwaway.ts";
import { REPO_ROOT } from "./lib/repo.ts";

const binary = await ensurePocketBase();
const target = join(REPO_ROOT, "types", "pocketbase-jsvm.d.ts");
await withMigratedDataDir(binary, {}, ({ dataDir }) => {
  copyFileSync(join(dataDir, "types.d.ts"), target);
});
console.log(`wrote ${target}`);

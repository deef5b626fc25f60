// Fails when committed generated files differ from what the sources produce now:
// pb_hooks/ and the route tables in docs/api.md and docs/compat.md (build.mjs),
// types/pocketbase-types.ts (typegen), types/pocketbase-jsvm.d.ts.
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "./lib/repo.ts";

const GENERATED = ["pb_hooks", "types", "docs/api.md", "docs/compat.md"];
const tsx = ["--import", "tsx"];

execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
execFileSync(process.execPath, [...tsx, "scripts/typegen.ts"], { cwd: REPO_ROOT, stdio: "pipe" });
execFileSync(process.execPath, [...tsx, "scripts/refresh-jsvm-types.ts"], {
  cwd: REPO_ROOT,
  stdio: "pipe",
});

const changed = execFileSync("git", ["status", "--porcelain", "--", ...GENERATED], {
  cwd: REPO_ROOT,
  encoding: "utf8",
}).trim();
if (changed) {
  console.error(
    `Generated files are stale; run \`npm run build && npm run typegen\` and commit:\n${changed}`,
  );
  process.exit(1);
}
console.log("generated files are up to date");

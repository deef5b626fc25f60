// `npm run dev`: esbuild rebuilds pb_hooks/ on every change under hooks-src/, and PocketBase
// (--dev, hooks watching on) restarts itself when pb_hooks/ changes.
import { spawn } from "node:child_process";
import { REPO_ROOT } from "./lib/repo.ts";
import { prepare, serve } from "./lib/serve.ts";

const binary = await prepare();
const watcher = spawn(process.execPath, ["build.mjs", "--watch"], {
  cwd: REPO_ROOT,
  stdio: "inherit",
});
const code = await serve(binary, ["--dev", "--automigrate=false"]);
watcher.kill("SIGTERM");
process.exitCode = code;

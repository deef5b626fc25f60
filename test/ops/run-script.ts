// Runs one of the project's TypeScript CLI scripts the way `npm run <name>` does, capturing output.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "scripts", script), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

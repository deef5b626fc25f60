// Builds the hooks once, fetches and verifies the pinned PocketBase, and prepares a template data
// dir (migrations applied, superuser created) that every test file copies instead of migrating.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensurePocketBase } from "../../scripts/pocketbase-binary.ts";
import { pocketBaseArgs, REPO_ROOT } from "./paths.ts";
import { SUPERUSER } from "./constants.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pbBinary: string;
    pbTemplateDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  execFileSync(process.execPath, ["build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  const binary = await ensurePocketBase();
  const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  console.log(`integration tests run against ${version} (${binary})`);

  const root = mkdtempSync(join(tmpdir(), "konvert-template-"));
  const dataDir = join(root, "pb_data");
  execFileSync(binary, ["migrate", "up", ...pocketBaseArgs(dataDir)], { stdio: "pipe" });
  execFileSync(
    binary,
    ["superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...pocketBaseArgs(dataDir)],
    { stdio: "pipe" },
  );
  project.provide("pbBinary", binary);
  project.provide("pbTemplateDir", dataDir);
  return () => rmSync(root, { recursive: true, force: true });
}

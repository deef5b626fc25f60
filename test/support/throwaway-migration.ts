// Runs code against the hooks library inside a throwaway migration, on a copy of the template
// data dir, and returns what it printed: the library's functions take the app, and no route
// exposes those tests need to call directly (query plans, the search queue's flusher).
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { HOOKS_DIR, MIGRATIONS_DIR } from "./paths.ts";

/**
 * `body` is the migration's function body, with `app` and `lib` (the built library) in scope; it
 * prints `<marker> <JSON>` with console.log. Returns that JSON, parsed.
 */
export function printedByMigration(marker: string, body: string): unknown {
  const root = mkdtempSync(join(tmpdir(), "konvert-throwaway-migration-"));
  try {
    const dataDir = join(root, "pb_data");
    const migrations = join(root, "migrations");
    cpSync(inject("pbTemplateDir"), dataDir, { recursive: true });
    cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
    for (const f of readdirSync(migrations)) if (!f.endsWith(".js")) rmSync(join(migrations, f));
    copyFileSync(join(HOOKS_DIR, "konvert.js"), join(root, "konvert.js"));
    writeFileSync(
      join(migrations, "9999999999_throwaway.js"),
      `migrate((app) => {
        const lib = require(${JSON.stringify(join(root, "konvert.js"))});
        ${body}
      });`,
    );
    const run = spawnSync(
      inject("pbBinary"),
      [
        "migrate",
        "up",
        `--dir=${dataDir}`,
        `--migrationsDir=${migrations}`,
        `--hooksDir=${join(root, "no-hooks")}`,
      ],
      { encoding: "utf8" },
    );
    const out = run.stdout + run.stderr;
    const prefix = `${marker} `;
    const line = out.split("\n").find((l) => l.includes(prefix));
    if (!line) throw new Error(`nothing printed after ${marker}:\n${out}`);
    return JSON.parse(line.slice(line.indexOf(prefix) + prefix.length));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

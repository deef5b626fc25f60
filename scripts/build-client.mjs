// Builds the typed client as a standalone package (client/package.json, `@konvert/client`):
//   client/dist/index.js    one ES module: the client plus the pure rule modules it imports from
//                           hooks-src/konvert/rules/, bundled in; only `pocketbase` stays external
//   client/dist/index.d.ts  its declarations (tsc, client/tsconfig.build.json), under dist/types/
// client/dist/ is not committed: `npm pack` in client/ runs this first (prepack).
// Usage: node scripts/build-client.mjs   (npm run build:client)
// @ts-check
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const client = join(root, "client");
const dist = join(client, "dist");

rmSync(dist, { recursive: true, force: true });

await esbuild.build({
  entryPoints: [join(client, "index.ts")],
  outfile: join(dist, "index.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  external: ["pocketbase"],
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(client, "tsconfig.build.json")], {
  cwd: root,
  stdio: "inherit",
});

// tsc keeps the sources' `.ts` specifiers in declarations; `.js` ones resolve to the `.d.ts`
// files under every consumer's module resolution (bundler, node16, nodenext).
for (const file of declarationFiles(join(dist, "types"))) {
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(/(from\s+"\.{1,2}\/[^"]+)\.ts"/g, '$1.js"'));
}
writeFileSync(join(dist, "index.d.ts"), 'export * from "./types/client/index.js";\n');
console.log(`built ${dist}`);

/** @param {string} dir @returns {string[]} */
function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

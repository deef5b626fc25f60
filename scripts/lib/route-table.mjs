// @ts-check
// From the route table (hooks-src/routes.ts): the route registrations the build appends to
// pb_hooks/main.pb.js, and the route tables of docs/api.md and docs/compat.md (between
// <!-- routes:ID --> markers).
import * as esbuild from "esbuild";
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";

/** @typedef {import("../../hooks-src/routes.ts").RouteGroup} RouteGroup */
/** @typedef {import("../../hooks-src/routes.ts").Route} Route */

const MIDDLEWARE = {
  anonymous: null,
  user: '$apis.requireAuth("users")',
  superuser: "$apis.requireSuperuserAuth()",
  test: null,
  legacy: null,
};
const WHO = {
  anonymous: "anyone",
  user: "user",
  superuser: "superuser",
  test: "superuser, test servers",
  legacy: "its own tokens",
};

/** @returns {Promise<{ groups: RouteGroup[], legacyPrefix: string }>} */
async function loadTable() {
  const built = await esbuild.build({
    entryPoints: ["hooks-src/routes.ts"],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    logLevel: "silent",
  });
  const code = built.outputFiles[0]?.text ?? "";
  const table = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  return { groups: table.ROUTE_GROUPS, legacyPrefix: table.LEGACY_PREFIX };
}

/**
 * @param {RouteGroup[]} groups
 * @param {string} legacyPrefix
 */
function check(groups, legacyPrefix) {
  const seen = new Set();
  for (const group of groups) {
    for (const r of group.routes) {
      const full = group.doc === "compat" ? legacyPrefix + r.path : r.path;
      const key = `${r.method} ${full}`;
      if (seen.has(key)) throw new Error(`${key} is in the table twice`);
      seen.add(key);
      if (!/^[a-zA-Z]\w*\.[a-zA-Z]\w*$/.test(r.handler))
        throw new Error(`${key}: bad handler ${r.handler}`);
      if (group.doc === "api" && !full.startsWith("/api/konvert/")) {
        throw new Error(`${key}: typed routes live under /api/konvert/`);
      }
      if ((group.doc === "compat") !== (r.auth === "legacy")) {
        throw new Error(`${key}: legacy auth is for the original app's routes, and only them`);
      }
    }
  }
}

/**
 * @param {RouteGroup[]} groups
 * @param {string} legacyPrefix
 */
function registrations(groups, legacyPrefix) {
  const lines = ["// Routes, generated from hooks-src/routes.ts: one registration per route."];
  for (const group of groups) {
    lines.push(`// ${group.title}${group.doc === "compat" ? " (the original app's API)" : ""}`);
    for (const r of group.routes) {
      const path = group.doc === "compat" ? legacyPrefix + r.path : r.path;
      const args = [
        JSON.stringify(r.method),
        JSON.stringify(path),
        `(e) => require(\`\${__hooks}/konvert.js\`).${r.handler}(e)`,
      ];
      const auth = MIDDLEWARE[r.auth];
      if (auth) args.push(auth);
      if (r.bodyLimit) args.push(`$apis.bodyLimit(${r.bodyLimit})`);
      lines.push(`routerAdd(${args.join(", ")});`);
    }
  }
  return lines.join("\n") + "\n";
}

/** @param {string} text */
const cell = (text) => text.replace(/\|/g, "\\|");

/** @param {RouteGroup} group */
function docTable(group) {
  const rows =
    group.doc === "api"
      ? [
          "| route | who | what it does |",
          "| --- | --- | --- |",
          ...group.routes.map(
            (r) => `| \`${r.method} ${r.path}\` | ${WHO[r.auth]} | ${cell(r.summary ?? "")} |`,
          ),
        ]
      : [
          "| route | handler |",
          "| --- | --- |",
          ...group.routes.map((r) => `| \`${r.method} ${r.path}\` | \`${r.handler}\` |`),
        ];
  return rows.join("\n");
}

/**
 * Prettier is a devDependency: a production install (`npm ci --omit=dev`, where setup runs the
 * build) has no docs to keep, so it only writes the registrations.
 * @returns {Promise<typeof import("prettier") | null>}
 */
async function loadPrettier() {
  try {
    return await import("prettier");
  } catch {
    return null;
  }
}

/**
 * @param {typeof import("prettier")} prettier
 * @param {string} path
 * @param {RouteGroup[]} groups
 */
async function docWithTables(prettier, path, groups) {
  let text = readFileSync(path, "utf8");
  for (const group of groups) {
    const open = `<!-- routes:${group.id} -->`;
    const close = `<!-- /routes:${group.id} -->`;
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start < 0 || end < start) throw new Error(`${path} has no ${open} … ${close}`);
    text = `${text.slice(0, start + open.length)}\n\n${docTable(group)}\n\n${text.slice(end)}`;
  }
  return prettier.format(text, { ...(await prettier.resolveConfig(path)), filepath: path });
}

/** @returns {Promise<{ registrations: string, docs: [string, string][] }>} */
export async function generateRoutes() {
  const { groups, legacyPrefix } = await loadTable();
  check(groups, legacyPrefix);
  const docs = /** @type {[string, string][]} */ ([]);
  const prettier = await loadPrettier();
  for (const doc of /** @type {const} */ (["api", "compat"])) {
    if (!prettier) break;
    const path = `docs/${doc}.md`;
    const groupsOfDoc = groups.filter((g) => g.doc === doc);
    docs.push([path, await docWithTables(prettier, path, groupsOfDoc)]);
  }
  return { registrations: registrations(groups, legacyPrefix), docs };
}

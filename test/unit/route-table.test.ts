// The route table (hooks-src/routes.ts) names handlers by "<namespace>.<function>" of the hooks
// library; a typo would register a route that throws on every call. Every name must resolve, and
// every path be registered once.
import { describe, expect, it } from "vitest";
import { LEGACY_PREFIX, ROUTE_GROUPS } from "../../hooks-src/routes.ts";

const routes = ROUTE_GROUPS.flatMap((g) =>
  g.routes.map((r) => ({
    ...r,
    doc: g.doc,
    full: g.doc === "compat" ? LEGACY_PREFIX + r.path : r.path,
  })),
);

// loaded by path, so the Node type check does not follow it into the JSVM-typed library
const LIBRARY = "../../hooks-src/konvert/index.ts";
const library = (await import(LIBRARY)) as Record<string, Record<string, unknown> | undefined>;

describe("the route table", () => {
  it("names only functions the hooks library exports", () => {
    const missing = routes.filter((r) => {
      const [namespace, fn] = r.handler.split(".") as [string, string];
      const ns = library[namespace];
      return typeof ns?.[fn] !== "function";
    });
    expect(missing.map((r) => `${r.method} ${r.full} -> ${r.handler}`)).toEqual([]);
  });

  it("registers each method and path once", () => {
    const keys = routes.map((r) => `${r.method} ${r.full}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it("puts every typed route behind an explicit authentication", () => {
    for (const r of routes.filter((x) => x.doc === "api")) {
      expect(["anonymous", "user", "superuser", "test"], `${r.method} ${r.full}`).toContain(r.auth);
      expect(r.summary, `${r.method} ${r.full} has a description for docs/api.md`).toBeTruthy();
    }
  });
});

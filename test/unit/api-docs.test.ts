// Every route the hooks register (pb_hooks/main.pb.js, with the route table's registrations) is
// documented in docs/api.md, and the doc names no route that does not exist: the reference cannot
// drift from the code, even when someone edits the generated tables by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

const ROUTE = /routerAdd\(\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)"/g;
const DOCUMENTED = /`(GET|POST|PUT|PATCH|DELETE) (\/api\/konvert\/[^`\s]+)`/g;

const registered = [...readFileSync(join(REPO_ROOT, "pb_hooks/main.pb.js"), "utf8").matchAll(ROUTE)]
  .map((m) => `${m[1]} ${m[2]}`)
  .filter((r) => r.includes(" /api/"));
const documented = [
  ...readFileSync(join(REPO_ROOT, "docs/api.md"), "utf8").matchAll(DOCUMENTED),
].map((m) => `${m[1]} ${m[2]}`);

describe("docs/api.md", () => {
  it("documents every /api route the hooks register", () => {
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
  });
  it("documents no route that is not registered", () => {
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
  });
});

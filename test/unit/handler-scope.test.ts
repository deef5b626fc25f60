// The build's guard against handlers that reach file scope (PocketBase runs each handler as its
// own program, so such a handler throws ReferenceError at request time).
import { describe, expect, it } from "vitest";
import { findFileScopeProblems } from "../../scripts/lib/handler-scope.mjs";

describe("findFileScopeProblems", () => {
  it("accepts one-line handlers that require the library", () => {
    const source = `"use strict";
onRecordCreateRequest((e) => require(\`\${__hooks}/konvert.js\`).users.onSignupRequest(e), "users");
routerAdd("GET", "/api/konvert/x", (e) => e.json(200, {}), $apis.requireAuth());
cronAdd("tidy", "*/5 * * * *", function () { require(\`\${__hooks}/konvert.js\`); });`;
    expect(findFileScopeProblems(source)).toEqual([]);
  });

  it("rejects a hand-made handler that uses a file-scope helper", () => {
    const source = `function slug(s) { return s.toLowerCase(); }
onRecordCreateRequest((e) => { e.record.set("slug", slug(e.record.get("name"))); e.next(); });`;
    expect(findFileScopeProblems(source)).toEqual([
      "line 1: top-level FunctionDeclaration puts a binding at file scope",
    ]);
  });

  it("rejects esbuild helpers and bundled imports", () => {
    const source = `var __spreadValues = (a, b) => ({ ...a, ...b });
var import_lib = require("./lib");
onRecordCreateRequest((e) => import_lib.run(__spreadValues({}, e)));`;
    expect(findFileScopeProblems(source)).toHaveLength(2);
  });

  it("rejects handlers passed by reference", () => {
    expect(findFileScopeProblems(`onBootstrap(globalThis.handler);`)).toEqual([
      "line 1: onBootstrap argument MemberExpression is not an inline function or literal",
    ]);
  });

  it("accepts new Middleware with an inline function and literal priority and id", () => {
    const source = `routerAdd("OPTIONS", "/x/{path...}", (e) => e.noContent(204),
  new Middleware((e) => require(\`\${__hooks}/konvert.js\`).cors.maxAge(e), -1050, "maxAge"));
routerUse(new Middleware(function (e) { return e.next(); }, 10));`;
    expect(findFileScopeProblems(source)).toEqual([]);
  });

  it("rejects a Middleware built from a reference or computed arguments", () => {
    const source = `routerUse(new Middleware(globalThis.fn, -1, "a"));
routerUse(new Middleware((e) => e.next(), priority, "b"));
routerUse(new Other((e) => e.next()));`;
    expect(findFileScopeProblems(source)).toEqual([
      "line 1: routerUse argument NewExpression is not an inline function or literal",
      "line 2: routerUse argument NewExpression is not an inline function or literal",
      "line 3: routerUse argument NewExpression is not an inline function or literal",
    ]);
  });
});

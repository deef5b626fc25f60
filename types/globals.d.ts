// Globals the PocketBase JSVM provides but its generated declarations (pocketbase-jsvm.d.ts) omit.

/** The hooks library bundle, typed from its source so handlers get checked calls. */
declare function require(path: `${string}/konvert.js`): typeof import("../hooks-src/konvert/index");
declare function require(path: string): unknown;

declare const console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
};

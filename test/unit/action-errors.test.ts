// Action errors: one catalogue of stable codes (rules/error-codes.ts), one legacy text per code
// (rules/compat-errors.ts), and a legacy layer that neither fakes request events nor reads the
// English of an error to decide anything.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERRORS, problem } from "../../hooks-src/konvert/rules/error-codes.ts";
import { LEGACY_TEXTS } from "../../hooks-src/konvert/rules/compat-errors.ts";
import { ActionError, fail, typedErrorBody } from "../../hooks-src/konvert/actions/errors.ts";

const SOURCE = "hooks-src/konvert";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const files = sourceFiles(SOURCE).map((path) => ({ path, text: readFileSync(path, "utf8") }));

/** Every code literal thrown or returned as a problem anywhere in the hooks. */
function codesUsed(): Set<string> {
  const used = new Set<string>();
  const call = /\b(?:fail|problem)\(\s*"([a-z0-9_.]+)"/g;
  const ternary = /\?\s*"([a-z0-9_]+\.[a-z0-9_.]+)"\s*:\s*"([a-z0-9_]+\.[a-z0-9_.]+)"/g;
  const compared = /code\s*[!=]==\s*"([a-z0-9_]+\.[a-z0-9_.]+)"/g;
  const parsedCode = /parsed\(\s*"([a-z0-9_.]+)"/g;
  for (const { text } of files) {
    for (const re of [call, parsedCode]) for (const m of text.matchAll(re)) used.add(m[1]!);
    for (const m of text.matchAll(ternary)) {
      used.add(m[1]!);
      used.add(m[2]!);
    }
    for (const m of text.matchAll(compared)) used.add(m[1]!);
  }
  return used;
}

describe("error codes", () => {
  it("has a legacy text for every action error code, and no text without a code", () => {
    expect(Object.keys(LEGACY_TEXTS).sort()).toEqual([...ERROR_CODES].sort());
    for (const text of Object.values(LEGACY_TEXTS)) expect(text).not.toBe("");
  });

  it("names codes as dotted lower-case words, with a 4xx status and a sentence", () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
      const { status, message } = ERRORS[code];
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(message).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("throws only codes of the catalogue, and every code of the catalogue is thrown somewhere", () => {
    const used = codesUsed();
    for (const code of used) expect(ERROR_CODES, `unknown code ${code}`).toContain(code);
    for (const code of ERROR_CODES) expect([...used], `unused code ${code}`).toContain(code);
  });

  it("answers the typed API as PocketBase does, plus the code", () => {
    let thrown: unknown;
    try {
      fail("message.edit.not_author");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ActionError);
    expect(typedErrorBody(thrown as ActionError)).toEqual({
      status: 403,
      message: "Only the author can edit a message.",
      code: "message.edit.not_author",
      data: {},
    });
    const field = new ActionError("poll.closed", 400, "This poll is closed.", "poll");
    expect(typedErrorBody(field)).toEqual({
      status: 400,
      message: "This poll is closed.",
      code: "poll.closed",
      data: { poll: { code: "poll.closed", message: "This poll is closed." } },
    });
    expect(problem("user.muted", "You are muted until tomorrow.")).toEqual({
      code: "user.muted",
      message: "You are muted until tomorrow.",
    });
  });
});

describe("the legacy layer", () => {
  const legacy = files.filter(
    (f) => f.path.includes("/compat/") || f.path.endsWith("compat-errors.ts"),
  );

  it("calls actions, never route handlers through a fake request event", () => {
    for (const { path, text } of files) {
      expect(text, path).not.toMatch(/\binvoke\(/);
      expect(text, path).not.toMatch(/interface Invocation\b/);
    }
  });

  it("never decides by the English text of an error", () => {
    for (const { path, text } of legacy) {
      // regex tests over a thrown error's message, or a message read off a caught error
      expect(text, path).not.toMatch(/\.test\(String\(/);
      expect(text, path).not.toMatch(/\(err as \{ message/);
      expect(text, path).not.toMatch(/\.message\)\)/);
      // an English sentence used as a lookup key
      expect(text, path).not.toMatch(/^\s*"[A-Z][^"]*\.":/m);
      expect(text, path).not.toMatch(/startsWith\(prefix\)/);
    }
  });
});

describe("the docs", () => {
  const rows = (path: string) =>
    [...readFileSync(path, "utf8").matchAll(/^\| `([a-z0-9_.]+)`\s*\| ([^|]+)\|/gm)].map((m) => [
      m[1]!,
      m[2]!.trim(),
    ]);

  it("docs/api.md lists every code with its status", () => {
    const documented = rows("docs/api.md").filter(([code]) => code!.includes("."));
    expect(documented).toEqual(ERROR_CODES.map((code) => [code, String(ERRORS[code].status)]));
  });

  it("docs/compat.md lists every code with its legacy text", () => {
    const documented = rows("docs/compat.md").filter(([code]) => code!.includes("."));
    expect(documented).toEqual(ERROR_CODES.map((code) => [code, LEGACY_TEXTS[code]]));
  });
});

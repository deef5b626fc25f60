// Turning user text into an FTS5 query: every word a quoted string, nothing read as syntax.
import { describe, expect, it } from "vitest";
import {
  MATCH_END,
  MATCH_START,
  ROOM_SCOPE_MAX,
  SEARCH_PER_PAGE_MAX,
  SEARCH_QUERY_MAX,
  ftsQuery,
  inRooms,
  pageRequest,
  snippetParts,
} from "../../hooks-src/konvert/rules/search.ts";

const query = (raw: unknown) => {
  const parsed = ftsQuery(raw);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed.ok;
};

/** An FTS5 query made only of `"…"` strings (with `""` escapes), each optionally followed by `*`. */
const ONLY_QUOTED_TERMS = /^"(?:[^"]|"")*"\*?(?: "(?:[^"]|"")*"\*?)*$/u;

describe("ftsQuery", () => {
  it("quotes every word as a required prefix term", () => {
    expect(query("Привет мир")).toBe('"Привет"* "мир"*');
    expect(query("  hello\t\nworld  ")).toBe('"hello"* "world"*');
    expect(query("🎉")).toBe('"🎉"*');
    expect(query("café")).toBe('"café"*');
  });

  it("searches a lone letter or digit exactly, drops punctuation-only words and repeats", () => {
    expect(query("a plan")).toBe('"a" "plan"*');
    expect(query("7")).toBe('"7"');
    expect(query("plan - ( ) plan")).toBe('"plan"*');
  });

  it("neutralises every piece of FTS5 syntax", () => {
    const hostile = [
      'a" OR "b',
      '"unterminated',
      "NEAR(a b, 2)",
      "a AND b",
      "a OR b",
      "NOT a",
      "a NOT b",
      "pre*",
      "*",
      "^start",
      "(a OR b) AND c",
      "content:secret",
      "{content author}: x",
      "- a",
      "+ b",
      "a:b:c",
      '""""',
      "\"'; DROP TABLE messages; --",
      "x\u0000y",
      "\u0001mark\u0002",
    ];
    for (const raw of hostile) {
      const parsed = ftsQuery(raw);
      if ("problem" in parsed) {
        expect(parsed.problem, raw).toMatch(/letter, digit or emoji/);
        continue;
      }
      expect(parsed.ok, raw).toMatch(ONLY_QUOTED_TERMS);
    }
    expect(query('a" OR "b')).toBe('"a""" "OR"* """b"');
    expect(query("NEAR(a b, 2)")).toBe('"NEAR(a"* "b," "2)"');
    expect(query("content:secret")).toBe('"content:secret"*');
    expect(query("x\u0000y z\u0001")).toBe('"x" "y" "z"');
  });

  it("refuses empty, blank, punctuation-only, non-string and oversized input", () => {
    const problems: [unknown, RegExp][] = [
      [undefined, /Type something/],
      ["", /Type something/],
      ["   \n\t", /Type something/],
      [["a"], /Type something/],
      [42, /Type something/],
      ['" * ( ) ^ : -', /at least one letter, digit or emoji/],
      ["x".repeat(SEARCH_QUERY_MAX + 1), /at most 200 characters/],
      [Array.from({ length: 11 }, (_, i) => `w${i}`).join(" "), /at most 10 words/],
    ];
    for (const [raw, message] of problems) {
      const parsed = ftsQuery(raw);
      expect("problem" in parsed && parsed.problem, String(raw)).toMatch(message);
    }
    expect(ftsQuery("x".repeat(SEARCH_QUERY_MAX))).toHaveProperty("ok");
  });
});

describe("inRooms", () => {
  it("confines the words to the content column and the rooms to the room column", () => {
    expect(inRooms('"hi"*', ["r1", "r2"])).toBe('{content} : ("hi"*) AND {room} : ("r1" OR "r2")');
    expect(inRooms('"hi"*', ['x" OR "y'])).toBe('{content} : ("hi"*) AND {room} : ("x"" OR ""y")');
    const many = Array.from({ length: ROOM_SCOPE_MAX + 1 }, (_, i) => `r${i}`);
    expect(inRooms('"hi"*', many)).toBe('{content} : ("hi"*)');
  });
});

describe("pageRequest", () => {
  it("defaults and bounds page and perPage", () => {
    expect(pageRequest(undefined, undefined)).toEqual({ ok: { page: 1, perPage: 20 } });
    expect(pageRequest("3", String(SEARCH_PER_PAGE_MAX))).toEqual({
      ok: { page: 3, perPage: 50 },
    });
    for (const bad of ["0", "-1", "1.5", "abc", "1e3", " 2", "99999999"]) {
      expect(pageRequest(bad, undefined), bad).toMatchObject({ field: "page" });
    }
    for (const bad of ["0", "51", "x"]) {
      expect(pageRequest("1", bad), bad).toMatchObject({
        field: "perPage",
        problem: "Results per page (perPage) must be a whole number from 1 to 50.",
      });
    }
  });
});

describe("snippetParts", () => {
  it("splits marked text into plain parts with matches flagged", () => {
    const marked = `…we say ${MATCH_START}Привет${MATCH_END} to <b>all</b> ${MATCH_START}🎉${MATCH_END}`;
    expect(snippetParts(marked)).toEqual([
      { text: "…we say ", match: false },
      { text: "Привет", match: true },
      { text: " to <b>all</b> ", match: false },
      { text: "🎉", match: true },
    ]);
    expect(snippetParts("")).toEqual([]);
  });
});

// The WAL checkpoint threshold an operator can set with KONVERT_WAL_AUTOCHECKPOINT.
import { describe, expect, it } from "vitest";
import {
  WAL_AUTOCHECKPOINT_PAGES,
  walAutocheckpointPages,
} from "../../hooks-src/konvert/rules/wal.ts";

describe("walAutocheckpointPages", () => {
  it("defaults when unset or malformed, takes a positive number, leaves SQLite alone on off", () => {
    for (const setting of ["", "  ", "abc", "0", "-5", "1e4", "12.5"]) {
      expect(walAutocheckpointPages(setting)).toBe(WAL_AUTOCHECKPOINT_PAGES);
    }
    expect(walAutocheckpointPages("2000")).toBe(2000);
    expect(walAutocheckpointPages(" 50000 ")).toBe(50000);
    expect(walAutocheckpointPages("off")).toBeNull();
  });
});

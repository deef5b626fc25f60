// Input shapes shared by the typed and legacy routes (issue #16, finding 6).
import { describe, expect, it } from "vitest";
import { isRecordId, nonTextField } from "../../hooks-src/konvert/rules/fields.ts";
import { wrappedKeysProblem } from "../../hooks-src/konvert/rules/e2ee.ts";
import { mentionIdsProblem } from "../../hooks-src/konvert/rules/mentions.ts";
import { initialMembersProblem } from "../../hooks-src/konvert/rules/rooms.ts";

const ID = "abcdefghij12345";

describe("input shapes", () => {
  it("knows a record id", () => {
    expect(isRecordId(ID)).toBe(true);
    for (const bad of ["", "ABCDEFGHIJ12345", "abc", `${ID}6`, "../etc/passwd00", 5, null]) {
      expect(isRecordId(bad)).toBe(false);
    }
  });

  it("finds the first present field that is not text", () => {
    expect(nonTextField({ name: "x", type: 1 }, ["name", "type"])).toBe("type");
    expect(nonTextField({ name: null }, ["name"])).toBe("name");
    expect(nonTextField({ other: 1 }, ["name"])).toBeNull();
  });

  it("takes only lists of ids for mentions and initial members; null is not absent", () => {
    for (const check of [mentionIdsProblem, initialMembersProblem]) {
      expect(check(undefined)).toBeNull();
      expect(check([ID])).toBeNull();
      for (const bad of [null, "x", [""], ["not an id"], [5]]) expect(check(bad)).not.toBeNull();
    }
  });

  it("refuses blank wrapped keys and keys for malformed ids", () => {
    expect(wrappedKeysProblem({ [ID]: "abc=" })).toBeNull();
    expect(wrappedKeysProblem({ [ID]: "   " })).not.toBeNull();
    expect(wrappedKeysProblem({ "not-an-id": "abc=" })).not.toBeNull();
  });
});

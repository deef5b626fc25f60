// Named scopes carry their SQL and parameters; composing them never loses or silently rebinds a
// parameter, and a scope names only its own aliases (acc_*) besides the column it is applied to.
import { describe, expect, it } from "vitest";
import {
  allOf,
  anyOf,
  bindWith,
  messageScope,
  roomListScope,
  roomScope,
  userScope,
  visibleDms,
  type Fragment,
} from "../../hooks-src/konvert/rules/scopes.ts";

const NOW = "2030-01-01 00:00:00.000Z";

/** Table aliases a fragment declares (`FROM x alias`, `JOIN x alias`). */
function aliases(f: Fragment): string[] {
  return [...f.sql.matchAll(/\b(?:FROM|JOIN)\s+\w+\s+(\w+)/g)].map((m) => m[1]!);
}

/** Every `{:name}` the SQL uses is bound, and nothing else is. */
function placeholders(f: Fragment): string[] {
  return [...new Set([...f.sql.matchAll(/\{:(\w+)\}/g)].map((m) => m[1]!))].sort();
}

const scopes: [string, Fragment][] = [
  ["roomScope.memberOf", roomScope.memberOf("u1").where("x.room")],
  ["roomScope.readableBy", roomScope.readableBy("u1", NOW).where("x.room")],
  ["roomScope.hearableBy", roomScope.hearableBy("u1", NOW).where("x.room")],
  ["roomListScope.mine", roomListScope.mine("u1", false).on("x")],
  ["roomListScope.mine (banned)", roomListScope.mine("u1", true).on("x")],
  ["roomListScope.mineAndPublic", roomListScope.mineAndPublic("u1", false).on("x")],
  ["roomListScope.one", roomListScope.one("r1", "u1", false).on("x")],
  ["roomListScope.one (banned)", roomListScope.one("r1", "u1", true).on("x")],
  ["roomListScope.godMode", roomListScope.godMode().on("x")],
  ["visibleDms", visibleDms("u1").on("x")],
  ["userScope.presenceVisibleTo", userScope.presenceVisibleTo("u1").where("x.id")],
  ["userScope.visibleTo", userScope.visibleTo("u1").where("x.id")],
  ["messageScope", messageScope.inRoom("r1").live().visibleTo("u1", NOW).where("x")],
  ["messageScope.byIds", messageScope.byIds(["a", "b"]).where("x")],
];

describe("named scopes", () => {
  for (const [name, fragment] of scopes) {
    it(`${name}: own aliases only, every placeholder bound`, () => {
      for (const alias of aliases(fragment)) expect(alias).toMatch(/^acc_/);
      expect(placeholders(fragment)).toEqual(Object.keys(fragment.params).sort());
      expect(fragment.sql).not.toMatch(/\b(r|m|mem|u)\./);
    });
  }

  it("carry their values: the user, the clock, the room", () => {
    expect(roomScope.readableBy("u1", NOW).where("c").params).toEqual({
      acc_reader: "u1",
      acc_now: NOW,
    });
    expect(messageScope.inRoom("r1").visibleTo("u2", NOW).where("m").params).toEqual({
      acc_in_room: "r1",
      acc_reader: "u2",
      acc_now: NOW,
    });
  });

  it("refuse to bind one parameter to two values when composed", () => {
    const a = roomScope.memberOf("u1").where("x.id");
    const b = roomScope.memberOf("u2").where("y.id");
    expect(() => allOf(a, b)).toThrow(/acc_member/);
    expect(() => anyOf(a, b)).toThrow(/acc_member/);
    expect(() => bindWith(a, { acc_member: "u2" })).toThrow(/acc_member/);
    expect(allOf(a, roomScope.memberOf("u1").where("y.id")).params).toEqual({ acc_member: "u1" });
    expect(bindWith(a, { me: "u1" })).toEqual({ acc_member: "u1", me: "u1" });
  });

  it("confine banned users' lists to the jail", () => {
    expect(roomListScope.mine("u1", true).on("x").sql).toContain("x.system = 'jail'");
    expect(roomListScope.mineAndPublic("u1", true).on("x").sql).not.toContain("public");
  });
});

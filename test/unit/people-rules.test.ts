// The pure people rules: capability matrix, durations, expiry, profile input, privacy, search
// patterns, presence coalescing and pair keys.
import { describe, expect, it } from "vitest";
import { pairKey } from "../../hooks-src/konvert/rules/friends.ts";
import {
  PERMANENT_UNTIL,
  canModerate,
  isActiveAt,
  lastAdminProblem,
  parseBanHours,
  parseMuteHours,
  parseRole,
  untilFrom,
} from "../../hooks-src/konvert/rules/moderation.ts";
import { heartbeatShouldWrite, isOnline } from "../../hooks-src/konvert/rules/presence.ts";
import {
  fieldsHiddenByPrivacy,
  parseProfileUpdate,
  searchPattern,
  searchTextFor,
} from "../../hooks-src/konvert/rules/profile.ts";

describe("canModerate", () => {
  it("follows the role matrix and refuses self-moderation", () => {
    expect(canModerate("moderator", "user", "ban")).toBe(true);
    expect(canModerate("moderator", "admin", "mute")).toBe(false);
    expect(canModerate("admin", "vip", "ban")).toBe(false);
    expect(canModerate("admin", "vip", "mute")).toBe(true);
    expect(canModerate("moderator", "vip", "unban")).toBe(true);
    expect(canModerate("vip", "user", "mute")).toBe(false);
    expect(canModerate("moderator", "user", "role")).toBe(false);
    expect(canModerate("admin", "admin", "ban", true)).toBe(false);
    expect(canModerate("admin", "admin", "role", true)).toBe(true);
  });
});

describe("durations and expiry", () => {
  it("accepts whole hours in range and treats a missing ban length as permanent", () => {
    expect(parseBanHours(undefined)).toEqual({ value: "permanent", problem: null });
    expect(parseBanHours(24).value).toBe(24);
    for (const bad of [null, 0, -1, 1e9, "abc", 1.5, "2"])
      expect(parseBanHours(bad).problem).toMatch(/hours/);
    expect(parseMuteHours(720).value).toBe(720);
    for (const bad of [undefined, 0, 721, "abc"])
      expect(parseMuteHours(bad).problem).toMatch(/1 to 720/);
  });

  it("computes until dates and compares them with a given clock", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(untilFrom(now, 2)).toBe("2030-01-01 02:00:00.000Z");
    expect(untilFrom(now, "permanent")).toBe(PERMANENT_UNTIL);
    expect(isActiveAt("2030-01-01 02:00:00.000Z", now)).toBe(true);
    expect(isActiveAt("2030-01-01 02:00:00.000Z", now + 2 * 3_600_000)).toBe(false);
    expect(isActiveAt("", now)).toBe(false);
    expect(isActiveAt(PERMANENT_UNTIL, now)).toBe(true);
  });

  it("parses roles and protects the last admin", () => {
    expect(parseRole("vip")).toBe("vip");
    expect(parseRole("god")).toBeNull();
    expect(lastAdminProblem("admin", "user", 1)?.code).toBe("moderation.last_admin");
    expect(lastAdminProblem("admin", "deleted", 1)?.code).toBe("account.delete.last_admin");
    expect(lastAdminProblem("admin", "deleted", 2)).toBeNull();
    expect(lastAdminProblem("moderator", "user", 1)).toBeNull();
  });
});

describe("profile input", () => {
  it("normalises allowed fields and refuses the rest with the field named", () => {
    expect(
      parseProfileUpdate({ displayName: "  Аня  ", age: 30, privacy: { showAge: false } }),
    ).toEqual({
      changes: { displayName: "Аня", age: 30, privacy: { showAge: false } },
      field: null,
      problem: null,
    });
    expect(parseProfileUpdate({ username: "x" })).toMatchObject({ field: "username" });
    expect(parseProfileUpdate({ role: "admin" })).toMatchObject({ field: "role" });
    expect(parseProfileUpdate({ displayName: "я".repeat(65) })).toMatchObject({
      field: "displayName",
    });
    expect(parseProfileUpdate({ displayName: "я".repeat(64) }).problem).toBeNull();
    expect(parseProfileUpdate({ age: 5 })).toMatchObject({ field: "age" });
    expect(parseProfileUpdate({ privacy: { showEmail: true } })).toMatchObject({
      field: "privacy",
    });
    expect(parseProfileUpdate({ timezone: "Mars/Olympus Mons" })).toMatchObject({
      field: "timezone",
    });
  });

  it("lists the fields a user's privacy settings withhold", () => {
    expect(fieldsHiddenByPrivacy(null)).toEqual([]);
    expect(
      fieldsHiddenByPrivacy({ showAge: false, showGender: true, showLastSeen: false }),
    ).toEqual(["age", "lastActiveAt", "status"]);
  });
});

describe("search", () => {
  it("lowercases any script and matches word prefixes with LIKE wildcards escaped", () => {
    expect(searchTextFor("Ivan_99", "Иван  Петров")).toBe(" ivan_99 иван петров");
    expect(searchPattern(" ИВ ")).toEqual({ pattern: "% ив%" });
    expect(searchPattern("50%_")).toEqual({ pattern: "% 50\\%\\_%" });
    expect(searchPattern("")).toHaveProperty("problem");
    expect(searchPattern("x".repeat(65))).toHaveProperty("problem");
  });
});

describe("presence", () => {
  it("writes at most once a minute and counts five minutes as online", () => {
    const now = 10_000_000;
    expect(heartbeatShouldWrite(null, now)).toBe(true);
    expect(heartbeatShouldWrite(now - 59_999, now)).toBe(false);
    expect(heartbeatShouldWrite(now - 60_000, now)).toBe(true);
    expect(isOnline(now - 299_999, now)).toBe(true);
    expect(isOnline(now - 300_000, now)).toBe(false);
    expect(isOnline(null, now)).toBe(false);
  });
});

describe("pairKey", () => {
  it("is the same in both directions", () => {
    expect(pairKey("b", "a")).toBe("a:b");
    expect(pairKey("a", "b")).toBe("a:b");
  });
});

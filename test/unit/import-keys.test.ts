// The import's pure helpers: key classification, unread watermarks.
import { describe, expect, it } from "vitest";
import { classifyKey, shapeFits } from "../../scripts/import/classify.ts";
import { watermark } from "../../scripts/import/watermark.ts";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";

describe("classifyKey", () => {
  it.each([
    [`user:${A}`, "user", [A]],
    ["username:Ибро Кул", "username", ["Ибро Кул"]],
    [`dm:${A}:${B}`, "dm", [A, B]],
    [`dm_messages:${A}:${B}`, "dm_messages", [A, B]],
    [`dm_hidden:${A}:${B}:${A}`, "dm_hidden", [A, B, A]],
    [`notification:1730000000000:abc123xyz`, "notification", ["1730000000000", "abc123xyz"]],
    [`friend_request:${A}:${B}`, "friend_request", [A, B]],
    [`activity_streak:${A}`, "activity_streak", [A]],
  ])("%s is a %s key", (key, kind, parts) => {
    expect(classifyKey(key)).toEqual({ kind, parts });
  });

  it.each([
    "settings:global",
    "friendXrequest:decoy",
    `user:${A}:extra`, // anchored: a colon in the id is not a user key
    `dm:${A}`, // one id is not a conversation
    "notification:soon:abc", // the time must be digits
    "User:abc", // case matters
    "",
  ])("%s fits no pattern", (key) => {
    expect(classifyKey(key).kind).toBe("legacy");
  });

  it("checks value shapes per kind", () => {
    expect(shapeFits("user", { id: A })).toBe(true);
    expect(shapeFits("user", [A])).toBe(false);
    expect(shapeFits("user", null)).toBe(false);
    expect(shapeFits("room_messages", [A])).toBe(true);
    expect(shapeFits("room_messages", { 0: A })).toBe(false);
    expect(shapeFits("username", A)).toBe(true);
    expect(shapeFits("legacy", 42)).toBe(true);
  });
});

describe("watermark", () => {
  const times = [10, 20, 30, 40];

  it("places the watermark so that exactly `unread` items lie after it", () => {
    for (let unread = 0; unread <= times.length; unread++) {
      const at = watermark(times, unread) ?? NaN;
      expect(times.filter((t) => t > at)).toHaveLength(unread);
    }
  });

  it("does not care about input order and does not sort the caller's array", () => {
    const shuffled = [30, 10, 40, 20];
    expect(watermark(shuffled, 1)).toBe(30);
    expect(shuffled).toEqual([30, 10, 40, 20]);
  });

  it("caps impossible counts: more unread than items, negative or fractional counts", () => {
    expect(watermark(times, 99)).toBe(9);
    expect(watermark(times, -3)).toBe(40);
    expect(watermark(times, 1.7)).toBe(30);
  });

  it("keeps a later last-read time when nothing is unread, and uses it when there are no items", () => {
    expect(watermark(times, 0, 55)).toBe(55);
    expect(watermark(times, 0, 5)).toBe(40);
    expect(watermark([], 3, 77)).toBe(77);
    expect(watermark([], 0)).toBeUndefined();
  });

  it("ties can make the exact count impossible: then fewer are unread, never more", () => {
    const tied = [10, 20, 20, 20];
    const at = watermark(tied, 2) ?? NaN;
    expect(tied.filter((t) => t > at).length).toBeLessThanOrEqual(2);
  });
});

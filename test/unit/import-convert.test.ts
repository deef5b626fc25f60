// Ids and dates are the import's identity: a re-run must upsert the rows an older version of the
// tool wrote. The fast pbId/pbDate are checked against the straightforward definitions.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pbDate, pbId } from "../../scripts/import/convert.ts";

/** The definition: sha256 of the key, the first 15 bytes mod 36 as base-36 digits. */
function referenceId(key: string): string {
  const digest = createHash("sha256").update(key).digest();
  let id = "";
  for (let i = 0; id.length < 15; i++) id += ((digest[i] ?? 0) % 36).toString(36);
  return id;
}

describe("pbId", () => {
  it("matches sha256 → 15 base-36 digits for any key", () => {
    const keys = [
      "",
      "message:11111111-1111-4111-8111-111111111111",
      "dm:a:b",
      "username:Ибро Кул",
      "emoji 👍🏽",
      "x".repeat(5000),
      ...Array.from({ length: 2000 }, (_, i) => `reaction:${i}:${Math.random()}:❤`),
    ];
    for (const key of keys) expect(pbId(key)).toBe(referenceId(key));
  });

  it("is pinned for a known key (ids written by earlier runs)", () => {
    expect(pbId("user:11111111-1111-4111-8111-111111111111")).toBe("oeclwyct0gox2vp");
  });
});

describe("pbDate", () => {
  const reference = (ms: number) => new Date(ms).toISOString().replace("T", " ");

  it("formats milliseconds like toISOString with a space", () => {
    const values = [
      0,
      1,
      999,
      59_999,
      86_399_999,
      86_400_000,
      951_782_400_000, // 2000-02-29
      1_761_955_200_123,
      253_402_300_799_999, // the last millisecond of 9999
      ...Array.from({ length: 20_000 }, () => Math.floor(Math.random() * 253_402_300_800_000)),
    ];
    for (const ms of values) expect(pbDate(ms)).toBe(reference(ms));
  });

  it("drops fractions of a millisecond like Date does", () => {
    expect(pbDate(1_761_955_200_123.9)).toBe(reference(1_761_955_200_123.9));
    expect(pbDate(0.5)).toBe("1970-01-01 00:00:00.000Z");
  });

  it("parses the text forms and refuses the rest", () => {
    expect(pbDate("2025-11-01T10:00:00Z")).toBe("2025-11-01 10:00:00.000Z");
    expect(pbDate("2025-11-01 10:00:00.123456+02")).toBe("2025-11-01 08:00:00.123Z");
    expect(pbDate("not a date")).toBe("");
    expect(pbDate(-1)).toBe("");
    expect(pbDate(undefined)).toBe("");
  });
});

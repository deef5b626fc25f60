import { describe, expect, it } from "vitest";
import { MessageIndex } from "../../scripts/import/message-index.ts";
import { RoomSequence } from "../../scripts/import/sequence.ts";

const meta = (room: string, created: number) => ({
  room,
  author: "u",
  created,
  deleted: false,
  type: "text",
});

describe("imported message numbering", () => {
  const messages = new MessageIndex();
  for (const [id, m] of [
    ["m3", meta("a", 300)],
    ["m1", meta("a", 100)],
    ["m2b", meta("a", 200)],
    ["m2a", meta("jail-1", 200)],
    ["x1", meta("b", 50)],
    ["orphan", meta("gone", 10)],
  ] as const) {
    messages.set(id, m);
  }
  // two source jail rooms are merged into one target room
  const target = new Map([
    ["a", "A"],
    ["jail-1", "A"],
    ["b", "B"],
  ]);
  const sequence = new RoomSequence(messages, (room) => target.get(room));

  it("numbers each target room by time, then source id, across merged source rooms", () => {
    const seqOf = (id: string) => sequence.seqOf(messages.get(id));
    expect(["m1", "m2a", "m2b", "m3"].map(seqOf)).toEqual([1, 2, 3, 4]);
    expect(seqOf("x1")).toBe(1);
    expect(seqOf("orphan")).toBe(0);
    expect(seqOf("never scanned")).toBe(0);
  });

  it("reads up to the last message created at or before the watermark", () => {
    expect(sequence.readSeq("A", undefined)).toBe(0);
    expect(sequence.readSeq("A", 99)).toBe(0);
    expect(sequence.readSeq("A", 100)).toBe(1);
    expect(sequence.readSeq("A", 250)).toBe(3);
    expect(sequence.readSeq("A", 10_000)).toBe(4);
    expect(sequence.readSeq("C", 10_000)).toBe(0);
  });
});

describe("the message index", () => {
  const uuid = (n: number) => {
    const hex = (n * 2654435761).toString(16).padStart(12, "0").slice(-12);
    return `${hex.slice(0, 8)}-0000-4000-8000-${hex}`;
  };

  it("finds every id, UUID or not, past many growths, and gives the metadata back", () => {
    const index = new MessageIndex();
    const ids = Array.from({ length: 20_000 }, (_, i) =>
      i % 1000 === 7 ? `legacy-${i}` : uuid(i),
    );
    ids.forEach((id, i) =>
      index.set(id, {
        room: `r${i % 3}`,
        author: `u${i % 5}`,
        created: i,
        deleted: i % 2 === 0,
        type: "text",
      }),
    );
    expect(index.size).toBe(ids.length);
    // compared in one go: an expect per id is slower than the index by far
    const back = ids.map((id) => {
      const m = index.get(id);
      return [
        index.id(index.find(id)),
        m?.room,
        m?.author,
        m?.created,
        m?.deleted,
        m?.type,
        m?.seq,
      ];
    });
    expect(back).toEqual(
      ids.map((id, i) => [id, `r${i % 3}`, `u${i % 5}`, i, i % 2 === 0, "text", 0]),
    );
    expect(index.has(uuid(20_001))).toBe(false);
    expect(index.has("legacy-8")).toBe(false);
    expect(index.has(uuid(1).toUpperCase())).toBe(false);
    expect([...index.byRoom().entries()].map(([r, l]) => [r, l.length])).toEqual([
      ["r0", 6667],
      ["r1", 6667],
      ["r2", 6666],
    ]);
  });

  it("orders numbers as their id strings sort", () => {
    const index = new MessageIndex();
    const ids = [uuid(5), "zzz", uuid(3), "000", uuid(9), "ffffffff-ffff-4fff-bfff-ffffffffffff"];
    for (const id of ids) index.set(id, meta("a", 1));
    const numbers = ids.map((id) => index.find(id));
    numbers.sort((a, b) => index.compare(a, b));
    expect(numbers.map((n) => index.id(n))).toEqual([...ids].sort());
  });
});

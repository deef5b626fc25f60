import { describe, expect, it } from "vitest";
import type { MessageMeta } from "../../scripts/import/scan.ts";
import { RoomSequence } from "../../scripts/import/sequence.ts";

const meta = (room: string, created: number): MessageMeta => ({
  room,
  author: "u",
  created,
  deleted: false,
  type: "text",
  seq: 0,
});

describe("imported message numbering", () => {
  const messages = new Map<string, MessageMeta>([
    ["m3", meta("a", 300)],
    ["m1", meta("a", 100)],
    ["m2b", meta("a", 200)],
    ["m2a", meta("jail-1", 200)],
    ["x1", meta("b", 50)],
    ["orphan", meta("gone", 10)],
  ]);
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

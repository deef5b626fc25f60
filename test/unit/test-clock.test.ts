// Where test servers start their clock (test/support/clock.ts): the next matching moment, never
// behind real time, and by default noon of a day that is not at the new year.
import { describe, expect, it } from "vitest";
import { defaultClockAt, neutralClockAt, nextClockAt } from "../support/clock.ts";

const ms = (iso: string) => Date.parse(iso);

describe("nextClockAt", () => {
  it("takes today's time when it is still ahead, else tomorrow's", () => {
    expect(nextClockAt("12:00", ms("2026-12-06T03:15:00Z")).toISOString()).toBe(
      "2026-12-06T12:00:00.000Z",
    );
    expect(nextClockAt("02:30", ms("2026-12-06T03:15:00Z")).toISOString()).toBe(
      "2026-12-07T02:30:00.000Z",
    );
    expect(nextClockAt("03:15:00", ms("2026-12-06T03:15:00Z")).toISOString()).toBe(
      "2026-12-06T03:15:00.000Z",
    );
  });

  it("takes this year's date when it is still ahead, else next year's", () => {
    expect(nextClockAt("12-31T23:59:30", ms("2026-12-06T03:15:00Z")).toISOString()).toBe(
      "2026-12-31T23:59:30.000Z",
    );
    expect(nextClockAt("01-01T00:01", ms("2026-12-06T03:15:00Z")).toISOString()).toBe(
      "2027-01-01T00:01:00.000Z",
    );
  });

  it("refuses anything else", () => {
    expect(() => nextClockAt("noon", 0)).toThrow(/HH:MM/);
    expect(() => nextClockAt("2026-12-31T12:00", 0)).toThrow(/HH:MM/);
  });
});

describe("neutralClockAt", () => {
  it("is the next noon, skipping December 31 and January 1", () => {
    expect(neutralClockAt(ms("2026-06-10T13:00:00Z")).toISOString()).toBe(
      "2026-06-11T12:00:00.000Z",
    );
    expect(neutralClockAt(ms("2026-12-30T13:00:00Z")).toISOString()).toBe(
      "2027-01-02T12:00:00.000Z",
    );
    expect(neutralClockAt(ms("2027-01-01T05:00:00Z")).toISOString()).toBe(
      "2027-01-02T12:00:00.000Z",
    );
  });

  it("never lies behind real time", () => {
    for (let h = 0; h < 48; h++) {
      const from = ms("2026-12-30T00:30:00Z") + h * 3_600_000;
      expect(neutralClockAt(from).getTime()).toBeGreaterThanOrEqual(from);
      expect(defaultClockAt(from).getTime()).toBeGreaterThanOrEqual(from);
    }
  });
});

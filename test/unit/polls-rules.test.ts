// The pure poll rules: poll input, vote input, results per viewer, closing.
import { describe, expect, it } from "vitest";
import {
  parsePoll,
  parseVote,
  pollClosedProblem,
  tally,
} from "../../hooks-src/konvert/rules/polls.ts";

describe("parsePoll", () => {
  it("trims and defaults a valid poll", () => {
    expect(parsePoll({ question: "  Lunch? ", options: [" Pizza", "Борщ "] })).toEqual({
      ok: { question: "Lunch?", options: ["Pizza", "Борщ"], anonymous: false, multiple: false },
    });
    const ten = Array.from({ length: 10 }, (_, i) => `option ${i}`);
    expect(parsePoll({ question: "Q", options: ten, anonymous: true, multiple: true })).toEqual({
      ok: { question: "Q", options: ten, anonymous: true, multiple: true },
    });
  });

  it("refuses every malformed poll with the field and a readable message", () => {
    const cases: [unknown, string, RegExp][] = [
      [undefined, "poll", /question and its options/],
      ["Lunch?", "poll", /question and its options/],
      [["a", "b"], "poll", /question and its options/],
      [{ question: "Q", options: ["a", "b"], votes: {} }, "poll", /Unknown poll field: votes/],
      [{ options: ["a", "b"] }, "poll.question", /needs a question/],
      [{ question: "   ", options: ["a", "b"] }, "poll.question", /needs a question/],
      [{ question: 5, options: ["a", "b"] }, "poll.question", /needs a question/],
      [{ question: "x".repeat(501), options: ["a", "b"] }, "poll.question", /at most 500/],
      [{ question: "Q", options: ["a"] }, "poll.options", /2 to 10 options/],
      [{ question: "Q", options: "a,b" }, "poll.options", /2 to 10 options/],
      [{ question: "Q", options: Array(11).fill("x") }, "poll.options", /2 to 10 options/],
      [{ question: "Q", options: ["a", " "] }, "poll.options", /cannot be blank/],
      [{ question: "Q", options: ["a", 2] }, "poll.options", /cannot be blank/],
      [{ question: "Q", options: ["a", "x".repeat(201)] }, "poll.options", /at most 200/],
      [{ question: "Q", options: ["Yes", " yes "] }, "poll.options", /"yes" appears twice/],
      [{ question: "Q", options: ["a", "b"], anonymous: "yes" }, "poll.anonymous", /true or false/],
      [{ question: "Q", options: ["a", "b"], multiple: 1 }, "poll.multiple", /true or false/],
    ];
    for (const [input, field, message] of cases) {
      const parsed = parsePoll(input);
      expect(parsed, JSON.stringify(input)).toMatchObject({ field });
      expect("problem" in parsed && parsed.problem).toMatch(message);
    }
  });
});

describe("parseVote", () => {
  it("accepts one option for single choice and distinct options for multiple choice", () => {
    expect(parseVote([2], 3, false)).toEqual({ ok: [2] });
    expect(parseVote([2, 0], 3, true)).toEqual({ ok: [0, 2] });
  });

  it("refuses wrong shapes, ranges, repeats and extra choices", () => {
    const cases: [unknown, boolean, RegExp][] = [
      [undefined, false, /Choose one option/],
      [1, false, /Choose one option/],
      [[], true, /Choose one or more/],
      [[0, 1], false, /only one choice/],
      [["0"], false, /Choose one option/],
      [[0.5], true, /Choose one or more/],
      [[3], false, /no option 3: choose 0 to 2/],
      [[-1], true, /no option -1/],
      [[1, 1], true, /Option 1 is chosen twice/],
    ];
    for (const [input, multiple, message] of cases) {
      const parsed = parseVote(input, 3, multiple);
      expect(parsed, JSON.stringify(input)).toMatchObject({ field: "options" });
      expect("problem" in parsed && parsed.problem).toMatch(message);
    }
  });
});

describe("tally", () => {
  const votes = [
    { option: 0, user: "ann" },
    { option: 2, user: "ann" },
    { option: 2, user: "bob" },
    { option: 9, user: "eve" }, // an option the poll no longer has is ignored
  ];

  it("counts votes and voters and names voters only when the poll is not anonymous", () => {
    expect(tally(3, votes, "ann", false)).toEqual({
      counts: [1, 0, 2],
      totalVoters: 2,
      myVotes: [0, 2],
      voters: [["ann"], [], ["ann", "bob"]],
    });
    const anonymous = tally(3, votes, "bob", true);
    expect(anonymous).toEqual({ counts: [1, 0, 2], totalVoters: 2, myVotes: [2] });
    expect(JSON.stringify(anonymous)).not.toContain("ann");
  });
});

describe("pollClosedProblem", () => {
  it("is open without closedAt or before it, closed from then on", () => {
    const now = Date.parse("2026-05-01T12:00:00Z");
    expect(pollClosedProblem("", now)).toBeNull();
    expect(pollClosedProblem("2026-05-01 13:00:00.000Z", now)).toBeNull();
    expect(pollClosedProblem("2026-05-01 11:00:00.000Z", now)?.code).toBe("poll.closed");
    expect(pollClosedProblem("2026-05-01 12:00:00.000Z", now)?.code).toBe("poll.closed");
  });
});

// Polls: what a valid poll and a valid vote are, and how results are shown to a given voter.
import { problem, type Problem } from "./error-codes.ts";
import { isActiveAt } from "./moderation.ts";

export const POLL_QUESTION_MAX = 500;
export const POLL_OPTION_MAX = 200;
export const POLL_OPTIONS_MIN = 2;
export const POLL_OPTIONS_MAX = 10;

const POLL_FIELDS = ["question", "options", "anonymous", "multiple"];

export interface PollInput {
  question: string;
  options: string[];
  anonymous: boolean;
  multiple: boolean;
}

export type Checked<T> = { ok: T } | { field: string; problem: string };

const refused = (field: string, problem: string) => ({ field, problem });

/** The `poll` object sent with a poll message, trimmed; or the first problem with it. */
export function parsePoll(input: unknown): Checked<PollInput> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return refused("poll", "A poll needs a question and its options.");
  }
  const poll = input as Record<string, unknown>;
  const unknown = Object.keys(poll).filter((key) => !POLL_FIELDS.includes(key));
  if (unknown.length > 0) return refused("poll", `Unknown poll field: ${unknown.join(", ")}.`);

  const question = poll["question"];
  if (typeof question !== "string" || question.trim() === "") {
    return refused("poll.question", "The poll needs a question.");
  }
  if (question.trim().length > POLL_QUESTION_MAX) {
    return refused(
      "poll.question",
      `A poll question can be at most ${POLL_QUESTION_MAX} characters long.`,
    );
  }

  const options = poll["options"];
  const countProblem = `A poll needs ${POLL_OPTIONS_MIN} to ${POLL_OPTIONS_MAX} options.`;
  if (!Array.isArray(options)) return refused("poll.options", countProblem);
  if (options.length < POLL_OPTIONS_MIN || options.length > POLL_OPTIONS_MAX) {
    return refused("poll.options", countProblem);
  }
  const trimmed: string[] = [];
  for (const option of options) {
    if (typeof option !== "string" || option.trim() === "") {
      return refused("poll.options", "Poll options cannot be blank.");
    }
    const text = option.trim();
    if (text.length > POLL_OPTION_MAX) {
      return refused(
        "poll.options",
        `A poll option can be at most ${POLL_OPTION_MAX} characters long.`,
      );
    }
    if (trimmed.some((other) => other.toLowerCase() === text.toLowerCase())) {
      return refused("poll.options", `The option "${text}" appears twice.`);
    }
    trimmed.push(text);
  }

  for (const flag of ["anonymous", "multiple"] as const) {
    if (poll[flag] !== undefined && typeof poll[flag] !== "boolean") {
      return refused(`poll.${flag}`, `poll.${flag} must be true or false.`);
    }
  }
  return {
    ok: {
      question: question.trim(),
      options: trimmed,
      anonymous: poll["anonymous"] === true,
      multiple: poll["multiple"] === true,
    },
  };
}

/** The option indexes of a vote: one for single choice, one or more distinct for multiple. */
export function parseVote(
  input: unknown,
  optionCount: number,
  multiple: boolean,
): Checked<number[]> {
  const shape = multiple
    ? "Choose one or more options: options must be a list of option numbers."
    : "Choose one option: options must be a list with one option number.";
  if (!Array.isArray(input) || input.length === 0) return refused("options", shape);
  if (!multiple && input.length !== 1) {
    return refused("options", "This poll allows only one choice.");
  }
  const chosen: number[] = [];
  for (const option of input) {
    if (typeof option !== "number" || !Number.isInteger(option)) return refused("options", shape);
    if (option < 0 || option >= optionCount) {
      return refused("options", `There is no option ${option}: choose 0 to ${optionCount - 1}.`);
    }
    if (chosen.includes(option)) return refused("options", `Option ${option} is chosen twice.`);
    chosen.push(option);
  }
  return { ok: chosen.sort((a, b) => a - b) };
}

export interface PollVote {
  option: number;
  user: string;
}

export interface PollTally {
  /** Votes per option, in option order. */
  counts: number[];
  /** People who voted (a multiple-choice voter counts once). */
  totalVoters: number;
  /** The viewer's own choice (empty when they have not voted). */
  myVotes: number[];
  /** Voter ids per option, only for polls that are not anonymous. */
  voters?: string[][];
}

/** A poll as a member of its room sees it (the server builds it, the typed client receives it). */
export interface PollResults extends PollTally {
  /** The poll's id: its message's id for polls sent here; imported polls keep their own. */
  id: string;
  message: string;
  room: string;
  question: string;
  options: string[];
  anonymous: boolean;
  multiple: boolean;
  /** When voting closes or closed ('' = open). */
  closedAt: string;
  createdBy: string;
}

/** Results as `viewer` may see them: an anonymous poll never names its voters. */
export function tally(
  optionCount: number,
  votes: PollVote[],
  viewer: string,
  anonymous: boolean,
): PollTally {
  const counts = Array.from({ length: optionCount }, () => 0);
  const voters: string[][] = Array.from({ length: optionCount }, () => []);
  const people = new Set<string>();
  const myVotes: number[] = [];
  for (const vote of votes) {
    if (vote.option < 0 || vote.option >= optionCount) continue;
    counts[vote.option]! += 1;
    voters[vote.option]!.push(vote.user);
    people.add(vote.user);
    if (vote.user === viewer) myVotes.push(vote.option);
  }
  myVotes.sort((a, b) => a - b);
  const result: PollTally = { counts, totalVoters: people.size, myVotes };
  if (!anonymous) result.voters = voters;
  return result;
}

/** Why nobody may vote on this poll now, or null. A future `closedAt` schedules the closing. */
export function pollClosedProblem(closedAt: string, nowMs: number): Problem | null {
  if (closedAt === "" || isActiveAt(closedAt, nowMs)) return null;
  return problem("poll.closed");
}

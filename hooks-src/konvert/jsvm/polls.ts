// Polls: created with their message (the send hook calls createPollFor), voted on, and read as
// results that never name the voters of an anonymous poll. Votes are superuser-only records; a
// vote "touches" the poll so members subscribed to polls get an update event and refetch.
import {
  parsePoll,
  parseVote,
  pollClosedProblem,
  tally,
  type PollResults,
} from "../rules/polls.ts";

export type { PollResults };
import { callerOf, findRoom, requireReadable, requireWritable } from "./access.ts";
import { nowMs } from "./clock.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { bodyOf, pathParam } from "./http.ts";

/**
 * Validates the `poll` object of a poll message and saves the poll under the message's id. Call it
 * inside the send transaction, after the message is saved: a bad poll is a 400 that rolls both back.
 */
export function createPollFor(tx: CoreApp, message: core.Record, input: unknown): core.Record {
  const parsed = parsePoll(input);
  if ("problem" in parsed) return fail("poll.invalid", parsed.problem, parsed.field);
  const poll = new Record(tx.findCachedCollectionByNameOrId("polls"));
  poll.set("id", message.id);
  poll.set("message", message.id);
  poll.set("room", message.getString("room"));
  poll.set("question", parsed.ok.question);
  poll.set("options", parsed.ok.options);
  poll.set("anonymous", parsed.ok.anonymous);
  poll.set("multiple", parsed.ok.multiple);
  poll.set("createdBy", message.getString("author"));
  tx.save(poll);
  return poll;
}

/**
 * A poll by its own id or by its message's id. A poll sent here shares its message's id; an
 * imported one keeps the id it had (docs/compat.md), while clients (the original app among
 * them) address a poll by the message they show.
 */
export function findPoll(app: CoreApp, id: string): core.Record | null {
  try {
    return app.findRecordById("polls", id);
  } catch {
    // not a poll id: perhaps its message's
  }
  try {
    return app.findFirstRecordByFilter("polls", "message = {:id}", { id });
  } catch {
    return null;
  }
}

/**
 * A poll the caller may see: its message is live and the caller may read its room
 * (access.ts requireReadable; non-members get the same poll.not_found as a poll that does not
 * exist); while banned only in the jail room.
 */
function visiblePoll(app: CoreApp, caller: core.Record, id: string): core.Record {
  const poll = findPoll(app, id);
  if (!poll) return fail("poll.not_found");
  let message: core.Record;
  try {
    message = app.findRecordById("messages", poll.getString("message"));
  } catch {
    return fail("poll.not_found");
  }
  if (message.getString("deletedAt") !== "") fail("poll.not_found");
  requireReadable(app, caller, findRoom(app, poll.getString("room")), { hidden: "poll.not_found" });
  return poll;
}

/** A poll the caller may vote in: readable, and the room takes the caller's reactions. */
function votablePoll(tx: CoreApp, caller: core.Record, id: string): core.Record {
  const poll = visiblePoll(tx, caller, id);
  // muted users may vote (rules/access.ts: a mute silences messages, not reactions)
  requireWritable(tx, caller, poll.getString("room"), { kind: "reaction" });
  return poll;
}

function optionsOf(poll: core.Record): string[] {
  try {
    const options = JSON.parse(poll.getString("options")) as unknown;
    return Array.isArray(options) ? options.map(String) : [];
  } catch {
    return [];
  }
}

function resultsOf(app: CoreApp, poll: core.Record, viewer: string): PollResults {
  const votes = arrayOf(new DynamicModel({ option: 0, user: "" })) as {
    option: number;
    user: string;
  }[];
  app
    .db()
    .newQuery("SELECT option, user FROM poll_votes WHERE poll = {:poll} ORDER BY created, id")
    .bind({ poll: poll.id })
    .all(votes);
  const options = optionsOf(poll);
  const anonymous = poll.getBool("anonymous");
  return {
    id: poll.id,
    message: poll.getString("message"),
    room: poll.getString("room"),
    question: poll.getString("question"),
    options,
    anonymous,
    multiple: poll.getBool("multiple"),
    closedAt: poll.getString("closedAt"),
    createdBy: poll.getString("createdBy"),
    ...tally(
      options.length,
      votes.map((v) => ({ option: v.option, user: v.user })),
      viewer,
      anonymous,
    ),
  };
}

/** Replaces the caller's votes with `options` (none = retract) and touches the poll. */
function castVotes(tx: CoreApp, poll: core.Record, userId: string, options: number[]): void {
  refuseIf(pollClosedProblem(poll.getString("closedAt"), nowMs()));
  const previous = tx.findRecordsByFilter(
    "poll_votes",
    "poll = {:poll} && user = {:user}",
    "",
    0,
    0,
    { poll: poll.id, user: userId },
  );
  if (previous.length === 0 && options.length === 0) return; // nothing to take back
  for (const old of previous) tx.delete(old!);
  const votes = tx.findCachedCollectionByNameOrId("poll_votes");
  for (const option of options) {
    const vote = new Record(votes);
    vote.set("poll", poll.id);
    vote.set("user", userId);
    vote.set("option", option);
    tx.save(vote);
  }
  tx.save(poll); // bumps `updated`: an update event for the room's members, without voter ids
}

/** A poll's results as the caller sees them (an action: the typed and legacy routes call it). */
export function pollResults(app: CoreApp, caller: core.Record, id: string): PollResults {
  return resultsOf(app, visiblePoll(app, caller, id), caller.id);
}

/**
 * Votes `options`, or changes the caller's vote. Muted users may vote: muting silences writing,
 * and a vote is a reaction, not a message.
 */
export function votePoll(
  app: CoreApp,
  caller: core.Record,
  input: { id: string; options: unknown },
): PollResults {
  let answer: PollResults | undefined;
  app.runInTransaction((tx) => {
    const poll = votablePoll(tx, caller, input.id);
    const chosen = parseVote(input.options, optionsOf(poll).length, poll.getBool("multiple"));
    if ("problem" in chosen) fail("poll.option.invalid", chosen.problem, chosen.field);
    castVotes(tx, poll, caller.id, chosen.ok);
    answer = resultsOf(tx, poll, caller.id);
  });
  return answer!;
}

/** Takes the caller's vote back (nothing to take: no-op). */
export function retractVote(app: CoreApp, caller: core.Record, id: string): PollResults {
  let answer: PollResults | undefined;
  app.runInTransaction((tx) => {
    const poll = votablePoll(tx, caller, id);
    castVotes(tx, poll, caller.id, []);
    answer = resultsOf(tx, poll, caller.id);
  });
  return answer!;
}

/** GET /api/konvert/polls/{id} — question, options, counts, the caller's own choice. */
export function results(e: core.RequestEvent): void {
  e.json(200, pollResults(e.app, callerOf(e), pathParam(e, "id")));
}

/** The request body as an object; PocketBase cannot read a JSON array or scalar body at all. */
function voteBody(e: core.RequestEvent): Record<string, unknown> {
  try {
    return bodyOf(e);
  } catch {
    return fail("poll.option.invalid", 'Send a JSON object such as {"options": [0]}.');
  }
}

/** POST /api/konvert/polls/{id}/vote {options: number[]} */
export function vote(e: core.RequestEvent): void {
  const me = callerOf(e);
  const body = voteBody(e);
  e.json(200, votePoll(e.app, me, { id: pathParam(e, "id"), options: body["options"] }));
}

/** DELETE /api/konvert/polls/{id}/vote */
export function retract(e: core.RequestEvent): void {
  e.json(200, retractVote(e.app, callerOf(e), pathParam(e, "id")));
}

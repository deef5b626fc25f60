// R45–R46 (and polls sent through R36): the backend's poll routes in the legacy shape. The
// original client addresses a poll by its message's id; an imported poll has an id of its own,
// so polls are found by either (jsvm/polls.ts findPoll). Votes can be changed (the original refused a
// second vote; the client never offers one, so nothing it does changes).
import { legacyPoll } from "../rules/compat-polls.ts";
import * as polls from "../jsvm/polls.ts";
import { asActionError } from "../actions/errors.ts";
import { handle, legacy, legacyBody, legacyCaller } from "./http.ts";

/** The legacy poll for the caller, from the backend's results (null when not visible). */
export function pollFor(
  e: core.RequestEvent,
  me: core.Record,
  id: string,
): Record<string, unknown> {
  const results = polls.pollResults(e.app, me, id);
  const record = polls.findPoll(e.app, id);
  return legacyPoll({ ...results, created: record?.getString("created") ?? "" }, me.id);
}

/** GET /polls/{pollId} -> {poll}; 404 for missing polls and for polls of others' rooms. */
export function get(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    let poll: Record<string, unknown>;
    try {
      poll = pollFor(e, me, e.request!.pathValue("pollId"));
    } catch (err) {
      // a poll the caller may not see answers as one that does not exist, with the route's 404
      if (asActionError(err) !== null) return legacy(404, "Опрос не найден");
      throw err;
    }
    e.json(200, { poll });
  });
}

/** POST /polls/{pollId}/vote {optionIndex} -> the poll (bare). */
export function vote(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("pollId");
    const index = legacyBody(e)["optionIndex"];
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) {
      legacy(400, "Недействительный вариант");
    }
    polls.votePoll(e.app, me, { id, options: [index] });
    e.json(200, pollFor(e, me, id));
  });
}

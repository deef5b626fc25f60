// Reactions: one per (message, user, emoji), added and removed idempotently. The message's
// author hears about new reactions unless they blocked the reactor.
import { isSingleEmoji } from "../rules/emoji.ts";
import { callerOf, requireWritable } from "./access.ts";
import { fail } from "../actions/errors.ts";
import { bodyOf, pathParam } from "./http.ts";
import { notify, withdraw } from "./notifications.ts";
import { reactionGiven, reactionReceived } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";

function emojiOf(e: core.RequestEvent): unknown {
  const fromBody = bodyOf(e)["emoji"];
  return typeof fromBody === "string" ? fromBody : e.request!.url!.query().get("emoji");
}

function checkedEmoji(emoji: unknown): string {
  if (typeof emoji !== "string" || !isSingleEmoji(emoji)) return fail("reaction.emoji.invalid");
  return emoji;
}

/** The message (live, in a room the caller may read) and its room. */
function target(tx: CoreApp, messageId: string, me: core.Record): core.Record {
  let message: core.Record | null = null;
  try {
    message = tx.findRecordById("messages", messageId);
  } catch {
    // reported below
  }
  if (!message || message.getString("deletedAt") !== "") return fail("message.not_found");
  // reacting is writing in the room, except that a mute does not silence reactions
  requireWritable(tx, me, message.getString("room"), { kind: "reaction" });
  return message;
}

interface ReactionCount {
  emoji: string;
  count: number;
  mine: boolean;
}

function summary(app: CoreApp, messageId: string, me: string): ReactionCount[] {
  const rows = arrayOf(new DynamicModel({ emoji: "", count: 0, mine: 0 }));
  app
    .db()
    .newQuery(
      "SELECT emoji, COUNT(*) AS count, MAX(user = {:me}) AS mine FROM reactions WHERE message = {:message} GROUP BY emoji ORDER BY MIN(created)",
    )
    .bind({ message: messageId, me })
    .all(rows);
  return (rows as unknown as { emoji: string; count: number; mine: number }[]).map((r) => ({
    emoji: r.emoji,
    count: r.count,
    mine: r.mine === 1,
  }));
}

function findReaction(
  app: CoreApp,
  message: string,
  user: string,
  emoji: string,
): core.Record | null {
  try {
    return app.findFirstRecordByFilter(
      "reactions",
      "message = {:message} && user = {:user} && emoji = {:emoji}",
      {
        message,
        user,
        emoji,
      },
    );
  } catch {
    return null;
  }
}

export interface ReactionInput {
  messageId: string;
  emoji: unknown;
}

/** The react action: adds the caller's emoji (adding it twice changes nothing). */
export function addReaction(app: CoreApp, me: core.Record, input: ReactionInput): ReactionCount[] {
  const emoji = checkedEmoji(input.emoji);
  let messageId = "";
  app.runInTransaction((tx) => {
    const message = target(tx, input.messageId, me);
    messageId = message.id;
    if (findReaction(tx, message.id, me.id, emoji)) return;
    const author = message.getString("author");
    const reaction = new Record(tx.findCachedCollectionByNameOrId("reactions"));
    reaction.load({
      message: message.id,
      user: me.id,
      emoji,
      room: message.getString("room"),
      messageAuthor: author,
    });
    tx.save(reaction);
    track(tx, me.id, reactionGiven(tx, me.id, message.getString("room"), emoji));
    if (author !== "" && author !== me.id) track(tx, author, reactionReceived(tx, message));
    if (author !== "" && author !== me.id && !authorBlocked(tx, author, me.id)) {
      notify(tx, {
        recipient: author,
        type: "reaction",
        actor: me.id,
        room: message.getString("room"),
        message: message.id,
        data: { emoji },
      });
    }
  });
  return summary(app, messageId, me.id);
}

/** POST /api/konvert/messages/{id}/reactions {emoji} */
export function add(e: core.RequestEvent): void {
  const me = callerOf(e);
  e.json(200, addReaction(e.app, me, { messageId: pathParam(e, "id"), emoji: emojiOf(e) }));
}

/** The unreact action: takes the caller's emoji back (nothing to take: no-op). */
export function removeReaction(
  app: CoreApp,
  me: core.Record,
  input: ReactionInput,
): ReactionCount[] {
  const emoji = checkedEmoji(input.emoji);
  let messageId = "";
  app.runInTransaction((tx) => {
    const message = target(tx, input.messageId, me);
    messageId = message.id;
    const reaction = findReaction(tx, message.id, me.id, emoji);
    if (!reaction) return;
    tx.delete(reaction);
    withdraw(
      tx,
      "type = 'reaction' && message = {:message} && actor = {:me} && data.emoji = {:emoji}",
      {
        message: message.id,
        me: me.id,
        emoji,
      },
    );
  });
  return summary(app, messageId, me.id);
}

/** DELETE /api/konvert/messages/{id}/reactions?emoji=… (or {emoji} in the body) */
export function remove(e: core.RequestEvent): void {
  const me = callerOf(e);
  e.json(200, removeReaction(e.app, me, { messageId: pathParam(e, "id"), emoji: emojiOf(e) }));
}

function authorBlocked(app: CoreApp, author: string, reactor: string): boolean {
  return app.countRecords("blocks", $dbx.hashExp({ blocker: author, blocked: reactor })) > 0;
}

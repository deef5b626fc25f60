// Builds tracking events from the records a hook has at hand, looking up the few facts the rules
// need (each an indexed query). A builder returns null when the event cannot matter, so hot read
// paths write nothing.
import {
  dateMs,
  NOSTALGIA_DAYS,
  SPEED_COUNT,
  SPEED_WINDOW_MS,
  type AchievementEvent,
} from "../../rules/achievements.ts";
import { nowDate, realNowMs } from "../clock.ts";
import { sqlText } from "../sql-scalar.ts";
import { localTime, zoneOf } from "./local-time.ts";

const DAY_MS = 86_400_000;

/**
 * messageSent() for a plain-text message that is no reply, no forward and no DM's first message
 * (jsvm/common-send.ts checks the last in its INSERT): nothing is read back from the record.
 */
export function plainTextSent(
  author: core.Record,
  roomId: string,
  mentions: number,
): AchievementEvent & { kind: "message_sent" } {
  return {
    kind: "message_sent",
    roomId,
    roomType: "",
    messageType: "text",
    recentSends: 0,
    // the clock, not `created`: the time of day is a calendar question (jsvm/clock.ts)
    local: localTime(nowDate(), zoneOf(author)),
    newReply: false,
    mentions,
    startsDm: false,
    savedToFavorites: false,
  };
}

/** A message the author just wrote (sent or forwarded), saved in this transaction. */
export function messageSent(
  tx: CoreApp,
  author: core.Record,
  room: { id: string; type: string; createdBy: string },
  message: core.Record,
  mentions: number,
  recentSends: number,
): AchievementEvent {
  const roomType = room.type;
  const replyTo = message.getString("replyTo");
  return {
    ...plainTextSent(author, room.id, mentions),
    roomType,
    messageType: message.getString("type"),
    recentSends,
    newReply:
      replyTo !== "" &&
      !hasOther(tx, "author = {:me} && replyTo = {:to}", message, {
        me: author.id,
        to: replyTo,
      }),
    startsDm: roomType === "dm" && !hasOther(tx, "room = {:room}", message, { room: room.id }),
    savedToFavorites:
      roomType === "favorites" &&
      room.createdBy === author.id &&
      message.getString("forwardedFrom") !== "",
  };
}

/**
 * The author's other messages within the speed window, counted in the write transaction right
 * after the new one is stored (so a burst of concurrent sends counts exactly), up to what the
 * rule needs. `created` is a real-time stamp, so the window ends at real now (jsvm/clock.ts).
 */
export function earlierSendsInWindow(tx: CoreApp, authorId: string): number {
  const withNew = Number(
    sqlText(tx, `SELECT ${sendsInWindowSql("{:author}", "{:since}")} AS v`, {
      author: authorId,
      since: speedWindowStart(),
    }),
  );
  return Math.max(0, withNew - 1);
}

/** Where the speed window starts now, as stored in `created`. */
export function speedWindowStart(): string {
  return new Date(realNowMs() - SPEED_WINDOW_MS).toISOString().replace("T", " ");
}

/**
 * The author's messages (the new one included) since `since`, up to SPEED_COUNT, as an SQL
 * expression over the placeholders given (the send's prepared path binds them by position).
 */
export function sendsInWindowSql(author: string, since: string): string {
  return (
    `(SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE author=${author} ` +
    `AND created>${since} LIMIT ${SPEED_COUNT}))`
  );
}

/** True when another message than `message` matches the filter. */
function hasOther(
  tx: CoreApp,
  filter: string,
  message: core.Record,
  params: Record<string, unknown>,
): boolean {
  return (
    tx.findRecordsByFilter("messages", `${filter} && id != {:self}`, "", 1, 0, {
      ...params,
      self: message.id,
    }).length > 0
  );
}

/** The author deleted their message: how old it was, and whether any other member had read it. */
export function messageDeleted(tx: CoreApp, message: core.Record): AchievementEvent {
  const created = message.getString("created");
  const others = tx.findRecordsByFilter(
    "room_members",
    "room = {:room} && user != {:me}",
    "",
    0,
    0,
    { room: message.getString("room"), me: message.getString("author") },
  );
  const seen = others.some((m) => m!.getString("lastReadAt") >= created);
  return {
    kind: "message_deleted",
    // real time since a real-time stamp, as recompute measures deletedAt - created
    ageMs: realNowMs() - dateMs(created),
    unseen: others.length > 0 && !seen,
  };
}

/** A reaction the user added: totals counted from the reactions themselves (toggling adds nothing). */
export function reactionGiven(
  tx: CoreApp,
  userId: string,
  roomId: string,
  emoji: string,
): AchievementEvent {
  return {
    kind: "reaction_given",
    roomId,
    emoji,
    inRoom: tx.countRecords("reactions", $dbx.hashExp({ user: userId, room: roomId })),
    total: tx.countRecords("reactions", $dbx.hashExp({ user: userId })),
  };
}

/** A reaction on the author's message by someone else. */
export function reactionReceived(tx: CoreApp, message: core.Record): AchievementEvent {
  const author = message.getString("author");
  const others = $dbx.not($dbx.hashExp({ user: author }));
  return {
    kind: "reaction_received",
    onMessage: tx.countRecords("reactions", $dbx.hashExp({ message: message.id }), others),
    total: tx.countRecords("reactions", $dbx.hashExp({ messageAuthor: author }), others),
  };
}

export function pinned(tx: CoreApp, userId: string): AchievementEvent {
  return { kind: "pinned", total: tx.countRecords("pins", $dbx.hashExp({ pinnedBy: userId })) };
}

export function friendsOf(tx: CoreApp, userId: string): AchievementEvent {
  const total = tx.countRecords(
    "friendships",
    $dbx.or($dbx.hashExp({ userA: userId }), $dbx.hashExp({ userB: userId })),
  );
  return { kind: "friends", total };
}

/**
 * The user moved their read watermark in a group room from `previous` to `now`: the other
 * people's messages in between count towards silent_listener. Null outside group rooms.
 */
export function groupRead(
  tx: CoreApp,
  room: core.Record,
  userId: string,
  previous: string,
  now: string,
): AchievementEvent | null {
  const type = room.getString("type");
  if (type !== "public" && type !== "private") return null;
  const messages = tx.countRecords(
    "messages",
    $dbx.exp(
      "room = {:room} AND created > {:from} AND created <= {:to} AND author != {:me} AND deletedAt = ''",
      { room: room.id, from: previous, to: now, me: userId },
    ),
  );
  return messages > 0 ? { kind: "group_read", messages } : null;
}

/** A history page shown to the user: only a page reaching a year back matters (nostalgia). */
export function historyRead(items: readonly core.Record[]): AchievementEvent | null {
  const oldest = Math.min(...items.map((m) => dateMs(m.getString("created"))));
  const ageDays = Math.floor((realNowMs() - oldest) / DAY_MS); // age of a real-time stamp
  return ageDays >= NOSTALGIA_DAYS ? { kind: "history_read", oldestAgeDays: ageDays } : null;
}

// What every new message goes through, whether sent, forwarded or (later) imported one by one:
// who may write where, whom it mentions, and what changes around it.
import { isEncryptedEnvelope } from "../rules/messages.ts";
import { mentionedNames, summonedRoles, type Summon } from "../rules/mentions.ts";
import { realNowDate } from "./clock.ts";
import { requireWritable, type WriteRoom } from "./access.ts";
import { addMember } from "./membership.ts";
import { notify } from "./notifications.ts";
import { sqlRowsPrepared } from "./sql-scalar.ts";

export type { WriteRoom };

export interface WritePlan {
  room: WriteRoom;
  /** A public room the author has not joined yet: joined inside the write transaction. */
  joinFirst: boolean;
}

/**
 * Checks, without writing, that `author` may write in the room now (access.ts requireWritable;
 * a send joins a public room). Runs before the write transaction so that PocketBase's single
 * writer is held only for the writes themselves.
 */
export function planWrite(app: CoreApp, author: core.Record, roomId: string): WritePlan {
  const { room, membership } = requireWritable(app, author, roomId, { joinPublic: true });
  return { room, joinFirst: membership === null };
}

/** Carries out the writes a plan needs before the message itself (inside its transaction). */
export function prepareWrite(tx: CoreApp, author: core.Record, plan: WritePlan): void {
  if (plan.joinFirst) addMember(tx, plan.room.id, author.id, "member");
}

/** A reply must point at a live message of the same room. */
export function replyTargetOk(app: CoreApp, roomId: string, replyTo: string): boolean {
  try {
    const target = app.findRecordById("messages", replyTo);
    return target.getString("room") === roomId && target.getString("deletedAt") === "";
  } catch {
    return false;
  }
}

export interface Mentions {
  /** Room members to record as mentioned (author and users who blocked the author excluded). */
  users: string[];
  summons: Summon[];
}

/**
 * Whom a message mentions: `@name`s in plaintext, resolved case-insensitively among the room's
 * members, plus ids sent beside encrypted content, checked against the members too.
 */
export function resolveMentions(
  app: CoreApp,
  roomId: string,
  authorId: string,
  content: string,
  explicitIds: readonly string[],
): Mentions {
  const names = isEncryptedEnvelope(content) ? [] : mentionedNames(content);
  const candidates = new Set<string>(explicitIds);
  if (names.length > 0) {
    for (const member of membersWithUsernames(app, roomId)) {
      if (names.includes(member.username.toLowerCase())) candidates.add(member.id);
    }
  }
  candidates.delete(authorId);
  return {
    users: membersAmong(app, roomId, authorId, [...candidates]),
    summons: summonedRoles(names),
  };
}

function membersWithUsernames(app: CoreApp, roomId: string): { id: string; username: string }[] {
  return sqlRowsPrepared(
    app,
    { id: "", username: "" },
    "SELECT u.id, u.username FROM room_members m JOIN users u ON u.id = m.user WHERE m.room = {:room}",
    { room: roomId },
  );
}

/** The room's members among `ids`, except those who blocked the author: one query for all. */
function membersAmong(app: CoreApp, roomId: string, authorId: string, ids: string[]): string[] {
  if (ids.length === 0) return [];
  return sqlRowsPrepared(
    app,
    { user: "" },
    "SELECT m.user FROM room_members m WHERE m.room={:room} " +
      "AND m.user IN (SELECT value FROM json_each({:ids})) " +
      "AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker=m.user AND b.blocked={:author})",
    { room: roomId, ids: JSON.stringify(ids), author: authorId },
  ).map((r) => r.user);
}

/**
 * Records mentions and returns the users newly mentioned: one statement for all of them, and the
 * unique (message, user) index skips the ones already recorded (an edit keeps its mentions).
 * Plain SQL: mention rows only feed counts; people hear of a mention by its notification.
 */
export function writeMentions(
  tx: CoreApp,
  message: core.Record,
  userIds: readonly string[],
): string[] {
  if (userIds.length === 0) return [];
  const rows = arrayOf(new DynamicModel({ user: "" })) as unknown as { user: string }[];
  tx.db()
    .newQuery(`${insertMentionsSql("{:message}", "{:room}", "{:users}", "{:now}")} RETURNING user`)
    .bind({
      message: message.id,
      room: message.getString("room"),
      users: JSON.stringify(userIds),
      now: realNowDate(), // autodate-like stamps, compared with mentionsReadAt (jsvm/clock.ts)
    })
    .all(rows);
  return rows.map((r) => r.user);
}

/**
 * The INSERT of writeMentions(); its arguments are SQL expressions: the message, its room, a JSON
 * array of user ids, and the stamp.
 */
export function insertMentionsSql(message: string, room: string, users: string, now: string) {
  return (
    "INSERT OR IGNORE INTO mentions (id,message,room,user,created,updated) " +
    `SELECT substr(lower(hex(randomblob(8))),1,15),${message},${room},value,${now},${now} ` +
    `FROM json_each(${users})`
  );
}

/** Tells mentioned users and summoned staff. */
export function notifyMentions(
  tx: CoreApp,
  message: core.Record,
  author: core.Record,
  users: readonly string[],
  summons: readonly Summon[],
): void {
  const base = { actor: author.id, room: message.getString("room"), message: message.id };
  for (const recipient of users) notify(tx, { ...base, recipient, type: "mention" });
  for (const role of summons) {
    const staff = tx.findRecordsByFilter(
      "users",
      "role = {:role} && deletedAt = '' && id != {:me}",
      "",
      0,
      0,
      {
        role,
        me: author.id,
      },
    );
    const type = role === "admin" ? "admin_call" : "moderator_call";
    for (const user of staff) notify(tx, { ...base, recipient: user!.id, type });
  }
}

/**
 * DMs hidden by either side reappear. (The room's preview moves by trigger as the message is
 * inserted: pb_migrations/1764700200_room_preview_trigger.js.)
 */
export function afterNewMessage(tx: CoreApp, room: WriteRoom): void {
  if (room.type !== "dm") return;
  for (const hidden of tx.findRecordsByFilter(
    "room_members",
    "room = {:room} && hidden = true",
    "",
    0,
    0,
    {
      room: room.id,
    },
  )) {
    hidden!.set("hidden", false);
    tx.save(hidden!);
  }
}

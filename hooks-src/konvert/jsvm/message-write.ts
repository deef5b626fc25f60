// What every new message goes through, whether sent, forwarded or (later) imported one by one:
// who may write where, whom it mentions, and what changes around it.
import { isEncryptedEnvelope } from "../rules/messages.ts";
import { mentionedNames, summonedRoles, type Summon } from "../rules/mentions.ts";
import { isActiveUntil, isFuture, realNowDate } from "./clock.ts";
import { assertNotConfinedTo, isBlockedEitherWay } from "./access.ts";
import { fail } from "../actions/errors.ts";
import { addMember } from "./membership.ts";
import { notify } from "./notifications.ts";
import { sqlRowsPrepared, sqlTextPrepared } from "./sql-scalar.ts";

/** What writing into a room needs to know of the room. */
export interface WriteRoom {
  id: string;
  type: string;
  system: string;
  createdBy: string;
}

export interface WritePlan {
  room: WriteRoom;
  /** A public room the author has not joined yet: joined inside the write transaction. */
  joinFirst: boolean;
}

/** The live room and the author's membership in one text: a query less on every send. */
const ROOM_AND_MEMBERSHIP =
  "SELECT COALESCE((SELECT json_object('type',r.type,'system',r.system,'createdBy',r.createdBy," +
  "'member',m.id IS NOT NULL,'mutedUntil',COALESCE(m.mutedUntil,'')) FROM rooms r " +
  "LEFT JOIN room_members m ON m.room=r.id AND m.user={:user} " +
  "WHERE r.id={:room} AND r.deletedAt=''),'') AS v";

/**
 * Checks, without writing, that `author` may write in the room now. Runs before the write
 * transaction so that PocketBase's single writer is held only for the writes themselves.
 */
export function planWrite(app: CoreApp, author: core.Record, roomId: string): WritePlan {
  const found = sqlTextPrepared(app, ROOM_AND_MEMBERSHIP, { room: roomId, user: author.id });
  if (found === "") fail("room.not_found");
  const { member, mutedUntil, ...facts } = JSON.parse(found) as Omit<WriteRoom, "id"> & {
    member: number;
    mutedUntil: string;
  };
  const room: WriteRoom = { id: roomId, ...facts };
  assertNotConfinedTo(author, room.system);
  if (isActiveUntil(author, "mutedUntil")) {
    fail("user.muted", `You are muted until ${author.getString("mutedUntil")}.`);
  }
  if (!member && (room.type !== "public" || room.system !== "")) {
    fail("room.not_member");
  }
  if (member && isFuture(mutedUntil)) fail("room.muted");
  if (room.type === "dm") {
    const other = otherMember(app, room.id, author.id);
    if (other === null || isBlockedEitherWay(app, author.id, other)) {
      fail("dm.blocked");
    }
  }
  return { room, joinFirst: !member };
}

/** Carries out the writes a plan needs before the message itself (inside its transaction). */
export function prepareWrite(tx: CoreApp, author: core.Record, plan: WritePlan): void {
  if (plan.joinFirst) addMember(tx, plan.room.id, author.id, "member");
}

function otherMember(app: CoreApp, roomId: string, me: string): string | null {
  const rows = app.findRecordsByFilter(
    "room_members",
    "room = {:room} && user != {:me}",
    "",
    1,
    0,
    { room: roomId, me },
  );
  const other = rows[0]?.getString("user") ?? null;
  if (other === null) return null;
  try {
    return app.findRecordById("users", other).getString("deletedAt") === "" ? other : null;
  } catch {
    return null;
  }
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
    .newQuery(
      "INSERT OR IGNORE INTO mentions (id,message,room,user,created,updated) " +
        "SELECT substr(lower(hex(randomblob(8))),1,15),{:message},{:room},value,{:now},{:now} " +
        "FROM json_each({:users}) RETURNING user",
    )
    .bind({
      message: message.id,
      room: message.getString("room"),
      users: JSON.stringify(userIds),
      now: realNowDate(), // autodate-like stamps, compared with mentionsReadAt (jsvm/clock.ts)
    })
    .all(rows);
  return rows.map((r) => r.user);
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

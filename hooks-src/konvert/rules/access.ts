// Who may read or write where: each predicate once, in the three forms the backend needs.
//  - a pure function over loaded facts (this file's predicates; jsvm/access.ts loads the facts),
//  - the API-rule text PocketBase evaluates for the records API and its realtime (API_RULES; the
//    migrations carry the same text, test/unit/access-rules.test.ts proves it),
//  - SQL for our own queries (rules/scopes.ts), which says the same as the predicates here.
import { ERRORS, problem, type Problem } from "./error-codes.ts";
import type { Role } from "./roles.ts";
import { isSharedRoom, type MemberRole, type RoomType } from "./rooms.ts";

/** The caller as the access rules see them; `id === ""` is an anonymous request. */
export interface Actor {
  id: string;
  role: Role;
  /** A ban is in force now: the user acts only in the jail room. */
  banned: boolean;
  /** The global mute's end while it is in force, else "". */
  mutedUntil: string;
  /** The account was erased (such users cannot sign in; a stale session still gets nothing). */
  deleted: boolean;
}

export interface RoomAccess {
  type: RoomType;
  /** "jail" for the jail room, "" otherwise. */
  system: string;
  deleted: boolean;
}

/** The actor's membership of the room, or null (never joined, left, removed). */
export interface MembershipAccess {
  role: MemberRole;
  /** The room mute is in force now. */
  muted: boolean;
}

/** What a DM needs beyond the room: the other side. */
export interface DmAccess {
  /** The other member exists and has not erased their account. */
  otherActive: boolean;
  /** Either side has blocked the other. */
  blocked: boolean;
}

export const ANONYMOUS: Actor = {
  id: "",
  role: "user",
  banned: false,
  mutedUntil: "",
  deleted: false,
};

/** A refusal: its action error code (rules/error-codes.ts), message and the status it is answered with. */
export interface Denial extends Problem {
  status: number;
}

function denied(p: Problem): Denial {
  return { ...p, status: ERRORS[p.code].status };
}

export const DENIED = {
  signIn: denied(problem("auth.required")),
  roomMissing: denied(problem("room.not_found")),
  confined: denied(problem("user.banned")),
  notMember: denied(problem("room.not_member")),
  roomMuted: denied(problem("room.muted")),
  dmClosed: denied(problem("dm.blocked")),
  accountDeleted: denied(problem("account.deleted")),
} as const satisfies Record<string, Denial>;

export function mutedDenial(until: string): Denial {
  return denied(problem("user.muted", `You are muted until ${until}.`));
}

/** A ban confines to the jail room: anything else is out of reach while it lasts. */
export function confinedOut(actor: Actor, room: Pick<RoomAccess, "system">): boolean {
  return actor.banned && room.system !== "jail";
}

/**
 * Seeing a room (the `rooms` list/view rule): public rooms and one's own, none of the system
 * rooms; while banned only the jail, and only as its member.
 */
export function canSeeRoom(
  actor: Actor,
  room: RoomAccess,
  membership: MembershipAccess | null,
): boolean {
  if (actor.id === "" || actor.deleted || room.deleted) return false;
  if (actor.banned) return room.system === "jail" && membership !== null;
  return room.system === "" && (room.type === "public" || membership !== null);
}

/**
 * Reading a room's messages, reactions, polls and members (those collections' read rule, and
 * every realtime topic of the room): members of a live room; while banned only the jail.
 * `godMode`: an admin reads a shared room they are not in, read-only (each read is logged).
 */
export function canReadRoom(
  actor: Actor,
  room: RoomAccess,
  membership: MembershipAccess | null,
  options: { godMode?: boolean } = {},
): boolean {
  if (actor.id === "" || actor.deleted || room.deleted || confinedOut(actor, room)) return false;
  if (membership !== null) return true;
  return (
    options.godMode === true &&
    actor.role === "admin" &&
    (room.type === "public" || room.type === "private") &&
    room.system === ""
  );
}

/**
 * Why the actor may not write in the room now (send, forward, edit, react, pin, vote, type), or
 * null. A member of the live room, not confined elsewhere by a ban, not muted (globally or in the
 * room), with an account, and in a DM only while the other side exists and neither blocks the
 * other. `joinPublic`: a public room the actor has not joined counts as writable (a send joins
 * it); `staffOutside`: global staff act in rooms they are not in (pins). `kind: "reaction"`
 * (reactions, poll votes): a mute silences messages, not reactions, so mutes do not apply.
 */
export interface WriteOptions {
  kind?: "message" | "reaction";
  joinPublic?: boolean;
  staffOutside?: boolean;
}

export function writeDenial(
  actor: Actor,
  room: RoomAccess | null,
  membership: MembershipAccess | null,
  dm: DmAccess | null,
  options: WriteOptions = {},
): Denial | null {
  const mutes = options.kind !== "reaction";
  if (actor.id === "") return DENIED.signIn;
  if (room === null || room.deleted) return DENIED.roomMissing;
  if (actor.deleted) return DENIED.accountDeleted;
  if (confinedOut(actor, room)) return DENIED.confined;
  if (mutes && actor.mutedUntil !== "") return mutedDenial(actor.mutedUntil);
  if (membership === null) {
    const joinable = room.type === "public" && room.system === "";
    const staff = actor.role === "admin" || actor.role === "moderator";
    if (!(options.joinPublic === true && joinable) && !(options.staffOutside === true && staff)) {
      return DENIED.notMember;
    }
  } else if (mutes && membership.muted) {
    return DENIED.roomMuted;
  }
  if (room.type === "dm" && (dm === null || !dm.otherActive || dm.blocked)) return DENIED.dmClosed;
  return null;
}

/**
 * In a DM, whether its other member still has an account, as SQL over the room `r` (the
 * `otherActive` of DmAccess); `user` is the caller's id as a SQL expression (a parameter).
 */
export function dmOtherActiveSql(user: string): string {
  return (
    "EXISTS (SELECT 1 FROM room_members o JOIN users ou ON ou.id = o.user AND ou.deletedAt = '' " +
    `WHERE o.room = r.id AND o.user != ${user})`
  );
}

/** In a DM, whether either side blocks the other, as SQL over the room `r` (DmAccess.blocked). */
export function dmBlockedSql(user: string): string {
  return (
    "EXISTS (SELECT 1 FROM room_members o JOIN blocks b " +
    `ON (b.blocker = o.user AND b.blocked = ${user}) OR (b.blocker = ${user} AND b.blocked = o.user) ` +
    `WHERE o.room = r.id AND o.user != ${user})`
  );
}

/**
 * writeDenial() === null for a message (kind "message") by a member of the room, as a SQL
 * condition: what the common send checks inside its INSERT (jsvm/common-send.ts). It reads the
 * room `r`, the caller's membership `m` (joined, so a non-member never matches: joining a public
 * room is the general path's) and the caller's row `u`; `user` and `now` (the clock's date, by
 * which bans and mutes end) are SQL expressions. It must never allow what writeDenial refuses:
 * a send it refuses takes the general path, which gives the reason
 * (test/unit/access-write-sql.test.ts compares the two over every combination of facts).
 */
export function memberMayWriteSql(user: string, now: string): string {
  return [
    "r.deletedAt = ''",
    "u.deletedAt = ''",
    // confinedOut(): a ban keeps its holder to the jail
    `(u.bannedUntil = '' OR u.bannedUntil <= ${now} OR r.system = 'jail')`,
    `(u.mutedUntil = '' OR u.mutedUntil <= ${now})`,
    `(m.mutedUntil = '' OR m.mutedUntil <= ${now})`,
    `(r.type != 'dm' OR (${dmOtherActiveSql(user)} AND NOT ${dmBlockedSql(user)}))`,
  ].join(" AND ");
}

export function canWriteInRoom(
  actor: Actor,
  room: RoomAccess | null,
  membership: MembershipAccess | null,
  dm: DmAccess | null,
  options: WriteOptions = {},
): boolean {
  return writeDenial(actor, room, membership, dm, options) === null;
}

/** What moderating a room is asked to do: each refuses with its own code. */
export type RoomModeration =
  /** Delete the room: shared rooms only (never a DM, favorites or the jail). */
  | { kind: "delete" }
  /** Remove another member, whose membership role is `target`. */
  | { kind: "remove"; target: MemberRole }
  /** Store wrapped room keys for members. */
  | { kind: "keys" };

const MODERATION_DENIED = {
  deleteSystem: denied(problem("room.delete.system")),
  delete: denied(problem("room.delete.forbidden")),
  removeOwner: denied(problem("room.remove.owner")),
  remove: denied(problem("room.remove.forbidden")),
  keys: denied(problem("e2ee.keys.forbidden")),
} as const satisfies Record<string, Denial>;

/**
 * Why the actor may not moderate the room this way, or null. Global staff act anywhere, the owner
 * in their room, and a room admin removes plain members; the owner is never removed. Staff too act
 * only where a ban lets them (confined to the jail).
 */
export function moderateRoomDenial(
  actor: Actor,
  room: RoomAccess,
  membership: MembershipAccess | null,
  action: RoomModeration,
): Denial | null {
  if (actor.id === "") return DENIED.signIn;
  if (room.deleted) return DENIED.roomMissing;
  if (actor.deleted) return DENIED.accountDeleted;
  if (action.kind === "delete" && !isSharedRoom(room)) return MODERATION_DENIED.deleteSystem;
  if (action.kind === "remove" && action.target === "owner") return MODERATION_DENIED.removeOwner;
  if (confinedOut(actor, room)) return DENIED.confined;
  const staff = actor.role === "admin" || actor.role === "moderator";
  if (staff || membership?.role === "owner") return null;
  if (action.kind === "remove") {
    return membership?.role === "admin" && action.target === "member"
      ? null
      : MODERATION_DENIED.remove;
  }
  return action.kind === "delete" ? MODERATION_DENIED.delete : MODERATION_DENIED.keys;
}

export function canModerateRoom(
  actor: Actor,
  room: RoomAccess,
  membership: MembershipAccess | null,
  action: RoomModeration,
): boolean {
  return moderateRoomDenial(actor, room, membership, action) === null;
}

/** How two users stand to each other, as the people rules need it. */
export interface Relation {
  /** Either has blocked the other. */
  blocked: boolean;
  /** Friends, or members of a common room. */
  friendOrRoommate: boolean;
}

/**
 * Seeing a user's profile (the `users` read rule): oneself always; others while their account
 * exists and neither blocks the other. Realtime (presence among it) reaches only friends and
 * room-mates: `canSeePresence`.
 */
export function canSeeUser(
  viewer: Actor,
  target: { id: string; deleted: boolean },
  rel: Relation,
): boolean {
  if (viewer.id === "") return false;
  if (viewer.id === target.id) return true;
  return !target.deleted && !rel.blocked;
}

/** Hearing a user's profile and presence events: `canSeeUser`, and a friend or a room-mate. */
export function canSeePresence(
  viewer: Actor,
  target: { id: string; deleted: boolean },
  rel: Relation,
): boolean {
  if (viewer.id === "" || viewer.deleted) return false;
  if (viewer.id === target.id) return true;
  return canSeeUser(viewer, target, rel) && rel.friendOrRoommate;
}

// --- API rules --------------------------------------------------------------------------------
// PocketBase evaluates these for the records API, batch, expand and its collection realtime. The
// migrations hold the same text (a migration must not import code that may change later);
// test/unit/access-rules.test.ts replays every migration and compares the final rules with these.

const SIGNED_IN = "@request.auth.id != ''";
const NOT_BANNED = "(@request.auth.bannedUntil = '' || @request.auth.bannedUntil <= @now)";
const BANNED = "@request.auth.bannedUntil > @now";
/** The caller is a member of the room at `room` ("" for the rooms collection itself). */
const memberOf = (room: string) => `${room}room_members_via_room.user ?= @request.auth.id`;

/** canSeeRoom */
export const ROOM_SEE_RULE =
  `${SIGNED_IN} && deletedAt = '' && (` +
  `(${NOT_BANNED} && system = '' && (type = 'public' || ${memberOf("")})) || ` +
  `(system = 'jail' && ${BANNED} && ${memberOf("")}))`;

/** canReadRoom for a record with a `room` relation (god mode goes through Konvert's routes). */
const roomRead = (prefix: string) =>
  `room.deletedAt = '' && ${memberOf(`${prefix}room.`)} && (${NOT_BANNED} || room.system = 'jail')`;

export const ROOM_CONTENT_READ_RULE = `${SIGNED_IN} && ${roomRead("")}`;

/** Polls: canReadRoom, while their message is live. */
export const POLL_READ_RULE = `${SIGNED_IN} && message.deletedAt = '' && ${roomRead("")}`;

/**
 * Memberships: one's own; others' of rooms one may read, not over realtime (an update event
 * would tell when another member read: joins and leaves reach members on Konvert's room topic).
 */
export const MEMBERSHIP_READ_RULE =
  `${SIGNED_IN} && (user = @request.auth.id || (@request.context != 'realtime' && ` +
  `room.deletedAt = '' && ${memberOf("room.")} && (${NOT_BANNED} || room.system = 'jail')))`;

const FRIEND_OR_ROOMMATE = [
  "friendships_via_userA.userB ?= @request.auth.id",
  "friendships_via_userB.userA ?= @request.auth.id",
  "room_members_via_user.room.room_members_via_room.user ?= @request.auth.id",
].join(" || ");

/** canSeeUser, and canSeePresence for realtime. */
export const USER_READ_RULE =
  `${SIGNED_IN} && (id = @request.auth.id || (deletedAt = ''` +
  " && blocks_via_blocker.blocked != @request.auth.id" +
  " && blocks_via_blocked.blocker != @request.auth.id" +
  ` && (@request.context != 'realtime' || ${FRIEND_OR_ROOMMATE})))`;

const unset = (fields: readonly string[]) =>
  fields.map((f) => `@request.body.${f}:isset = false`).join(" && ");

/** Sign-up: no server-owned field (role, moderation, import) from the client. */
export const USER_CREATE_RULE = unset([
  "role",
  "status",
  "lastActiveAt",
  "bannedUntil",
  "banReason",
  "mutedUntil",
  "deletedAt",
  "legacyId",
  "searchText",
]);

/**
 * The part of writeDenial a rule can say without refusing honest mistakes with a bare 400: the
 * author is the caller, no server-owned field. Membership, bans, mutes and blocks are the send
 * hook's (it answers them with a reason).
 */
export const MESSAGE_CREATE_RULE =
  `${SIGNED_IN} && ` +
  `(@request.body.author:isset = false || @request.body.author = @request.auth.id) && ` +
  `@request.body.type != 'system' && ` +
  unset(["editedAt", "deletedAt", "forwardedFrom", "legacyId", "seq"]);

export const ROOM_CREATE_RULE =
  `${SIGNED_IN} && (@request.body.type = 'private' || @request.body.type = 'public') && ` +
  `(@request.body.createdBy:isset = false || @request.body.createdBy = @request.auth.id) && ` +
  unset([
    "system",
    "dmKey",
    "deletedAt",
    "legacyId",
    "lastMessage",
    "lastMessageAt",
    "pinnedMessage",
  ]);

const OWN = (field: string) => `${field} = @request.auth.id`;
const STAFF = "@request.auth.role = 'admin' || @request.auth.role = 'moderator'";

export interface CollectionRules {
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
}

const read = (rule: string, more: Partial<CollectionRules> = {}): CollectionRules => ({
  listRule: rule,
  viewRule: rule,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  ...more,
});
const CLOSED: CollectionRules = {
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
};

/**
 * Every collection's API rules (null: superusers only; writes not named here go through
 * Konvert's routes and hooks).
 */
export const API_RULES: Readonly<Record<string, CollectionRules>> = {
  users: read(USER_READ_RULE, { createRule: USER_CREATE_RULE }),
  rooms: read(ROOM_SEE_RULE, { createRule: ROOM_CREATE_RULE }),
  room_members: read(MEMBERSHIP_READ_RULE),
  messages: read(ROOM_CONTENT_READ_RULE, { createRule: MESSAGE_CREATE_RULE }),
  reactions: read(ROOM_CONTENT_READ_RULE),
  polls: read(POLL_READ_RULE),
  mentions: CLOSED,
  pins: CLOSED,
  poll_votes: CLOSED,
  notifications: read(OWN("recipient"), { deleteRule: OWN("recipient") }),
  friend_requests: read(`${OWN("from")} || ${OWN("to")}`),
  friendships: read(`${OWN("userA")} || ${OWN("userB")}`),
  blocks: read(OWN("blocker")),
  moderation_log: read(STAFF),
  kv_legacy: CLOSED,
  achievements: CLOSED,
  user_achievements: read(OWN("user")),
  user_stats: CLOSED,
  compat_refresh_tokens: CLOSED,
  compat_uploads: read(`${SIGNED_IN} && ${OWN("owner")}`, {
    createRule:
      "@request.auth.collectionName = 'users' && @request.auth.deletedAt = '' && @request.body.owner = @request.auth.id",
    deleteRule: `${SIGNED_IN} && ${OWN("owner")}`,
  }),
};

// Shapes of the legacy HTTP API (spec §1, §3): snake_case fields, counters as maps keyed by user
// id, `members` arrays, `last_message`. Pure: the JSVM shell gathers plain facts and maps them.
import { isActiveAt } from "./moderation.ts";
import { fieldsHiddenByPrivacy } from "./profile.ts";

/** PocketBase dates ("2026-01-02 03:04:05.678Z") as the ISO strings the frontend parses. */
export function isoDate(value: string): string {
  return value === "" ? "" : value.replace(" ", "T");
}

export interface UserFacts {
  id: string;
  email: string;
  username: string;
  displayName: string;
  role: string;
  lastActiveAt: string;
  created: string;
  bannedUntil: string;
  mutedUntil: string;
  avatarUrl: string;
  gender: string;
  age: number;
  interests: string;
  privacy: unknown;
  publicKey: string;
}

/** What the viewer may see beyond the public profile. */
export interface UserView {
  self: boolean;
  staff: boolean;
  /** Presence between friends and room-mates (or staff). */
  presence: boolean;
  /** Only the caller's own object carries its friends and blocks (spec §8 item 8). */
  friends?: string[];
  blockedUsers?: string[];
}

/** Online means active within the last five minutes, like the rest of the backend. */
const ONLINE_WINDOW_MS = 5 * 60 * 1000;

/**
 * `nowMs` decides bans and mutes (deadlines); `realMs` decides online status (time since a stored
 * real-time stamp). They differ only on a server whose test clock is moved (jsvm/clock.ts).
 */
export function legacyUser(
  u: UserFacts,
  view: UserView,
  nowMs: number,
  realMs: number = nowMs,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    username: u.username,
    display_name: u.displayName === "" ? undefined : u.displayName,
    role: u.role === "" ? "user" : u.role,
    created_at: isoDate(u.created),
    avatar: u.avatarUrl === "" ? undefined : u.avatarUrl,
    public_key: u.publicKey === "" ? undefined : u.publicKey,
  };
  const hidden = view.self ? [] : fieldsHiddenByPrivacy(u.privacy);
  if (!hidden.includes("gender") && u.gender !== "") out["gender"] = u.gender;
  if (!hidden.includes("age") && u.age > 0) out["age"] = u.age;
  if (!hidden.includes("interests") && u.interests !== "") out["interests"] = u.interests;
  if (view.self || view.presence) {
    const last = Date.parse(isoDate(u.lastActiveAt));
    out["last_activity"] = isoDate(u.lastActiveAt) || undefined;
    out["status"] =
      Number.isFinite(last) && realMs - last < ONLINE_WINDOW_MS ? "online" : "offline";
  }
  if (view.self || view.staff) {
    out["email"] = u.email;
    out["banned"] = isActiveAt(u.bannedUntil, nowMs);
    out["muted"] = isActiveAt(u.mutedUntil, nowMs);
    if (out["banned"]) out["ban_until"] = isoDate(u.bannedUntil);
    if (out["muted"]) out["mute_until"] = isoDate(u.mutedUntil);
  }
  if (view.self) {
    out["privacySettings"] = privacySettings(u.privacy);
    out["friends"] = view.friends ?? [];
    out["blocked_users"] = view.blockedUsers ?? [];
  }
  return dropUndefined(out);
}

function privacySettings(privacy: unknown): Record<string, boolean> {
  const p = (typeof privacy === "object" && privacy !== null ? privacy : {}) as Record<
    string,
    unknown
  >;
  return {
    showGender: p["showGender"] !== false,
    showAge: p["showAge"] !== false,
    showInterests: p["showInterests"] !== false,
  };
}

export const JAIL_NAME = "🔒 Азкабан";

export interface RoomFacts {
  id: string;
  name: string;
  type: string;
  system: string;
  createdBy: string;
  created: string;
  members: string[];
  pinnedMessage: string;
  /** Pin history, oldest first. */
  pins: string[];
  isMember: boolean;
  lastReadAt: string;
  unreadCount: number;
  mentionCount: number;
  reactionCount: number;
  lastMessage: {
    preview: string;
    type: string;
    created: string;
    senderId: string;
    senderName: string;
  } | null;
}

/**
 * A room as GET /rooms returns it. Counters are the caller's only (derived from watermarks):
 * other members' counters are nobody else's business and the frontend reads only its own.
 */
export function legacyRoom(r: RoomFacts, me: string, godMode: boolean): Record<string, unknown> {
  const favorites = r.type === "favorites";
  const out: Record<string, unknown> = {
    id: r.id,
    name: r.system === "jail" ? JAIL_NAME : r.name,
    type: favorites ? "private" : r.type,
    created_by: r.createdBy,
    created_at: isoDate(r.created),
    members: r.members,
    pinned_message_ids: r.pins,
    unread_count: r.isMember ? { [me]: r.unreadCount } : {},
    unread_mentions: r.isMember ? { [me]: r.mentionCount } : {},
    unread_reactions: r.isMember ? { [me]: r.reactionCount } : {},
    last_read: r.isMember && r.lastReadAt !== "" ? { [me]: isoDate(r.lastReadAt) } : {},
  };
  if (r.pinnedMessage !== "") out["pinned_message_id"] = r.pinnedMessage;
  if (favorites) out["is_favorites"] = true;
  if (r.lastMessage) {
    out["last_activity"] = isoDate(r.lastMessage.created);
    out["last_message"] = {
      content: r.lastMessage.preview,
      sender_username: r.lastMessage.senderName,
      created_at: isoDate(r.lastMessage.created),
      type: r.lastMessage.type,
    };
  }
  if (godMode) out["isGodMode"] = !r.isMember;
  return out;
}

/** A direct conversation as /dm/* returns it: the id is the sorted pair `<a>:<b>`. */
export function legacyDm(r: RoomFacts, dmKey: string, me: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: dmKey,
    participants: dmKey.split(":"),
    created_at: isoDate(r.created),
    unread_count: { [me]: r.unreadCount },
    last_read: r.lastReadAt !== "" ? { [me]: isoDate(r.lastReadAt) } : {},
  };
  if (r.lastMessage) {
    out["last_activity"] = isoDate(r.lastMessage.created);
    out["last_message"] = {
      content: r.lastMessage.preview,
      sender_id: r.lastMessage.senderId,
      sender_username: r.lastMessage.senderName,
      created_at: isoDate(r.lastMessage.created),
      type: r.lastMessage.type,
    };
  }
  return out;
}

/** True for ids of the `<a>:<b>` DM form (PocketBase ids never contain a colon). */
export function isDmId(id: string): boolean {
  return /^[a-z0-9]+:[a-z0-9]+$/.test(id);
}

export interface MessageFacts {
  id: string;
  roomId: string;
  authorId: string;
  authorUsername: string;
  authorDisplayName: string;
  authorAvatar: string;
  content: string;
  type: string;
  replyTo: string;
  created: string;
  editedAt: string;
  deletedAt: string;
  reactions: { emoji: string; user: string }[];
  mentions: string[];
}

export function legacyMessage(m: MessageFacts): Record<string, unknown> {
  const reactions: Record<string, string[]> = {};
  for (const r of m.reactions) (reactions[r.emoji] ??= []).push(r.user);
  const out: Record<string, unknown> = {
    id: m.id,
    room_id: m.roomId,
    sender_id: m.authorId,
    sender_username: m.authorUsername,
    content: m.content,
    type: m.type,
    created_at: isoDate(m.created),
    reactions,
  };
  if (m.authorDisplayName !== "") out["sender_display_name"] = m.authorDisplayName;
  if (m.authorAvatar !== "") out["sender_avatar"] = m.authorAvatar;
  if (m.replyTo !== "") out["reply_to"] = m.replyTo;
  if (m.mentions.length > 0) out["mentions"] = m.mentions;
  if (m.editedAt !== "") {
    out["edited"] = true;
    out["edited_at"] = isoDate(m.editedAt);
    out["updated_at"] = isoDate(m.editedAt);
  }
  if (m.deletedAt !== "") {
    out["deleted"] = true;
    out["deleted_at"] = isoDate(m.deletedAt);
  }
  return out;
}

/** The `?limit=` of GET /messages: default 100, at most 500 (the original had no cap). */
export function legacyLimit(raw: string): number {
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) return 100;
  return Math.min(n, 500);
}

/** Legacy message types; anything else is stored as text. */
export function legacyMessageType(raw: unknown): string {
  return raw === "voice" || raw === "video" || raw === "poll" || raw === "audio" ? raw : "text";
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The legacy key of a friend request: `friend_request:<from>:<to>`. */
export function friendRequestKey(from: string, to: string): string {
  return `friend_request:${from}:${to}`;
}

/** `{from, to}` of a legacy request key, or null when it is not one. */
export function parseFriendRequestKey(key: string): { from: string; to: string } | null {
  const match = /^friend_request:([a-z0-9]+):([a-z0-9]+)$/.exec(key);
  return match ? { from: match[1]!, to: match[2]! } : null;
}

export interface NotificationFacts {
  id: string;
  recipient: string;
  type: string;
  actorId: string;
  actorName: string;
  roomId: string;
  roomName: string;
  messageId: string;
  readAt: string;
  created: string;
  data: Record<string, unknown>;
}

/** The text the original stored with each notification, built from who did what. */
function notificationText(n: NotificationFacts): string {
  switch (n.type) {
    case "friend_request":
      return `${n.actorName} хочет добавить вас в друзья`;
    case "friend_accepted":
      return `${n.actorName} принял ваш запрос в друзья`;
    case "mention":
      return `${n.actorName} упомянул вас${n.roomName === "" ? "" : ` в ${n.roomName}`}`;
    case "reaction":
      return `${n.actorName} отреагировал на ваше сообщение`;
    case "achievement":
      return "Новое достижение!";
    default:
      return "";
  }
}

/** Notifications are camelCase in the legacy API (unlike everything else, spec §1.7). */
export function legacyNotification(n: NotificationFacts): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: n.id,
    userId: n.recipient,
    type: n.type,
    read: n.readAt !== "",
    createdAt: isoDate(n.created),
    content: notificationText(n),
  };
  if (n.actorId !== "") {
    out["fromUserId"] = n.actorId;
    out["fromUsername"] = n.actorName;
    // the app's friend-request popup reads `from_user_id` (spec B7); without it, it asked for
    // GET /users/undefined and never showed
    out["from_user_id"] = n.actorId;
  }
  if (n.roomId !== "") {
    out["roomId"] = n.roomId;
    out["roomName"] = n.roomName;
  }
  if (n.messageId !== "") out["messageId"] = n.messageId;
  if (n.type === "friend_request" && n.actorId !== "") {
    out["actionData"] = { requestKey: friendRequestKey(n.actorId, n.recipient) };
  } else if (Object.keys(n.data).length > 0) {
    out["actionData"] = n.data;
  }
  return out;
}

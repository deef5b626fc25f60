// The shape of a room in the room list: shared by the server (which builds it) and the typed
// client (which receives it), so the two cannot drift apart.
import type { MemberRole, RoomType } from "./rooms.ts";

export interface LastMessagePreview {
  id: string;
  type: string;
  author: string;
  /** First 100 characters of the content ("" when deleted). */
  preview: string;
  created: string;
  deleted: boolean;
}

/** A room as the caller's room list shows it: their view, the last message, derived counters. */
export interface RoomSummary {
  id: string;
  name: string;
  type: RoomType;
  /** "jail" for the jail room, "" otherwise. */
  system: string;
  createdBy: string;
  pinnedMessage: string;
  /** Bumped whenever a member leaves or is removed: clients rotate the room key. */
  keyVersion: number;
  created: string;
  updated: string;
  /** The caller's role in the room, "" when not a member (public rooms offered to join). */
  memberRole: MemberRole | "";
  isMember: boolean;
  lastReadAt: string;
  memberCount: number;
  /** DMs: the other participant's id. */
  otherUser: string;
  lastMessage: LastMessagePreview | null;
  unreadCount: number;
  mentionCount: number;
  reactionCount: number;
}

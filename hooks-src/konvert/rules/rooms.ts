// Who may do what with a room. Pure decisions: the JSVM shell loads the records and asks here.
import { isRecordId } from "./fields.ts";
import type { Role } from "./roles.ts";

export const ROOM_NAME_MAX = 100;
/** Members a room can be created with in one request. */
export const INITIAL_MEMBERS_MAX = 100;

export type RoomType = "public" | "private" | "dm" | "favorites";
export type MemberRole = "owner" | "admin" | "member";

/** What the rules need to know about a room. */
export interface RoomFacts {
  type: RoomType;
  /** "jail" for the single jail room, "" otherwise. */
  system: string;
}

/** Fields a client may send when creating a room; the rest are set by the server. */
export const ROOM_CREATE_FIELDS: readonly string[] = ["name", "type", "memberIds"];

/** Returns a message a frontend can show, or null when the caller may create this room. */
export function roomCreateProblem(name: unknown, type: unknown, callerRole: Role): string | null {
  if (type !== "public" && type !== "private") {
    return "Room type must be 'public' or 'private'; direct messages and favorites have their own actions.";
  }
  if (type === "public" && callerRole !== "admin") return "Only admins can create public rooms.";
  if (typeof name !== "string" || name.trim().length === 0) return "Room name is required.";
  if (name.trim().length > ROOM_NAME_MAX) {
    return `Room name must be at most ${ROOM_NAME_MAX} characters long.`;
  }
  return null;
}

/** Validates `memberIds` of a create request: a list of distinct user ids other than the creator. */
export function initialMembersProblem(memberIds: unknown): string | null {
  if (memberIds === undefined) return null;
  if (!Array.isArray(memberIds) || memberIds.some((id) => !isRecordId(id))) {
    return "Members must be given as a list of user ids.";
  }
  if (memberIds.length > INITIAL_MEMBERS_MAX) {
    return `A room can be created with at most ${INITIAL_MEMBERS_MAX} invited members.`;
  }
  return null;
}

/** Rooms that belong to one or two people, or to moderation, take no invitations and no joins. */
export function isSharedRoom(room: RoomFacts): boolean {
  return (room.type === "public" || room.type === "private") && room.system === "";
}

export function joinProblem(room: RoomFacts): string | null {
  if (room.type !== "public" || room.system !== "") {
    return "Only public rooms can be joined; private rooms need an invitation from a member.";
  }
  return null;
}

export function inviteProblem(room: RoomFacts, callerId: string, targetId: string): string | null {
  if (!isSharedRoom(room)) return "Nobody can be invited into this room.";
  if (callerId === targetId) return "You cannot invite yourself.";
  return null;
}

export function leaveProblem(room: RoomFacts): string | null {
  if (room.type === "favorites") return "Favorites cannot be left.";
  if (room.type === "dm") return "Hide a direct conversation instead of leaving it.";
  if (room.system === "jail") return "The jail room cannot be left while banned.";
  return null;
}

/** Global staff act on any room; the owner acts on their own. */
export function isStaff(role: Role): boolean {
  return role === "admin" || role === "moderator";
}

export function deleteProblem(
  room: RoomFacts,
  callerRole: Role,
  memberRole: MemberRole | null,
): string | null {
  if (!isSharedRoom(room)) return "This room cannot be deleted.";
  if (memberRole === "owner" || isStaff(callerRole)) return null;
  return "Only the room owner, moderators and admins can delete a room.";
}

export function pinProblem(callerRole: Role, memberRole: MemberRole | null): string | null {
  if (isStaff(callerRole)) return null;
  if (memberRole === null) return "Only members can pin messages in this room.";
  if (callerRole === "vip" || memberRole === "owner") return null;
  return "Only the room owner, VIPs, moderators and admins can pin messages.";
}

/** Removing someone else: staff anywhere; the owner or a room admin for plain members. */
export function removeProblem(
  callerRole: Role,
  callerMemberRole: MemberRole | null,
  targetMemberRole: MemberRole,
): string | null {
  if (targetMemberRole === "owner") return "The room owner cannot be removed.";
  if (isStaff(callerRole)) return null;
  if (callerMemberRole === "owner") return null;
  if (callerMemberRole === "admin" && targetMemberRole === "member") return null;
  return "Only the room owner, room admins, moderators and admins can remove members.";
}

/** Who stores wrapped room keys for members: the owner and global staff. */
export function keyManagerProblem(callerRole: Role, memberRole: MemberRole | null): string | null {
  if (isStaff(callerRole) || memberRole === "owner") return null;
  return "Only the room owner, moderators and admins can distribute room keys.";
}

export interface Successor {
  userId: string;
  role: MemberRole;
  /** Membership creation time, sortable text. */
  joined: string;
}

/** When the owner leaves: the longest-standing room admin, else the longest-standing member. */
export function nextOwner(remaining: readonly Successor[]): Successor | null {
  const byAge = [...remaining].sort((a, b) => a.joined.localeCompare(b.joined));
  return byAge.find((m) => m.role === "admin") ?? byAge[0] ?? null;
}

/** The key of the one DM room two users share, whatever order they are given in. */
export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

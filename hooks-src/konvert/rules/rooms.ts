// Who may do what with a room. Pure decisions: the JSVM shell loads the records and asks here.
import { problem, type Problem } from "./error-codes.ts";
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

/** Why the caller may not create this room, or null. */
export function roomCreateProblem(name: unknown, type: unknown, callerRole: Role): Problem | null {
  if (type !== "public" && type !== "private") return problem("room.create.type");
  if (type === "public" && callerRole !== "admin") return problem("room.create.public_admin_only");
  if (typeof name !== "string" || name.trim().length === 0) return problem("room.name.required");
  if (name.trim().length > ROOM_NAME_MAX) {
    return problem(
      "room.name.too_long",
      `Room name must be at most ${ROOM_NAME_MAX} characters long.`,
    );
  }
  return null;
}

/** Validates `memberIds` of a create request: a list of distinct user ids other than the creator. */
export function initialMembersProblem(memberIds: unknown): Problem | null {
  if (memberIds === undefined) return null;
  if (!Array.isArray(memberIds) || memberIds.some((id) => !isRecordId(id))) {
    return problem("room.members.invalid");
  }
  if (memberIds.length > INITIAL_MEMBERS_MAX) {
    return problem(
      "room.members.invalid",
      `A room can be created with at most ${INITIAL_MEMBERS_MAX} invited members.`,
    );
  }
  return null;
}

/** Rooms that belong to one or two people, or to moderation, take no invitations and no joins. */
export function isSharedRoom(room: RoomFacts): boolean {
  return (room.type === "public" || room.type === "private") && room.system === "";
}

export function joinProblem(room: RoomFacts): Problem | null {
  return room.type !== "public" || room.system !== "" ? problem("room.join.private") : null;
}

export function inviteProblem(room: RoomFacts, callerId: string, targetId: string): Problem | null {
  if (!isSharedRoom(room)) return problem("room.invite.not_shared");
  if (callerId === targetId) return problem("room.invite.self");
  return null;
}

export function leaveProblem(room: RoomFacts): Problem | null {
  if (room.type === "favorites") return problem("room.leave.favorites");
  if (room.type === "dm") return problem("room.leave.dm");
  if (room.system === "jail") return problem("room.leave.jail");
  return null;
}

/** Global staff act on any room; the owner acts on their own. */
export function isStaff(role: Role): boolean {
  return role === "admin" || role === "moderator";
}

export function pinProblem(callerRole: Role, memberRole: MemberRole | null): Problem | null {
  if (isStaff(callerRole)) return null;
  if (memberRole === null) return problem("room.pin.not_member");
  if (callerRole === "vip" || memberRole === "owner") return null;
  return problem("room.pin.forbidden");
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

// Who may create which kind of room, and what a new room's name must look like.
import type { Role } from "./roles.ts";

export const ROOM_NAME_MAX = 100;

/** Room types a client may create through the generic create endpoint. */
export type CreatableRoomType = "public" | "private";

/** Fields a client may send when creating a room; the rest are set by the server. */
export const ROOM_CREATE_FIELDS: readonly string[] = ["name", "type"];

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

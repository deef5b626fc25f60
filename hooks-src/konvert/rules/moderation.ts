// Who may moderate whom, and for how long. Rights come from roles only (never from a username),
// so the rooms code can reuse the same matrix for its own moderator actions.
import { problem, type Problem } from "./error-codes.ts";
import { ROLES, type Role } from "./roles.ts";

export type ModerationAction = "ban" | "unban" | "mute" | "unmute" | "role";

export const BAN_HOURS_MAX = 8760; // a year; longer means "permanent"
export const MUTE_HOURS_MIN = 1;
export const MUTE_HOURS_MAX = 720;
/** A permanent ban is stored as this far-future date so every check stays a plain time compare. */
export const PERMANENT_UNTIL = "9999-12-31 23:59:59.000Z";
export const REASON_MAX = 500;

/**
 * The capability matrix (spec §4.1, with the original's username exception replaced by roles):
 * admins may do everything except ban VIPs; moderators may ban, unban, mute and unmute anyone
 * below admin (VIPs cannot be banned, only muted); nobody may moderate themselves; only admins
 * change roles, themselves included (the last-admin guard lives with the data).
 * Returns the refusal, or null when allowed.
 */
export function moderationProblem(
  actorRole: Role,
  targetRole: Role,
  action: ModerationAction,
  self: boolean,
): Problem | null {
  if (action === "role") return actorRole === "admin" ? null : problem("moderation.admin_only");
  if (actorRole !== "admin" && actorRole !== "moderator") {
    return problem("moderation.staff_only");
  }
  if (self) return problem("moderation.self");
  if (actorRole === "moderator" && targetRole === "admin") {
    return problem("moderation.admin_target");
  }
  if (action === "ban" && targetRole === "vip") return problem("moderation.vip");
  return null;
}

export function canModerate(
  actorRole: Role,
  targetRole: Role,
  action: ModerationAction,
  self = false,
): boolean {
  return moderationProblem(actorRole, targetRole, action, self) === null;
}

/** Parses a role sent by a client; null when it is not one of the four. */
export function parseRole(value: unknown): Role | null {
  return (ROLES as readonly unknown[]).includes(value) ? (value as Role) : null;
}

type Parsed<T> = { value: T; problem: null } | { value: null; problem: string };

function wholeHours(value: unknown, min: number, max: number, what: string): Parsed<number> {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return {
      value: null,
      problem: `${what} must be a whole number of hours from ${min} to ${max}.`,
    };
  }
  return { value, problem: null };
}

/**
 * Ban length: absent means permanent, else 1..BAN_HOURS_MAX. `null` is refused: a client that
 * meant a length and sent nothing usable must not ban for ever (the legacy route keeps the
 * original's "no hours = permanent" by leaving the field out).
 */
export function parseBanHours(value: unknown): Parsed<number | "permanent"> {
  if (value === undefined) return { value: "permanent", problem: null };
  return wholeHours(value, 1, BAN_HOURS_MAX, "Ban duration");
}

export function parseMuteHours(value: unknown): Parsed<number> {
  return wholeHours(value, MUTE_HOURS_MIN, MUTE_HOURS_MAX, "Mute duration");
}

export function parseReason(value: unknown): Parsed<string> {
  if (value === undefined || value === null) return { value: "", problem: null };
  if (typeof value !== "string") return { value: null, problem: "Reason must be text." };
  const reason = value.trim();
  if (reason.length > REASON_MAX) {
    return { value: null, problem: `Reason must be at most ${REASON_MAX} characters long.` };
  }
  return { value: reason, problem: null };
}

/** The `…Until` value to store for a duration starting at `nowMs`. */
export function untilFrom(nowMs: number, hours: number | "permanent"): string {
  if (hours === "permanent") return PERMANENT_UNTIL;
  return new Date(nowMs + hours * 3_600_000).toISOString().replace("T", " ");
}

/** True when a stored `…Until` value (PocketBase date string, '' when unset) is in the future. */
export function isActiveAt(until: string, nowMs: number): boolean {
  if (until === "") return false;
  const ms = Date.parse(until.replace(" ", "T"));
  return Number.isFinite(ms) && ms > nowMs;
}

/** Removing the last admin would leave nobody able to change roles. */
export function lastAdminProblem(
  currentRole: Role,
  newRole: Role | "deleted",
  admins: number,
): Problem | null {
  if (currentRole !== "admin" || newRole === "admin" || admins > 1) return null;
  return problem(newRole === "deleted" ? "account.delete.last_admin" : "moderation.last_admin");
}

// R15–R19, R33: roles, bans and mutes over the legacy API: adapters over the moderation actions
// (capability matrix, timed bans with the jail room, the moderation log) in jsvm/moderation.ts.
import { roleOf } from "../jsvm/access.ts";
import * as account from "../jsvm/account.ts";
import * as moderation from "../jsvm/moderation.ts";
import { handle, legacy, legacyBody, legacyCaller, legacyField } from "./http.ts";
import { otherUser } from "./user-shape.ts";

type Action = (app: CoreApp, caller: core.Record) => core.Record;

/** Runs a moderation action for the caller and answers with the target in the legacy shape. */
function moderate(e: core.RequestEvent, action: Action): void {
  const me = legacyCaller(e);
  const target = action(e.app, me);
  e.json(200, otherUser(e, me, target));
}

const userIdOf = (e: core.RequestEvent) => e.request!.pathValue("userId");

/** The original banned for ever when `hours` was falsy; any other non-number is refused. */
function hoursOf(e: core.RequestEvent): number | undefined {
  const hours = legacyBody(e)["hours"];
  if (hours === undefined || hours === null || hours === 0) return undefined;
  if (typeof hours !== "number") {
    return legacyField("hours", "Ban duration must be a whole number of hours.");
  }
  return hours;
}

/** POST /users/{userId}/ban {hours?} -> the user (bare) */
export function ban(e: core.RequestEvent): void {
  handle(e, () => {
    const input = { id: userIdOf(e), hours: hoursOf(e) };
    moderate(e, (app, me) => moderation.banUser(app, me, input));
  });
}

/** POST /users/{userId}/unban -> the user */
export function unban(e: core.RequestEvent): void {
  handle(e, () => moderate(e, (app, me) => moderation.unbanUser(app, me, userIdOf(e))));
}

/** POST /users/{userId}/mute {hours} -> the user; hours are clamped to 1..24 as before. */
export function mute(e: core.RequestEvent): void {
  handle(e, () => {
    const hours = legacyBody(e)["hours"];
    const clamped = typeof hours === "number" ? Math.min(24, Math.max(1, Math.round(hours))) : 24;
    const input = { id: userIdOf(e), hours: clamped };
    moderate(e, (app, me) => moderation.muteUser(app, me, input));
  });
}

/** POST /users/{userId}/unmute -> the user */
export function unmute(e: core.RequestEvent): void {
  handle(e, () => moderate(e, (app, me) => moderation.unmuteUser(app, me, userIdOf(e))));
}

/** PUT /users/{userId}/role {role} -> the user; admins only. */
export function changeRole(e: core.RequestEvent): void {
  handle(e, () => {
    const input = { id: userIdOf(e), role: legacyBody(e)["role"] };
    moderate(e, (app, me) => moderation.setRole(app, me, input));
  });
}

/** POST /admin/cleanup-azkaban: one jail room exists by construction, so nothing to merge. */
export function cleanupAzkaban(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    if (roleOf(me) !== "admin") legacy(403, "Только администратор может выполнять очистку");
    e.json(200, { message: "Нет дублирующих комнат" });
  });
}

/**
 * DELETE /users/{userId} and DELETE /users/{userId}/permanent -> {success:true}: both run the
 * account deletion action (admins only; the last admin cannot go), which also ends sessions.
 */
export function deleteUser(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    account.deleteUserByAdmin(e.app, me, userIdOf(e));
    e.json(200, { success: true });
  });
}

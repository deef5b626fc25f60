// R15–R19, R33: roles, bans and mutes over the legacy API, through the backend's moderation
// routes (capability matrix, timed bans with the jail room, the moderation log).
import { isStaff } from "../rules/rooms.ts";
import { roleOf } from "../jsvm/access.ts";
import * as account from "../jsvm/account.ts";
import * as moderation from "../jsvm/moderation.ts";
import { handle, invoke, legacy, legacyBody, legacyCaller, legacyField } from "./http.ts";
import { otherUser } from "./user-shape.ts";

/**
 * Runs a moderation handler. They answer through PocketBase's record enrichment, which needs the
 * real request event; the change is committed by then, so that last step is left to us.
 */
function moderate(
  e: core.RequestEvent,
  handler: (e: core.RequestEvent) => void,
  body: Record<string, unknown>,
): void {
  const me = legacyCaller(e);
  if (!isStaff(roleOf(me))) legacy(400, "Недостаточно прав");
  const id = e.request!.pathValue("userId");
  try {
    invoke(e, handler, { caller: me, params: { id }, body });
  } catch (err) {
    if (
      !/enrich|convert|RequestEvent/i.test(String((err as { message?: unknown }).message ?? err))
    ) {
      throw err;
    }
  }
  e.json(200, otherUser(e, me, e.app.findRecordById("users", id)));
}

/** The original banned for ever when `hours` was falsy; any other non-number is refused. */
function hoursOf(e: core.RequestEvent): Record<string, unknown> {
  const hours = legacyBody(e)["hours"];
  if (hours === undefined || hours === null || hours === 0) return {};
  if (typeof hours !== "number") {
    return legacyField("hours", "Ban duration must be a whole number of hours.");
  }
  return { hours };
}

/** POST /users/{userId}/ban {hours?} -> the user (bare) */
export function ban(e: core.RequestEvent): void {
  handle(e, () => moderate(e, moderation.ban, hoursOf(e)));
}

/** POST /users/{userId}/unban -> the user */
export function unban(e: core.RequestEvent): void {
  handle(e, () => moderate(e, moderation.unban, {}));
}

/** POST /users/{userId}/mute {hours} -> the user; hours are clamped to 1..24 as before. */
export function mute(e: core.RequestEvent): void {
  handle(e, () => {
    const hours = legacyBody(e)["hours"];
    const clamped = typeof hours === "number" ? Math.min(24, Math.max(1, Math.round(hours))) : 24;
    moderate(e, moderation.mute, { hours: clamped });
  });
}

/** POST /users/{userId}/unmute -> the user */
export function unmute(e: core.RequestEvent): void {
  handle(e, () => moderate(e, moderation.unmute, {}));
}

/** PUT /users/{userId}/role {role} -> the user; admins only. */
export function changeRole(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    if (roleOf(me) !== "admin") legacy(400, "Только администратор может менять роли");
    moderate(e, moderation.changeRole, { role: legacyBody(e)["role"] });
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
 * backend's account deletion (admins only; the last admin cannot go), which also ends sessions.
 */
export function deleteUser(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("userId");
    invoke(e, account.deleteByAdmin, { caller: me, params: { id } });
    e.json(200, { success: true });
  });
}

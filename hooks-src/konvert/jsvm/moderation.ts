// Ban, mute and role changes: one action each, `(app, caller, input) → the target user`. Each
// re-reads both users inside its transaction (a role or ban may have changed since the request
// began), asks the pure capability matrix (rules/moderation.ts), writes the target and appends
// to the log. The typed routes below and the legacy routes (compat/moderation.ts) call them.
import type { ErrorCode } from "../rules/error-codes.ts";
import {
  isActiveAt,
  lastAdminProblem,
  moderationProblem,
  parseBanHours,
  parseMuteHours,
  parseReason,
  parseRole,
  untilFrom,
  type ModerationAction,
} from "../rules/moderation.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { callerOf, findActiveUser, findMembership, isBanned, roleOf } from "./access.ts";
import { nowMs } from "./clock.ts";
import { logModeration } from "./moderation-log.ts";
import { allowOnly, userResponse } from "./people.ts";

interface Step {
  actor: core.Record;
  target: core.Record;
  tx: CoreApp;
}

/** Loads actor and target in the transaction, refuses what the matrix forbids, then writes. */
function moderate(
  app: CoreApp,
  caller: core.Record,
  targetId: string,
  action: ModerationAction,
  write: (step: Step) => void,
): core.Record {
  let result: core.Record | null = null;
  app.runInTransaction((tx) => {
    const actor = tx.findRecordById("users", caller.id);
    const target = findActiveUser(tx, targetId);
    if (isBanned(actor)) fail("moderation.banned");
    refuseIf(moderationProblem(roleOf(actor), roleOf(target), action, actor.id === target.id));
    write({ actor, target, tx });
    result = target;
  });
  return result!;
}

function parsed<T>(
  code: ErrorCode,
  p: { value: T; problem: null } | { value: null; problem: string },
): T {
  if (p.problem !== null) return fail(code, p.problem);
  return p.value;
}

function jailOf(tx: CoreApp): core.Record {
  return tx.findFirstRecordByFilter("rooms", "system = 'jail'");
}

export interface BanInput {
  id: string;
  /** Absent means permanent; otherwise whole hours. */
  hours?: unknown;
  reason?: unknown;
}

/** The ban action: the target is confined to the jail room until the ban ends. */
export function banUser(app: CoreApp, caller: core.Record, input: BanInput): core.Record {
  const hours = parsed("moderation.hours.invalid", parseBanHours(input.hours));
  const reason = parsed("moderation.reason.invalid", parseReason(input.reason));
  return moderate(app, caller, input.id, "ban", ({ actor, target, tx }) => {
    const until = untilFrom(nowMs(), hours);
    target.set("bannedUntil", until);
    target.set("banReason", reason);
    tx.save(target);
    // Confinement is the rooms code's job; it needs the jail membership to exist. Other
    // memberships stay, so an unban gives the user their rooms back.
    const jail = jailOf(tx);
    if (!findMembership(tx, jail.id, target.id)) {
      const member = new Record(tx.findCachedCollectionByNameOrId("room_members"));
      member.set("room", jail.id);
      member.set("user", target.id);
      member.set("role", "member");
      tx.save(member);
    }
    logModeration(tx, { actor: actor.id, target: target.id, action: "ban", reason, until });
  });
}

/** The unban action. */
export function unbanUser(app: CoreApp, caller: core.Record, id: string): core.Record {
  return moderate(app, caller, id, "unban", ({ actor, target, tx }) => {
    if (!isActiveAt(target.getString("bannedUntil"), nowMs())) fail("moderation.not_banned");
    target.set("bannedUntil", "");
    target.set("banReason", "");
    tx.save(target);
    const membership = findMembership(tx, jailOf(tx).id, target.id);
    if (membership) tx.delete(membership);
    logModeration(tx, { actor: actor.id, target: target.id, action: "unban" });
  });
}

/** The mute action: the target writes nowhere for `hours`. */
export function muteUser(
  app: CoreApp,
  caller: core.Record,
  input: { id: string; hours: unknown; reason?: unknown },
): core.Record {
  const hours = parsed("moderation.hours.invalid", parseMuteHours(input.hours));
  const reason = parsed("moderation.reason.invalid", parseReason(input.reason));
  return moderate(app, caller, input.id, "mute", ({ actor, target, tx }) => {
    const until = untilFrom(nowMs(), hours);
    target.set("mutedUntil", until);
    tx.save(target);
    logModeration(tx, { actor: actor.id, target: target.id, action: "mute", reason, until });
  });
}

/** The unmute action. */
export function unmuteUser(app: CoreApp, caller: core.Record, id: string): core.Record {
  return moderate(app, caller, id, "unmute", ({ actor, target, tx }) => {
    if (!isActiveAt(target.getString("mutedUntil"), nowMs())) fail("moderation.not_muted");
    target.set("mutedUntil", "");
    tx.save(target);
    logModeration(tx, { actor: actor.id, target: target.id, action: "unmute" });
  });
}

/** The change-role action: admins only; the last admin stays an admin. */
export function setRole(
  app: CoreApp,
  caller: core.Record,
  input: { id: string; role: unknown },
): core.Record {
  const role = parseRole(input.role);
  if (role === null) return fail("moderation.role.invalid");
  return moderate(app, caller, input.id, "role", ({ actor, target, tx }) => {
    const from = roleOf(target);
    if (from === role) return;
    const admins = tx.countRecords("users", $dbx.hashExp({ role: "admin", deletedAt: "" }));
    refuseIf(lastAdminProblem(from, role, admins));
    target.set("role", role);
    tx.save(target);
    logModeration(tx, {
      actor: actor.id,
      target: target.id,
      action: "role_change",
      data: { from, to: role },
    });
  });
}

function bodyOnly(e: core.RequestEvent, allowed: readonly string[]): Record<string, unknown> {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, allowed);
  return body;
}

const idOf = (e: core.RequestEvent) => e.request!.pathValue("id");

/** POST /api/konvert/users/{id}/ban {hours?, reason?} — no hours means permanent. */
export function ban(e: core.RequestEvent): void {
  const body = bodyOnly(e, ["hours", "reason"]);
  const input = { id: idOf(e), hours: body["hours"], reason: body["reason"] };
  userResponse(e, banUser(e.app, callerOf(e), input));
}

/** POST /api/konvert/users/{id}/unban */
export function unban(e: core.RequestEvent): void {
  bodyOnly(e, []);
  userResponse(e, unbanUser(e.app, callerOf(e), idOf(e)));
}

/** POST /api/konvert/users/{id}/mute {hours, reason?} */
export function mute(e: core.RequestEvent): void {
  const body = bodyOnly(e, ["hours", "reason"]);
  const input = { id: idOf(e), hours: body["hours"], reason: body["reason"] };
  userResponse(e, muteUser(e.app, callerOf(e), input));
}

/** POST /api/konvert/users/{id}/unmute */
export function unmute(e: core.RequestEvent): void {
  bodyOnly(e, []);
  userResponse(e, unmuteUser(e.app, callerOf(e), idOf(e)));
}

/** POST /api/konvert/users/{id}/role {role} */
export function changeRole(e: core.RequestEvent): void {
  const body = bodyOnly(e, ["role"]);
  userResponse(e, setRole(e.app, callerOf(e), { id: idOf(e), role: body["role"] }));
}

// Ban, mute and role changes. Each one re-reads both users inside its transaction (a role or ban
// may have changed since the request began), writes the target, and appends to the log.
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
import { callerOf, findMembership, isBanned, roleOf } from "./access.ts";
import { nowMs } from "./clock.ts";
import { badRequest, forbidden } from "./errors.ts";
import { logModeration } from "./moderation-log.ts";
import { allowOnly, targetOf, userResponse } from "./people.ts";

interface Step {
  actor: core.Record;
  target: core.Record;
  tx: CoreApp;
}

/** Loads actor and target in the transaction and refuses what the capability matrix forbids. */
function moderate(e: core.RequestEvent, action: ModerationAction, write: (step: Step) => void) {
  const callerId = callerOf(e).id;
  let result: core.Record | null = null;
  e.app.runInTransaction((tx) => {
    const actor = tx.findRecordById("users", callerId);
    const target = targetOf(e, tx);
    if (isBanned(actor)) forbidden("While banned you cannot moderate.");
    const problem = moderationProblem(
      roleOf(actor),
      roleOf(target),
      action,
      actor.id === target.id,
    );
    if (problem) forbidden(problem);
    write({ actor, target, tx });
    result = target;
  });
  userResponse(e, result!);
}

function jailOf(tx: CoreApp): core.Record {
  return tx.findFirstRecordByFilter("rooms", "system = 'jail'");
}

/** POST /api/konvert/users/{id}/ban {hours?, reason?} — no hours means permanent. */
export function ban(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, ["hours", "reason"]);
  const hours = parseBanHours(body["hours"]);
  if (hours.problem !== null) return badRequest("hours", hours.problem);
  const reason = parseReason(body["reason"]);
  if (reason.problem !== null) return badRequest("reason", reason.problem);

  moderate(e, "ban", ({ actor, target, tx }) => {
    const until = untilFrom(nowMs(), hours.value);
    target.set("bannedUntil", until);
    target.set("banReason", reason.value);
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
    logModeration(tx, {
      actor: actor.id,
      target: target.id,
      action: "ban",
      reason: reason.value,
      until,
    });
  });
}

/** POST /api/konvert/users/{id}/unban */
export function unban(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  allowOnly(e.requestInfo().body, []);
  moderate(e, "unban", ({ actor, target, tx }) => {
    if (!isActiveAt(target.getString("bannedUntil"), nowMs())) {
      badRequest("id", "This user is not banned.");
    }
    target.set("bannedUntil", "");
    target.set("banReason", "");
    tx.save(target);
    const membership = findMembership(tx, jailOf(tx).id, target.id);
    if (membership) tx.delete(membership);
    logModeration(tx, { actor: actor.id, target: target.id, action: "unban" });
  });
}

/** POST /api/konvert/users/{id}/mute {hours, reason?} */
export function mute(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, ["hours", "reason"]);
  const hours = parseMuteHours(body["hours"]);
  if (hours.problem !== null) return badRequest("hours", hours.problem);
  const reason = parseReason(body["reason"]);
  if (reason.problem !== null) return badRequest("reason", reason.problem);

  moderate(e, "mute", ({ actor, target, tx }) => {
    const until = untilFrom(nowMs(), hours.value);
    target.set("mutedUntil", until);
    tx.save(target);
    logModeration(tx, {
      actor: actor.id,
      target: target.id,
      action: "mute",
      reason: reason.value,
      until,
    });
  });
}

/** POST /api/konvert/users/{id}/unmute */
export function unmute(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  allowOnly(e.requestInfo().body, []);
  moderate(e, "unmute", ({ actor, target, tx }) => {
    if (!isActiveAt(target.getString("mutedUntil"), nowMs())) {
      badRequest("id", "This user is not muted.");
    }
    target.set("mutedUntil", "");
    tx.save(target);
    logModeration(tx, { actor: actor.id, target: target.id, action: "unmute" });
  });
}

/** POST /api/konvert/users/{id}/role {role} — admins only; the last admin stays an admin. */
export function changeRole(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, ["role"]);
  const role = parseRole(body["role"]);
  if (role === null) return badRequest("role", "Role must be one of: user, vip, moderator, admin.");

  moderate(e, "role", ({ actor, target, tx }) => {
    const from = roleOf(target);
    if (from === role) return;
    const admins = tx.countRecords("users", $dbx.hashExp({ role: "admin", deletedAt: "" }));
    const problem = lastAdminProblem(from, role, admins);
    if (problem) badRequest("role", problem);
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

// Account security and lifecycle: password and e-mail changes, deletion, data export.
import { lastAdminProblem } from "../rules/moderation.ts";
import { passwordCheck } from "../rules/signup.ts";
import { callerOf, findActiveUser, roleOf } from "./access.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { MEMBERSHIP_OWNER_FIELDS } from "./member-privacy.ts";
import { logModeration } from "./moderation-log.ts";
import { realNowDate } from "./clock.ts";
import { publishTombstones, tombstone } from "./tombstone.ts";
import { allowOnly, userResponse } from "./people.ts";

function bodyOf(e: core.RequestEvent, allowed: readonly string[]): Record<string, unknown> {
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, allowed);
  return body;
}

/** The caller, freshly loaded, after checking the password they typed. */
function confirmedCaller(e: core.RequestEvent, password: unknown, field: string): core.Record {
  const user = e.app.findRecordById("users", callerOf(e).id);
  if (typeof password !== "string" || !user.validatePassword(password)) {
    fail("account.password.incorrect", undefined, field);
  }
  return user;
}

/**
 * POST /api/konvert/account/password {oldPassword, newPassword} — a new password rotates the
 * token key, so every other session ends; the answer carries a fresh token for this one.
 */
export function changePassword(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = bodyOf(e, ["oldPassword", "newPassword"]);
  const user = confirmedCaller(e, body["oldPassword"], "oldPassword");
  const problem = passwordCheck(body["newPassword"]);
  if (problem) return fail(problem.code, problem.message, "newPassword");
  user.setPassword(body["newPassword"] as string);
  e.app.save(user);
  $apis.recordAuthResponse(e, user, "password");
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** POST /api/konvert/account/email {newEmail, password} */
export function changeEmail(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = bodyOf(e, ["newEmail", "password"]);
  const user = confirmedCaller(e, body["password"], "password");
  const email = typeof body["newEmail"] === "string" ? body["newEmail"].trim() : "";
  if (!EMAIL_PATTERN.test(email) || email.length > 254) {
    return fail("account.email.invalid");
  }
  let taken: boolean;
  try {
    taken = e.app.findAuthRecordByEmail("users", email).id !== user.id;
  } catch {
    taken = false;
  }
  if (taken) return fail("account.email.taken");
  user.setEmail(email);
  user.setVerified(false);
  try {
    e.app.save(user); // the unique e-mail index settles a race with another account
  } catch {
    return fail("account.email.taken");
  }
  userResponse(e, user);
}

/** Erases a person while keeping the conversations they were part of readable. */
function erase(tx: CoreApp, user: core.Record): string[] {
  const id = user.id;
  const now = realNowDate(); // event stamps are real time (jsvm/clock.ts)
  // Messages stay as tombstones, the same as a deleted message leaves; the caller publishes the
  // ones written with SQL after the commit.
  const quiet = tombstone(tx, { author: id }, now);
  const owned: [string, string][] = [
    ["friendships", "userA = {:id} || userB = {:id}"],
    ["friend_requests", "from = {:id} || to = {:id}"],
    ["blocks", "blocker = {:id} || blocked = {:id}"],
    ["notifications", "recipient = {:id} || actor = {:id}"],
    ["room_members", "user = {:id}"],
    ["reactions", "user = {:id}"],
    ["poll_votes", "user = {:id}"],
    ["user_achievements", "user = {:id}"],
    ["user_stats", "user = {:id}"],
  ];
  for (const [collection, filter] of owned) {
    for (const row of tx.findRecordsByFilter(collection, filter, "", 0, 0, { id })) tx.delete(row!);
  }
  for (const external of tx.findAllExternalAuthsByRecord(user)) tx.delete(external!);

  // The username and e-mail are freed; the record stays so history can say "deleted user".
  user.set("username", `deleted_${id}`);
  user.setEmail(`deleted_${id}@deleted.invalid`);
  user.setVerified(false);
  user.setRandomPassword(); // also rotates the token key: every session ends now
  for (const field of [
    "displayName",
    "publicKey",
    "gender",
    "interests",
    "timezone",
    "banReason",
  ]) {
    user.set(field, "");
  }
  for (const field of ["lastActiveAt", "bannedUntil", "mutedUntil"]) user.set(field, "");
  user.set("avatar", null);
  user.set("age", 0);
  user.set("privacy", null);
  user.set("role", "user");
  user.set("status", "offline");
  user.set("deletedAt", now);
  tx.save(user);
  return quiet;
}

function deleteAccount(app: CoreApp, actor: string, targetId: string): void {
  let quiet: string[] = [];
  app.runInTransaction((tx) => {
    const user = tx.findRecordById("users", targetId);
    if (user.getString("deletedAt") !== "") fail("account.already_deleted");
    const admins = tx.countRecords("users", $dbx.hashExp({ role: "admin", deletedAt: "" }));
    refuseIf(lastAdminProblem(roleOf(user), "deleted", admins));
    const username = user.getString("username");
    quiet = erase(tx, user);
    logModeration(tx, { actor, target: user.id, action: "delete_user", data: { username } });
  });
  publishTombstones(app, quiet);
}

/** POST /api/konvert/account/delete {password} — the caller deletes their own account. */
export function deleteOwn(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  const body = bodyOf(e, ["password"]);
  const user = confirmedCaller(e, body["password"], "password");
  deleteAccount(e.app, user.id, user.id);
  e.json(200, { deleted: true });
}

/** The delete-account action of an admin: someone's account is erased (not the last admin's). */
export function deleteUserByAdmin(app: CoreApp, caller: core.Record, userId: string): void {
  if (roleOf(caller) !== "admin") fail("account.delete.admin_only");
  deleteAccount(app, caller.id, findActiveUser(app, userId).id);
}

/** DELETE /api/konvert/users/{id} */
export function deleteByAdmin(e: core.RequestEvent): void {
  deleteUserByAdmin(e.app, callerOf(e), e.request!.pathValue("id"));
  e.json(200, { deleted: true });
}

function exportAll(
  app: CoreApp,
  collection: string,
  filter: string,
  id: string,
  ownFields: string[] = [],
): unknown[] {
  return app
    .findRecordsByFilter(collection, filter, "created", 0, 0, { id })
    .map((row) => row!.unhide(...ownFields).publicExport());
}

/** GET /api/konvert/account/export — everything of the caller's, as one JSON document. */
export function exportData(e: core.RequestEvent): void {
  const user = e.app.findRecordById("users", callerOf(e).id);
  user.unhide(
    ...user
      .collection()
      .fields.fieldNames()
      .filter((f) => f !== "searchText" && f !== "tokenKey" && f !== "password"),
  );
  user.ignoreEmailVisibility(true);
  const id = user.id;
  const achievements = e.app
    .findRecordsByFilter("user_achievements", "user = {:id}", "created", 0, 0, { id })
    .map((row) => {
      const achievement = e.app.findRecordById("achievements", row!.getString("achievement"));
      return {
        ...row!.publicExport(),
        key: achievement.getString("key"),
        title: achievement.getString("title"),
      };
    });
  const document = {
    format: "konvert-export/1",
    exportedAt: realNowDate(),
    profile: user.publicExport(),
    messages: exportAll(e.app, "messages", "author = {:id}", id),
    reactions: exportAll(e.app, "reactions", "user = {:id}", id),
    pollVotes: exportAll(e.app, "poll_votes", "user = {:id}", id),
    // the schema hides these from everyone but their owner, who is asking
    memberships: exportAll(e.app, "room_members", "user = {:id}", id, [...MEMBERSHIP_OWNER_FIELDS]),
    friends: exportAll(e.app, "friendships", "userA = {:id} || userB = {:id}", id),
    friendRequests: exportAll(e.app, "friend_requests", "from = {:id} || to = {:id}", id),
    blocks: exportAll(e.app, "blocks", "blocker = {:id}", id),
    notifications: exportAll(e.app, "notifications", "recipient = {:id}", id),
    achievements,
    stats: exportAll(e.app, "user_stats", "user = {:id}", id),
  };
  e.response.header().set("Content-Disposition", 'attachment; filename="konvert-export.json"');
  e.json(200, document);
}

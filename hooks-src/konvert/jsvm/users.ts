// Account lifecycle hooks for the `users` auth collection.
import { unexpectedFieldsProblem } from "../rules/fields.ts";
import { roleForNewAccount } from "../rules/roles.ts";
import { SIGNUP_FIELDS, passwordProblem, usernameProblem } from "../rules/signup.ts";
import { badRequest } from "./errors.ts";

/** Public signup: validate what the client sent, then assign the role inside the insert's transaction. */
export function onSignupRequest(e: core.RecordRequestEvent): void {
  if (e.hasSuperuserAuth()) {
    e.next(); // superusers (dashboard, import) create accounts with whatever fields they need
    return;
  }
  const body = e.requestInfo().body;
  const extra = unexpectedFieldsProblem(body, SIGNUP_FIELDS);
  if (extra) badRequest(Object.keys(body).find((k) => !SIGNUP_FIELDS.includes(k)) ?? "body", extra);

  const record = e.record!;
  const username = record.getString("username");
  const usernameIssue = usernameProblem(username);
  if (usernameIssue) badRequest("username", usernameIssue);
  const passwordIssue = passwordProblem(body["password"]);
  if (passwordIssue) badRequest("password", passwordIssue);
  if (usernameTaken(e.app, username)) badRequest("username", "This username is already taken.");

  // Counting and inserting in one transaction: PocketBase runs one writer at a time, so two
  // simultaneous first signups cannot both become admin.
  e.app.runInTransaction((tx) => {
    record.set("role", roleForNewAccount(tx.countRecords("users")));
    record.set("status", "offline");
    e.app = tx;
    e.next();
  });
}

/** Usernames are unique regardless of case (the unique NOCASE index backs this under races). */
export function usernameTaken(app: CoreApp, username: string): boolean {
  return app.countRecords("users", $dbx.exp("username = {:u} COLLATE NOCASE", { u: username })) > 0;
}

// Account lifecycle hooks for the `users` auth collection.
import { nonTextField, unexpectedFields, unexpectedFieldsProblem } from "../rules/fields.ts";
import { roleForNewAccount } from "../rules/roles.ts";
import {
  SIGNUP_FIELDS,
  SIGNUP_TEXT_FIELDS,
  passwordProblem,
  usernameProblem,
} from "../rules/signup.ts";
import { badRequest } from "./errors.ts";
import { bodyAsSent } from "./raw-body.ts";

/** Public signup: validate what the client sent, then assign the role inside the insert's transaction. */
export function onSignupRequest(e: core.RecordRequestEvent): void {
  if (e.hasSuperuserAuth()) {
    e.next(); // superusers (dashboard, import) create accounts with whatever fields they need
    return;
  }
  const body = e.requestInfo().body;
  // As sent: PocketBase drops hidden fields (bannedUntil, searchText, …) from the body it hands
  // the hook and turns numbers into text; both are refused rather than silently ignored.
  const sent = bodyAsSent(e) ?? body;
  const extra = unexpectedFieldsProblem(sent, SIGNUP_FIELDS);
  if (extra) badRequest(unexpectedFields(sent, SIGNUP_FIELDS)[0] ?? "body", extra);
  const nonText = nonTextField(sent, SIGNUP_TEXT_FIELDS);
  if (nonText !== null) badRequest(nonText, `${nonText} must be text.`);
  if ("emailVisibility" in sent && typeof sent["emailVisibility"] !== "boolean") {
    badRequest("emailVisibility", "emailVisibility must be true or false.");
  }

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

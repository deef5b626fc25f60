// Account lifecycle hooks for the `users` auth collection.
import { nonTextField, unexpectedFields, unexpectedFieldsProblem } from "../rules/fields.ts";
import { roleForNewAccount } from "../rules/roles.ts";
import {
  SIGNUP_FIELDS,
  SIGNUP_TEXT_FIELDS,
  passwordCheck,
  usernameCheck,
} from "../rules/signup.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { bodyAsSent } from "./raw-body.ts";

export interface Signup {
  /** The new account, loaded with what the client may set (username, e-mail, …). */
  record: core.Record;
  password: unknown;
  /** True when the sign-up hands out a session at once (the legacy route): the user is online. */
  startsSession: boolean;
}

/**
 * The sign-up action, for both sign-up routes: checks the username and password, then assigns the
 * role and the initial presence and saves (`save` is the route's way to store the record: the
 * records API's own create, or a plain save) in one transaction. Counting and inserting together:
 * PocketBase runs one writer at a time, so two simultaneous first sign-ups cannot both become
 * admin. A sign-up that starts a session starts online, as after a sign-in; one that does not
 * stays offline until the first sign-in.
 */
export function signUp(app: CoreApp, input: Signup, save: (tx: core.App) => void): void {
  const { record } = input;
  const username = record.getString("username");
  refuseIf(usernameCheck(username));
  refuseIf(passwordCheck(input.password));
  if (usernameTaken(app, username)) fail("signup.username.taken");
  app.runInTransaction((tx) => {
    record.set("role", roleForNewAccount(tx.countRecords("users")));
    record.set("status", input.startsSession ? "online" : "offline");
    if (input.startsSession) record.set("lastActiveAt", new DateTime());
    save(tx);
  });
}

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
  if (extra) fail("input.invalid", extra, unexpectedFields(sent, SIGNUP_FIELDS)[0] ?? "body");
  const nonText = nonTextField(sent, SIGNUP_TEXT_FIELDS);
  if (nonText !== null) fail("input.invalid", `${nonText} must be text.`, nonText);
  if ("emailVisibility" in sent && typeof sent["emailVisibility"] !== "boolean") {
    fail("input.invalid", "emailVisibility must be true or false.", "emailVisibility");
  }
  const password: unknown = body["password"];
  const input = { record: e.record!, password, startsSession: false };
  signUp(e.app, input, (tx) => {
    e.app = tx; // PocketBase's create (validation, password hash) runs in the transaction
    e.next();
  });
}

/** Usernames are unique regardless of case (the unique NOCASE index backs this under races). */
export function usernameTaken(app: CoreApp, username: string): boolean {
  return app.countRecords("users", $dbx.exp("username = {:u} COLLATE NOCASE", { u: username })) > 0;
}

// R54–R56: profile edits over the legacy API, validated by the backend's profile and password
// rules. The legacy field names map onto ours; anything else in the body is ignored, as before.
import { refuseIf } from "../actions/errors.ts";
import { parseProfileUpdate } from "../rules/profile.ts";
import { passwordCheck } from "../rules/signup.ts";
import { handle, legacy, legacyBody, legacyCaller, legacyField } from "./http.ts";
import { selfUser } from "./user-shape.ts";

const FIELD_MAP: Readonly<Record<string, string>> = {
  display_name: "displayName",
  gender: "gender",
  age: "age",
  interests: "interests",
  privacySettings: "privacy",
};

/** PUT /profile {display_name?, gender?, age?, interests?, privacySettings?} -> {user} */
export function update(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e, true);
    const input: Record<string, unknown> = {};
    for (const [legacyName, name] of Object.entries(FIELD_MAP)) {
      if (body[legacyName] !== undefined) input[name] = body[legacyName];
    }
    const parsed = parseProfileUpdate(input);
    if (parsed.problem !== null) {
      const field = Object.keys(FIELD_MAP).find((k) => FIELD_MAP[k] === parsed.field);
      // the original had no such checks, so no text of its own: the rule's message, as before
      legacyField(field ?? parsed.field, parsed.problem);
    }
    const user = e.app.findRecordById("users", me.id);
    for (const [key, value] of Object.entries(parsed.changes)) user.set(key, value);
    e.app.save(user);
    e.json(200, { user: selfUser(e, user) });
  });
}

/**
 * POST /profile/change-password {oldPassword, newPassword} -> {message}. The new password
 * rotates the token key, so access tokens end; the client's refresh token gets it a new one.
 */
export function changePassword(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    const oldPassword = body["oldPassword"];
    const newPassword = body["newPassword"];
    if (typeof oldPassword !== "string" || typeof newPassword !== "string" || !oldPassword) {
      legacy(400, "Требуются оба пароля");
    }
    refuseIf(passwordCheck(newPassword));
    const user = e.app.findRecordById("users", me.id);
    if (!user.validatePassword(oldPassword)) legacy(400, "Неверный текущий пароль");
    user.setPassword(newPassword);
    e.app.save(user);
    e.json(200, { message: "Пароль успешно изменен" });
  });
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** POST /profile/change-email {newEmail, password} -> {message, user} */
export function changeEmail(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    const email = typeof body["newEmail"] === "string" ? body["newEmail"].trim() : "";
    const password = body["password"];
    if (email === "" || typeof password !== "string" || password === "") {
      legacy(400, "Требуются email и пароль");
    }
    const user = e.app.findRecordById("users", me.id);
    if (!user.validatePassword(password)) legacy(400, "Неверный пароль");
    if (!EMAIL_PATTERN.test(email)) legacy(400, "Ошибка обновления email: некорректный адрес");
    try {
      if (e.app.findAuthRecordByEmail("users", email).id !== user.id) {
        legacy(400, "Email уже используется");
      }
    } catch (err) {
      if (err instanceof Object && "status" in err) throw err;
    }
    user.setEmail(email);
    try {
      e.app.save(user); // the unique e-mail index settles a race with another account
    } catch {
      legacy(400, "Email уже используется");
    }
    e.json(200, { message: "Email успешно изменен", user: selfUser(e, user) });
  });
}

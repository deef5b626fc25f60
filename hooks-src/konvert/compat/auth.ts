// R2–R7: sign-up, sign-in, session restore, refresh, sign-out and the presence ping of the
// legacy API, over the same accounts, rules and presence as the rest of the backend.
import { signInAllowed, signInFailed, signInSucceeded } from "../jsvm/rate-limit.ts";
import {
  handle,
  legacy,
  LegacyError,
  legacyBody,
  legacyCaller,
  legacyField,
  optionalCaller,
} from "./http.ts";
import { unexpectedFields, unexpectedFieldsProblem } from "../rules/fields.ts";
import { asActionError } from "../actions/errors.ts";
import {
  accessToken,
  accessTtlSeconds,
  issueRefreshToken,
  revokeRefreshToken,
  rotateRefreshToken,
} from "./tokens.ts";
import { selfUser } from "./user-shape.ts";
import { beat } from "../jsvm/presence.ts";
import { signUp, usernameTaken } from "../jsvm/users.ts";
import { needsPasswordReset } from "../jsvm/password-resets.ts";

const RESET_NEEDED =
  "Пароль этого аккаунта не удалось перенести при переезде. Задайте новый по ссылке из письма " +
  "для сброса пароля — проверьте почту.";
const LEGACY_SIGNUP_FIELDS: readonly string[] = ["email", "password", "username"];

const BAD_CREDENTIALS =
  "Неверный email или пароль. Если у вас еще нет аккаунта, зарегистрируйтесь.";

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

function findByEmail(app: CoreApp, email: string): core.Record | null {
  try {
    return app.findAuthRecordByEmail("users", email);
  } catch {
    return null;
  }
}

/** A fresh session: access token plus a stored refresh token. */
function session(app: CoreApp, user: core.Record): { access_token: string; refresh_token: string } {
  return { access_token: accessToken(user), refresh_token: issueRefreshToken(app, user.id) };
}

/** POST /auth/signup {email, password, username} -> {user, access_token, refresh_token} */
export function signup(e: core.RequestEvent): void {
  handle(e, () => {
    const body = legacyBody(e);
    // the original read only these three; a role, ban or legacy id sent beside them is refused
    // (as on the records API sign-up) rather than silently dropped
    const extra = unexpectedFields(body, LEGACY_SIGNUP_FIELDS)[0];
    if (extra !== undefined)
      legacyField(extra, unexpectedFieldsProblem(body, LEGACY_SIGNUP_FIELDS)!);
    const email = text(body["email"]);
    const username = text(body["username"]);
    const password = typeof body["password"] === "string" ? body["password"] : "";
    if (email === "" || username === "" || password === "") legacy(400, "Все поля обязательны");
    const user = new Record(e.app.findCachedCollectionByNameOrId("users"));
    user.load({ email, username });
    let tokens = { access_token: "", refresh_token: "" };
    try {
      signUp(e.app, { record: user, password, startsSession: true }, (tx) => {
        if (findByEmail(tx, email)) {
          legacy(400, "Пользователь с таким email уже существует. Попробуйте войти в систему.");
        }
        user.setPassword(password);
        tx.save(user);
        tokens = session(tx, user);
      });
    } catch (err) {
      if (err instanceof LegacyError || asActionError(err) !== null) throw err;
      // The unique indexes catch a parallel sign-up with the same name or e-mail.
      const taken = findByEmail(e.app, email)
        ? "Пользователь с таким email уже существует. Попробуйте войти в систему."
        : usernameTaken(e.app, username)
          ? "Имя пользователя уже занято. Выберите другое имя."
          : null;
      legacy(400, taken ?? "Ошибка создания пользователя: " + String(err));
    }
    e.json(200, { user: selfUser(e, user), ...tokens });
  });
}

/** POST /auth/signin {email, password} -> {user, access_token, refresh_token} */
export function signin(e: core.RequestEvent): void {
  handle(e, () => {
    const body = legacyBody(e);
    const email = text(body["email"]);
    const password = typeof body["password"] === "string" ? body["password"] : "";
    if (email === "" || password === "") legacy(400, "Email и пароль обязательны");
    const user = findByEmail(e.app, email);
    // the same failure budgets as the records API's sign-in (jsvm/rate-limit.ts)
    signInAllowed(e, user ? user.id : null);
    if (user && needsPasswordReset(e.app, user.id)) {
      // moved without a usable password: "wrong password" would send them guessing
      legacy(400, RESET_NEEDED, { code: "PASSWORD_RESET_REQUIRED" });
    }
    if (!user || !user.validatePassword(password)) {
      signInFailed(e, user ? user.id : null);
      legacy(400, BAD_CREDENTIALS, { code: "INVALID_CREDENTIALS" });
    }
    signInSucceeded(e, user.id);
    if (user.getString("deletedAt") !== "") legacy(403, "Ваш аккаунт был удален");
    let tokens = { access_token: "", refresh_token: "" };
    e.app.runInTransaction((tx) => {
      const fresh = tx.findRecordById("users", user.id);
      fresh.set("lastActiveAt", new DateTime());
      fresh.set("status", "online");
      tx.save(fresh);
      tokens = session(tx, fresh);
    });
    e.json(200, { user: selfUser(e, user), ...tokens });
  });
}

const ME_TEXTS = {
  missing: "Токен не предоставлен",
  extraMissing: { code: "NO_TOKEN" },
  invalid: "Недействительный токен - пожалуйста, войдите снова",
  extraInvalid: { code: "INVALID_TOKEN" },
};

/** GET /auth/me -> {user}; records activity like the original. */
export function me(e: core.RequestEvent): void {
  handle(e, () => {
    const caller = legacyCaller(e, ME_TEXTS);
    beat(e.app, caller);
    e.json(200, { user: selfUser(e, e.app.findRecordById("users", caller.id)) });
  });
}

/** POST /auth/signout {refresh_token?} -> {success:true}; never 401. */
export function signout(e: core.RequestEvent): void {
  handle(e, () => {
    const token = legacyBody(e)["refresh_token"];
    if (typeof token === "string" && token !== "") revokeRefreshToken(e.app, token);
    optionalCaller(e);
    e.json(200, { success: true });
  });
}

/** POST /auth/refresh {refresh_token} -> {access_token, refresh_token}; works after expiry. */
export function refresh(e: core.RequestEvent): void {
  handle(e, () => {
    const token = legacyBody(e)["refresh_token"];
    if (typeof token !== "string" || token === "") legacy(401, "Refresh token не предоставлен");
    const rotated = rotateRefreshToken(e.app, token);
    if (!rotated) legacy(401, "Не удалось обновить сессию");
    e.json(200, {
      access_token: accessToken(rotated.user),
      refresh_token: rotated.refreshToken,
      expires_in: accessTtlSeconds(),
    });
  });
}

/** POST /auth/activity -> {success:true}: the presence ping. */
export function activity(e: core.RequestEvent): void {
  handle(e, () => {
    const caller = legacyCaller(e, {
      missing: "Токен не предоставлен",
      invalid: "Недействительный токен",
      extraInvalid: { code: "TOKEN_EXPIRED" },
    });
    beat(e.app, caller);
    e.json(200, { success: true });
  });
}

/** GET /health: answered without touching the database. */
export function health(e: core.RequestEvent): void {
  e.json(200, {
    status: "ok",
    timestamp: new Date().toISOString(),
    service: "Конверт Chat API",
    version: "1.0.0",
  });
}

// The legacy API's envelope: `{error}` bodies with the original status codes and texts, and the
// caller taken from our access token. Legacy routes call the same actions as the typed routes;
// an action's error code picks the original text (rules/compat-errors.ts).
import { asActionError } from "../actions/errors.ts";
import { legacyErrorText, legacyStatus } from "../rules/compat-errors.ts";
import { accessExpiredOnClock } from "./tokens.ts";

/** The response header that names an action error's code on the legacy API. */
export const LEGACY_CODE_HEADER = "X-Konvert-Error-Code";

/** Thrown by compat code for an answer with an exact legacy text (never sentence-cased). */
export class LegacyError {
  constructor(
    readonly status: number,
    readonly text: string,
    readonly extra: Record<string, unknown> = {},
  ) {}
}

export function legacy(status: number, text: string, extra: Record<string, unknown> = {}): never {
  throw new LegacyError(status, text, extra);
}

/** A 400 for bad input: the legacy `{error}` plus PocketBase's `data` naming the field. */
export function legacyField(field: string, text: string): never {
  throw new LegacyError(400, text, {
    data: { [field]: { code: "invalid_" + field, message: text } },
  });
}

interface Thrown {
  status?: unknown;
  message?: unknown;
}

/** Runs a legacy route body and turns anything it throws into the legacy error envelope. */
export function handle(e: core.RequestEvent, body: () => void): void {
  try {
    body();
  } catch (err) {
    if (err instanceof LegacyError) {
      e.json(err.status, { error: err.text, ...err.extra });
      return;
    }
    const failure = asActionError(err);
    if (failure !== null) {
      // the body stays the original's; the stable code goes beside it for logs and tests
      e.response.header().set(LEGACY_CODE_HEADER, failure.code);
      e.json(legacyStatus(failure.status), { error: legacyErrorText(failure.code) });
      return;
    }
    // PocketBase's own errors (a record it refused to save, a rate limit) keep their status
    const t = (err ?? {}) as Thrown;
    const status = typeof t.status === "number" ? t.status : 500;
    const message = typeof t.message === "string" ? t.message : String(err);
    if (status >= 500) {
      e.app.logger().error("compat route failed", "path", e.request!.url!.path, "error", message);
      e.json(500, { error: "Ошибка сервера: " + message });
      return;
    }
    e.json(legacyStatus(status), { error: message });
  }
}

export interface CallerTexts {
  missing: string;
  invalid: string;
  extraMissing?: Record<string, unknown>;
  extraInvalid?: Record<string, unknown>;
}

const DEFAULT_TEXTS: CallerTexts = {
  missing: "Требуется авторизация",
  invalid: "Недействительный токен",
};

function hasBearer(e: core.RequestEvent): boolean {
  const header = e.request!.header.get("Authorization").trim();
  const token = header.split(/\s+/)[1] ?? header;
  return token !== "" && token !== "undefined" && token !== "null";
}

/**
 * The signed-in user, or a 401 that stops the client's refresh loop. PocketBase's auth
 * middleware has already verified the token (ours are PocketBase auth tokens plus `sub`), so a
 * present `e.auth` is a live signature; deleted accounts do not resolve.
 */
export function legacyCaller(
  e: core.RequestEvent,
  texts: CallerTexts = DEFAULT_TEXTS,
): core.Record {
  if (!hasBearer(e)) legacy(401, texts.missing, texts.extraMissing);
  const user = e.auth;
  if (
    !user ||
    user.collection().name !== "users" ||
    user.getString("deletedAt") !== "" ||
    accessExpiredOnClock(e)
  ) {
    return legacy(401, texts.invalid, texts.extraInvalid);
  }
  return user;
}

/** The caller when the token resolves, otherwise null (routes where auth is optional). */
export function optionalCaller(e: core.RequestEvent): core.Record | null {
  const user = e.auth;
  if (
    !user ||
    user.collection().name !== "users" ||
    user.getString("deletedAt") !== "" ||
    accessExpiredOnClock(e)
  )
    return null;
  return user;
}

/**
 * The JSON body; no body counts as `{}` (the original frontend sends none on some calls). A body
 * PocketBase cannot read (malformed JSON, a lone surrogate, a number or list instead of an
 * object) is a 400: treating it as `{}` answered 200 to requests that changed nothing.
 */
export function legacyBody(e: core.RequestEvent, required = false): Record<string, unknown> {
  let body: unknown;
  try {
    body = e.requestInfo().body;
  } catch {
    return legacyField("body", "Некорректное тело запроса: ожидается JSON-объект");
  }
  if ((body === null || body === undefined) && !required) return {};
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return legacyField("body", "Некорректное тело запроса: ожидается JSON-объект");
  }
  return body as Record<string, unknown>;
}

export function queryParam(e: core.RequestEvent, name: string): string {
  return e.request!.url!.query().get(name);
}

/** PocketBase's placeholder application URL, which says nothing about this deployment. */
const DEFAULT_APP_URL = "http://localhost:8090";

/**
 * Where files are served from, as absolute URLs (they end up in messages and profiles for good,
 * so the configured application URL wins over whatever host this request came through).
 */
export function publicBaseUrl(e: core.RequestEvent): string {
  const configured = e.app.settings().meta.appURL.replace(/\/+$/, "");
  if (configured !== "" && configured !== DEFAULT_APP_URL) return configured;
  const proto = e.request!.header.get("X-Forwarded-Proto") || (e.request!.tls ? "https" : "http");
  return `${proto}://${e.request!.host}`;
}

// Auth over PocketBase's `users` auth collection. The server enforces every rule; the client
// checks the same pure rules first only to answer without a round trip.
import { getTokenPayload, type BeforeSendResult, type SendOptions } from "pocketbase";
import type PocketBase from "pocketbase";
import { passwordProblem, usernameProblem } from "../../hooks-src/konvert/rules/signup.ts";
import type { UsersResponse } from "../../types/pocketbase-types.ts";
import { KonvertError, call } from "../errors.ts";
import type { AuthApi, AuthSession, User } from "../interface.ts";

export function pocketBaseAuth(pb: PocketBase): AuthApi {
  const users = () => pb.collection("users");
  const session = (token: string, record: unknown): AuthSession => ({
    token,
    user: record as UsersResponse,
  });

  return {
    async signup(email, password, username) {
      const problem = usernameProblem(username) ?? passwordProblem(password);
      if (problem) {
        throw new KonvertError(problem, 400, usernameProblem(username) ? "username" : "password");
      }
      await call(() => users().create({ email, password, passwordConfirm: password, username }));
      return this.signin(email, password);
    },

    async signin(emailOrUsername, password) {
      const auth = await call(() => users().authWithPassword(emailOrUsername, password));
      return session(auth.token, auth.record);
    },

    signout() {
      pb.authStore.clear();
      return Promise.resolve();
    },

    async getMe(): Promise<User | null> {
      if (!pb.authStore.isValid) return null;
      try {
        return (await this.refreshToken()).user;
      } catch (err) {
        if (err instanceof KonvertError && err.status === 401) {
          pb.authStore.clear();
          return null;
        }
        throw err;
      }
    },

    async refreshToken() {
      const auth = await call(() => users().authRefresh());
      return session(auth.token, auth.record);
    },
  };
}

/** A session whose token expires within this long is renewed by the next request. */
const RENEW_WITHIN_MS = 24 * 3600_000;
/** At most one renewal per this long, so short token lifetimes do not renew on every request. */
const RENEW_EVERY_MS = 10 * 60_000;
const renewing = new WeakSet<PocketBase>();

/**
 * Renews the signed-in user's token before it expires: a request made within a day of expiry first
 * calls authRefresh, so a tab left open (or reloaded from localStorage) stays signed in as long as
 * it is used. An expired or revoked token cannot be renewed; the caller then gets its 401.
 */
export function keepSessionFresh(pb: PocketBase): void {
  if (renewing.has(pb)) return;
  renewing.add(pb);
  const previous = pb.beforeSend;
  let inFlight: Promise<unknown> | null = null;
  let lastAttempt = 0;
  pb.beforeSend = async (url: string, options: SendOptions): Promise<BeforeSendResult> => {
    const exp = Number(getTokenPayload(pb.authStore.token).exp ?? 0) * 1000;
    const due =
      pb.authStore.isValid &&
      pb.authStore.record?.collectionName === "users" &&
      exp - Date.now() < RENEW_WITHIN_MS &&
      Date.now() - lastAttempt > RENEW_EVERY_MS &&
      !/\/api\/collections\/users\/auth-/.test(url);
    if (due) {
      lastAttempt = Date.now();
      inFlight ??= pb
        .collection("users")
        .authRefresh({ requestKey: null })
        .catch(() => undefined)
        .finally(() => (inFlight = null));
    }
    if (inFlight) {
      await inFlight;
      // the request was prepared with the old token
      if (pb.authStore.token) {
        options.headers = { ...options.headers, Authorization: pb.authStore.token };
      }
    }
    return previous ? previous(url, options) : { url, options };
  };
}

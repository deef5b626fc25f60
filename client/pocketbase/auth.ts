// Auth over PocketBase's `users` auth collection. The server enforces every rule; the client
// checks the same pure rules first only to answer without a round trip.
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

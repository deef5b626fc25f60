// Calls the legacy HTTP API exactly as the original frontend's fetchAPI does: JSON body and
// Content-Type on every request (even GET/DELETE), `Authorization: Bearer <token or anon key>`.
import type { TestServer } from "./server.ts";

export const LEGACY_PREFIX = "/functions/v1/make-server-b0f1e6d5";

/** A Supabase-style anon key: JWT-shaped, no `sub`, not signed by us. */
export const ANON_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
  Buffer.from(JSON.stringify({ role: "anon", iss: "supabase", exp: 4102444800 })).toString(
    "base64url",
  ) +
  ".c2lnbmF0dXJl";

export interface LegacyResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function legacyFetch<T = Record<string, unknown>>(
  server: TestServer,
  method: string,
  path: string,
  token: string | null = ANON_KEY,
  body?: unknown,
): Promise<LegacyResponse<T>> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers["Authorization"] = `Bearer ${token}`;
  const response = await fetch(server.url + LEGACY_PREFIX + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === "" ? {} : JSON.parse(text)) as T,
    headers: response.headers,
  };
}

/**
 * `call(user, method, path, body?)` for a test file's server (read when called, so it can be
 * started in `beforeAll`): the user's access token, or the anon key for `null`.
 */
export function legacyCalls(server: () => TestServer) {
  return <T = Record<string, unknown>>(
    user: { token: string } | null,
    method: string,
    path: string,
    body?: unknown,
  ) => legacyFetch<T>(server(), method, path, user ? user.token : ANON_KEY, body);
}

/** The JWT payload as the original client reads it: `atob(token.split('.')[1])`. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

export interface LegacyUser {
  id: string;
  token: string;
  refreshToken: string;
  email: string;
  password: string;
}

let counter = 0;

/** Signs up through POST /auth/signup, as the Register screen does. */
export async function legacySignup(server: TestServer, name?: string): Promise<LegacyUser> {
  counter += 1;
  const username = name ?? `legacy${counter}_${Math.random().toString(36).slice(2, 7)}`;
  const email = `${username.toLowerCase()}@konvert.test`;
  const password = "password-" + username;
  const res = await legacyFetch<{
    user: { id: string };
    access_token: string;
    refresh_token: string;
  }>(server, "POST", "/auth/signup", ANON_KEY, { email, password, username });
  if (res.status !== 200)
    throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.user.id,
    token: res.body.access_token,
    refreshToken: res.body.refresh_token,
    email,
    password,
  };
}

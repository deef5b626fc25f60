// Legacy API, spec §2 and R1–R7: sign-up, sign-in, session restore, refresh and sign-out as the
// original frontend calls them, with its status codes, Russian texts and token expectations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANON_KEY,
  jwtPayload,
  LEGACY_PREFIX,
  legacyFetch,
  legacySignup,
  type LegacyUser,
} from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

let server: TestServer;
let first: LegacyUser;

beforeAll(async () => {
  server = await startPocketBase();
  first = await legacySignup(server, "FirstOne");
});
afterAll(() => server.stop());

describe("health and CORS", () => {
  it("answers GET /health to the anon key", async () => {
    const res = await legacyFetch(server, "GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", service: "Конверт Chat API", version: "1.0.0" });
  });

  const preflight = (path: string) =>
    fetch(server.url + path, {
      method: "OPTIONS",
      headers: {
        Origin: "https://chat.example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
      },
    });

  it("answers preflights for any origin with the frontend's headers, cached 600 s", async () => {
    for (const path of ["/rooms", "/messages/abc/react", "/achievements/u1/progress"]) {
      const res = await preflight(LEGACY_PREFIX + path);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toMatch(
        /authorization/,
      );
      expect(res.headers.get("access-control-max-age")).toBe("600");
    }
  });

  it("leaves PocketBase's own CORS as it was on other paths and on simple requests", async () => {
    const api = await preflight("/api/collections/rooms/records");
    expect(api.status).toBe(204);
    expect(api.headers.get("access-control-allow-origin")).toBe("*");
    expect(api.headers.get("access-control-max-age")).toBeNull();
    const get = await fetch(server.url + LEGACY_PREFIX + "/health", {
      headers: { Origin: "https://chat.example.com" },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBe("*");
    expect(get.headers.get("access-control-max-age")).toBeNull();
  });
});

describe("POST /auth/signup", () => {
  it("makes the first account admin and returns a user, an access token and a refresh token", async () => {
    const me = await legacyFetch<{ user: Record<string, unknown> }>(
      server,
      "GET",
      "/auth/me",
      first.token,
    );
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({
      id: first.id,
      username: "FirstOne",
      email: first.email,
      role: "admin",
      status: "online",
      friends: [],
      blocked_users: [],
      banned: false,
      muted: false,
    });
    expect(me.body.user).not.toHaveProperty("password");
    expect(me.body.user).not.toHaveProperty("tokenKey");
    expect(first.refreshToken.length).toBeGreaterThan(30);
  });

  it("issues JWT-shaped access tokens with sub and exp an hour ahead", () => {
    const payload = jwtPayload(first.token);
    expect(payload["sub"]).toBe(first.id);
    const left = (payload["exp"] as number) - Date.now() / 1000;
    expect(left).toBeGreaterThan(3500);
    expect(left).toBeLessThanOrEqual(3600);
  });

  it("gives later accounts the user role", async () => {
    const other = await legacySignup(server);
    const me = await legacyFetch<{ user: { role: string } }>(
      server,
      "GET",
      "/auth/me",
      other.token,
    );
    expect(me.body.user.role).toBe("user");
  });

  it("refuses bad input with the original texts", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: "a@b.test", username: "abc" }, /^Все поля обязательны$/],
      [{ email: "a@b.test", password: "long-password", username: "ab" }, /минимум 3 символа/],
      [
        { email: "new@b.test", password: "long-password", username: "firstone" },
        /Имя пользователя уже занято/,
      ],
      [
        { email: first.email, password: "long-password", username: "someone_new" },
        /Пользователь с таким email уже существует/,
      ],
      [{ email: "c@b.test", password: "short", username: "someone_else" }, /Пароль/],
    ];
    for (const [body, text] of cases) {
      const res = await legacyFetch<{ error: string }>(
        server,
        "POST",
        "/auth/signup",
        ANON_KEY,
        body,
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatch(text);
    }
  });
});

describe("concurrent sign-ups", () => {
  it("the same name five times at once: one account, four clear refusals", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        legacyFetch<{ error?: string }>(server, "POST", "/auth/signup", ANON_KEY, {
          email: `twin${i}@konvert.test`,
          password: "long-password",
          username: "Twin",
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/Имя пользователя уже занято/);
    }
  });
});

describe("POST /auth/signin", () => {
  it("signs in with e-mail and password", async () => {
    const res = await legacyFetch<{
      user: { id: string };
      access_token: string;
      refresh_token: string;
    }>(server, "POST", "/auth/signin", ANON_KEY, { email: first.email, password: first.password });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(first.id);
    expect(jwtPayload(res.body.access_token)["sub"]).toBe(first.id);
    expect(res.body.refresh_token).not.toBe(first.refreshToken);
  });

  it("answers wrong credentials with the text and code the client matches", async () => {
    for (const body of [
      { email: first.email, password: "wrong-password" },
      { email: "nobody@konvert.test", password: "whatever-pass" },
    ]) {
      const res = await legacyFetch(server, "POST", "/auth/signin", ANON_KEY, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: "Неверный email или пароль. Если у вас еще нет аккаунта, зарегистрируйтесь.",
        code: "INVALID_CREDENTIALS",
      });
    }
    const missing = await legacyFetch(server, "POST", "/auth/signin", ANON_KEY, { email: "" });
    expect(missing).toMatchObject({ status: 400, body: { error: "Email и пароль обязательны" } });
  });
});

describe("tokens on authenticated routes", () => {
  it("GET /auth/me: 401 with the original codes for no token, the anon key and garbage", async () => {
    const none = await legacyFetch(server, "GET", "/auth/me", null);
    expect(none).toMatchObject({
      status: 401,
      body: { error: "Токен не предоставлен", code: "NO_TOKEN" },
    });
    for (const token of [ANON_KEY, "a.b.c", first.token.slice(0, -4) + "AAAA"]) {
      const res = await legacyFetch(server, "GET", "/auth/me", token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: "INVALID_TOKEN" });
      expect(res.body["error"]).toMatch(/Недействительный токен/);
    }
  });

  it("POST /auth/activity: success for the user, TOKEN_EXPIRED for anyone else", async () => {
    const ok = await legacyFetch(server, "POST", "/auth/activity", first.token);
    expect(ok).toMatchObject({ status: 200, body: { success: true } });
    const anon = await legacyFetch(server, "POST", "/auth/activity", ANON_KEY);
    expect(anon).toMatchObject({
      status: 401,
      body: { error: "Недействительный токен", code: "TOKEN_EXPIRED" },
    });
  });

  it("the access token also works on PocketBase's own API", async () => {
    const res = await fetch(`${server.url}/api/collections/users/records/${first.id}`, {
      headers: { Authorization: first.token },
    });
    expect(res.status).toBe(200);
  });
});

describe("POST /auth/refresh", () => {
  it("rotates: the new pair works, the spent refresh token does not", async () => {
    const user = await legacySignup(server);
    // The client refreshes with the anon key after its access token expired.
    const res = await legacyFetch<{ access_token: string; refresh_token: string }>(
      server,
      "POST",
      "/auth/refresh",
      ANON_KEY,
      { refresh_token: user.refreshToken },
    );
    expect(res.status).toBe(200);
    expect(jwtPayload(res.body.access_token)["sub"]).toBe(user.id);
    const me = await legacyFetch(server, "GET", "/auth/me", res.body.access_token);
    expect(me.status).toBe(200);

    const again = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
      refresh_token: user.refreshToken,
    });
    expect(again).toMatchObject({ status: 401, body: { error: "Не удалось обновить сессию" } });
    const next = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
      refresh_token: res.body.refresh_token,
    });
    expect(next.status).toBe(200);
  });

  it("works once under concurrent use of the same token", async () => {
    const user = await legacySignup(server);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
          refresh_token: user.refreshToken,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
  });

  it("401 without a token or with an unknown one", async () => {
    const none = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {});
    expect(none).toMatchObject({ status: 401, body: { error: "Refresh token не предоставлен" } });
    const unknown = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
      refresh_token: "x".repeat(48),
    });
    expect(unknown.status).toBe(401);
  });

  it("sign-out revokes the refresh token it is given", async () => {
    const user = await legacySignup(server);
    const out = await legacyFetch(server, "POST", "/auth/signout", user.token, {
      refresh_token: user.refreshToken,
    });
    expect(out).toMatchObject({ status: 200, body: { success: true } });
    const res = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
      refresh_token: user.refreshToken,
    });
    expect(res.status).toBe(401);
    const anonymous = await legacyFetch(server, "POST", "/auth/signout", null);
    expect(anonymous).toMatchObject({ status: 200, body: { success: true } });
  });
});

describe("deleted accounts", () => {
  it("cannot sign in (403), use their token or refresh it (401)", async () => {
    const user = await legacySignup(server);
    await server.admin
      .collection("users")
      .update(user.id, { deletedAt: new Date().toISOString().replace("T", " ") });
    const signin = await legacyFetch(server, "POST", "/auth/signin", ANON_KEY, {
      email: user.email,
      password: user.password,
    });
    expect(signin).toMatchObject({ status: 403, body: { error: "Ваш аккаунт был удален" } });
    expect((await legacyFetch(server, "GET", "/auth/me", user.token)).status).toBe(401);
    expect((await legacyFetch(server, "GET", "/rooms", user.token)).status).toBe(401);
    const refresh = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
      refresh_token: user.refreshToken,
    });
    expect(refresh.status).toBe(401);
  });
});

describe("rate limits", () => {
  // guessing one account is stopped per account (rate-limits.test.ts); per IP only floods are
  it("sign-in is flood-limited per IP like PocketBase's own auth (61st in 10 s gets 429)", async () => {
    const limited = await startPocketBase({ rateLimits: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) {
        const res = await legacyFetch(limited, "POST", "/auth/signin", ANON_KEY, {
          email: "nobody@konvert.test",
          password: "wrong-password",
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 60).every((s) => s === 400)).toBe(true);
      expect(statuses[60]).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});

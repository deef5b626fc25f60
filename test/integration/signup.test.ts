// Signup and sign-in through the typed client against the real server, plus the server-side
// rules a client could try to bypass by calling the records API directly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { UsersResponse } from "../../types/pocketbase-types.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const backend = () => createPocketBaseBackend(anonymousClient(server));
const rawSignup = (body: Record<string, unknown>) =>
  anonymousClient(server)
    .collection("users")
    .create(body)
    .then(
      () => ({ status: 200, message: "" }),
      (e: unknown) => {
        const err = e as { status: number; response: { message: string; data: object } };
        return {
          status: err.status,
          message: err.response.message,
          fields: Object.keys(err.response.data),
        };
      },
    );

describe("signup", () => {
  it("makes the first account admin and later ones users, keeping the chosen username", async () => {
    const first = await backend().auth.signup("first@konvert.test", "first-password", "Founder");
    const second = await backend().auth.signup(
      "second@konvert.test",
      "second-password",
      "second_1",
    );
    expect([first.user.username, first.user.role]).toEqual(["Founder", "admin"]);
    expect([second.user.username, second.user.role]).toEqual(["second_1", "user"]);
    expect(first.token).not.toBe("");
  });

  it("refuses a username taken in another case", async () => {
    await expect(
      backend().auth.signup("other@konvert.test", "other-password", "FOUNDER"),
    ).rejects.toMatchObject({
      status: 400,
      field: "username",
      message: "This username is already taken.",
    });
  });

  it.each([
    ["ab", /3–32 characters/],
    ["x".repeat(33), /3–32 characters/],
    ["имя_пользователя", /Latin letters/],
    ["with space", /Latin letters/],
    ["", /required/],
  ])("refuses the malformed username %j on the server", async (username, message) => {
    const result = await rawSignup({
      email: `u${Math.random()}@konvert.test`,
      password: "long-enough",
      passwordConfirm: "long-enough",
      username,
    });
    expect(result).toMatchObject({ status: 400, fields: ["username"] });
    expect(result.message).toMatch(message);
  });

  it("refuses a short password on the server", async () => {
    const result = await rawSignup({
      email: "short@konvert.test",
      password: "1234567",
      passwordConfirm: "1234567",
      username: "shorty",
    });
    expect(result).toMatchObject({ status: 400, fields: ["password"] });
    expect(result.message).toMatch(/at least 8/);
  });

  it("refuses a forged role in the create rule itself, before the hook", async () => {
    const result = await rawSignup({
      email: "forged-role@konvert.test",
      password: "long-enough",
      passwordConfirm: "long-enough",
      username: "forged_role",
      role: "admin",
    });
    expect(result).toMatchObject({ status: 400, message: "Failed to create record." });
    await expect(
      server.admin.collection("users").getFirstListItem(`username = "forged_role"`),
    ).rejects.toMatchObject({ status: 404 });
  });

  it.each([["nonsense"]])("refuses the unknown or server-owned field %s", async (field) => {
    const result = await rawSignup({
      email: `${field}@konvert.test`,
      password: "long-enough",
      passwordConfirm: "long-enough",
      username: `field_${field}`,
      [field]: field === "role" ? "admin" : "x",
    });
    expect(result).toMatchObject({ status: 400, fields: [field] });
    expect(result.message).toMatch(new RegExp(`'${field}'`));
  });

  it.each([
    ["bannedUntil"],
    ["legacyId"],
    ["deletedAt"],
    ["status"],
    ["searchText"],
    ["mutedUntil"],
  ])("refuses the server-owned field %s with a 400 naming it and stores nothing", async (field) => {
    const username = `hidden_${field}`;
    const result = await rawSignup({
      email: `${field}@konvert.test`,
      password: "long-enough",
      passwordConfirm: "long-enough",
      username,
      [field]: field.endsWith("At") || field.endsWith("Until") ? "2999-01-01 00:00:00.000Z" : "x",
    });
    expect(result).toMatchObject({ status: 400, fields: [field] });
    await expect(
      server.admin.collection("users").getFirstListItem<UsersResponse>(`username = "${username}"`),
    ).rejects.toMatchObject({ status: 404 });
  });

  it.each([
    ["username", 12345],
    ["displayName", true],
    ["email", null],
    ["emailVisibility", "yes"],
  ])("refuses %s sent as %j", async (field, value) => {
    const result = await rawSignup({
      email: `typed_${field}@konvert.test`,
      password: "long-enough",
      passwordConfirm: "long-enough",
      username: `typed_${field}`,
      [field]: value,
    });
    expect(result).toMatchObject({ status: 400, fields: [field] });
  });

  it("checks in the client before sending", async () => {
    await expect(backend().auth.signup("a@konvert.test", "short", "okname")).rejects.toMatchObject({
      status: 400,
      field: "password",
    });
  });
});

describe("sessions", () => {
  it("signs in by username or email, refreshes, reads itself and signs out", async () => {
    await backend().auth.signup("session@konvert.test", "session-password", "session_user");
    const api = backend();
    const byName = await api.auth.signin("session_user", "session-password");
    expect(byName.user.email).toBe("session@konvert.test");
    const byEmail = await backend().auth.signin("session@konvert.test", "session-password");
    expect(byEmail.user.id).toBe(byName.user.id);

    const me = await api.auth.getMe();
    expect(me?.id).toBe(byName.user.id);
    const refreshed = await api.auth.refreshToken();
    expect(refreshed.user.id).toBe(byName.user.id);

    await api.auth.signout();
    expect(await api.auth.getMe()).toBeNull();
  });

  it("rejects a wrong password with a readable 400", async () => {
    await expect(backend().auth.signin("session_user", "wrong-password")).rejects.toMatchObject({
      status: 400,
      message: "Failed to authenticate.",
    });
  });

  it("shows other users' public profiles but never their e-mail", async () => {
    const a = await backend().auth.signin("session_user", "session-password");
    const api = backend();
    await api.auth.signin("second_1", "second-password");
    const seen = await api.pb.collection("users").getOne<UsersResponse>(a.user.id);
    expect(seen.username).toBe("session_user");
    expect(seen).not.toHaveProperty("email");
    const listed = await api.pb.collection("users").getFullList<UsersResponse>();
    expect(listed.every((u) => u.id === api.pb.authStore.record?.id || !("email" in u))).toBe(true);
  });
});

describe("concurrent first signups", () => {
  it("produce exactly one admin", async () => {
    const fresh = await startPocketBase();
    try {
      const api = () => createPocketBaseBackend(anonymousClient(fresh));
      const sessions = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api().auth.signup(`race${i}@konvert.test`, "race-password", `racer_${i}`),
        ),
      );
      expect(sessions.filter((s) => s.user.role === "admin")).toHaveLength(1);
    } finally {
      await fresh.stop();
    }
  });
});

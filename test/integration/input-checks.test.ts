// Issue #16 findings 6 and 8: wrong types, null where a value is required, malformed ids and
// unreadable bodies get a 400 naming the field and write nothing; and the create rules refuse
// forged writes by themselves, on a server started without Konvert's hooks.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startInstance, type Instance } from "../../scripts/lib/instance.ts";
import type { RoomsResponse, UsersResponse } from "../../types/pocketbase-types.ts";
import { seedRoom } from "../support/rooms.ts";
import { MIGRATIONS_DIR } from "../support/paths.ts";
import { LEGACY_PREFIX, legacyFetch, legacySignup } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let admin: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  [owner, member, admin] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server, { role: "admin" }),
  ]);
});
afterAll(() => server.stop());

/** Status and field names of a raw call with the caller's token. */
async function raw(
  user: TestUser | null,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; fields: string[]; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (user) headers["Authorization"] = user.client.authStore.token;
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  const parsed = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  const data = (parsed["data"] ?? {}) as Record<string, unknown>;
  return { status: res.status, fields: Object.keys(data), body: parsed };
}

const count = async (collection: string, filter: string) =>
  (await server.admin.collection(collection).getList(1, 1, { filter })).totalItems;

describe("records API: types as sent", () => {
  it.each([
    ['{"name": 5, "type": "private"}', "name"],
    ['{"name": true, "type": "private"}', "name"],
    ['{"name": null, "type": "private"}', "name"],
    ['{"name": "typed", "type": "private", "memberIds": null}', "memberIds"],
    ['{"name": "typed", "type": "private", "memberIds": ["not an id"]}', "memberIds"],
  ])("a room created with %s is refused naming %s", async (body, field) => {
    const before = await count("rooms", `createdBy = "${owner.record.id}"`);
    const result = await raw(owner, "POST", "/api/collections/rooms/records", body);
    expect(result).toMatchObject({ status: 400, fields: [field] });
    expect(await count("rooms", `createdBy = "${owner.record.id}"`)).toBe(before);
  });

  it("refuses a number as content in a multipart send too (@jsonPayload)", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const form = new FormData();
    form.append("@jsonPayload", JSON.stringify({ room: room.id, content: 42 }));
    const res = await fetch(server.url + "/api/collections/messages/records", {
      method: "POST",
      headers: { Authorization: owner.client.authStore.token },
      body: form,
    });
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as { data: object }).data)).toEqual(["content"]);
    expect(await count("messages", `room = "${room.id}"`)).toBe(0);
  });
});

describe("Konvert routes", () => {
  it("refuses a wrapped room key of only spaces, or for a malformed user id", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    for (const keys of [{ [member.record.id]: "   " }, { "../x": "abc=" }]) {
      const result = await raw(
        owner,
        "PUT",
        `/api/konvert/rooms/${room.id}/keys`,
        JSON.stringify({ encryptedKeys: keys }),
      );
      expect(result).toMatchObject({ status: 400, fields: ["encryptedKeys"] });
    }
    const membership = await server.admin
      .collection("room_members")
      .getFirstListItem(`room = "${room.id}" && user = "${member.record.id}"`);
    expect(membership["encryptedKey"]).toBe("");
  });

  it("refuses a ban with hours: null instead of banning for ever", async () => {
    const target = await createUser(server);
    const result = await raw(
      admin,
      "POST",
      `/api/konvert/users/${target.record.id}/ban`,
      '{"hours": null}',
    );
    expect(result).toMatchObject({ status: 400, fields: ["hours"] });
    const stored = await server.admin.collection("users").getOne<UsersResponse>(target.record.id);
    expect(stored.bannedUntil).toBe("");
  });
});

describe("legacy routes", () => {
  const put = (token: string, body: string) =>
    fetch(server.url + LEGACY_PREFIX + "/profile", {
      method: "PUT",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it.each([
    ["null", "body"],
    ["42", "body"],
    ['"text"', "body"],
    ['{"display_name": "a\\ud800"}', "body"],
    ['{"display_name": 42}', "display_name"],
    ['{"display_name": null}', "display_name"],
  ])("PUT /profile with %s is a 400 naming %s", async (body, field) => {
    const user = await legacySignup(server);
    const result = await put(user.token, body);
    expect(result.status).toBe(400);
    expect(result.body["error"]).toEqual(expect.any(String));
    expect(Object.keys(result.body["data"] as object)).toEqual([field]);
    const stored = await server.admin.collection("users").getOne<UsersResponse>(user.id);
    expect(stored.displayName).toBe("");
  });

  it.each([["role"], ["bannedUntil"], ["deletedAt"], ["legacyId"], ["status"], ["searchText"]])(
    "sign-up refuses the server-owned field %s and creates nobody",
    async (field) => {
      const username = `legacy_${field}`;
      const res = await legacyFetch(server, "POST", "/auth/signup", undefined, {
        email: `${username}@konvert.test`,
        password: "long-enough",
        username,
        [field]: field === "role" ? "admin" : "2999-01-01 00:00:00.000Z",
      });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body["data"] as object)).toEqual([field]);
      expect(await count("users", `username = "${username}"`)).toBe(0);
    },
  );

  it("a ban with a non-numeric length is refused; without one it is permanent, as before", async () => {
    const staff = await legacySignup(server);
    await server.admin.collection("users").update(staff.id, { role: "admin" });
    const target = await legacySignup(server);
    const ban = (body: unknown) =>
      legacyFetch(server, "POST", `/users/${target.id}/ban`, staff.token, body);
    expect((await ban({ hours: "5" })).status).toBe(400);
    expect((await server.admin.collection("users").getOne(target.id))["bannedUntil"]).toBe("");
    expect((await ban({ hours: null })).status).toBe(200);
    expect((await server.admin.collection("users").getOne(target.id))["bannedUntil"]).toMatch(
      /^9999/,
    );
  });
});

describe("without Konvert's hooks (a plain PocketBase on the data dir)", () => {
  let bare: Instance;
  let root: string;
  let users: { token: string; id: string }[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "konvert-bare-"));
    const dataDir = join(root, "pb_data");
    const hooksDir = join(root, "no_hooks");
    mkdirSync(hooksDir);
    cpSync(inject("pbTemplateDir"), dataDir, { recursive: true });
    bare = await startInstance({
      binary: inject("pbBinary"),
      dataDir,
      hooksDir,
      migrationsDir: MIGRATIONS_DIR,
    });
    users = [];
    for (const name of ["bare_one", "bare_two"]) {
      const client = anonymousClient({ url: bare.url } as TestServer);
      await client.collection("users").create({
        email: `${name}@konvert.test`,
        password: "long-enough",
        passwordConfirm: "long-enough",
        username: name,
      });
      const auth = await client.collection("users").authWithPassword(name, "long-enough");
      users.push({ token: auth.token, id: auth.record.id });
    }
  });
  afterAll(async () => {
    await bare.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(bare.url + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: token } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("refuses a sign-up that names its own role", async () => {
    const res = await post("/api/collections/users/records", {
      email: "bare_admin@konvert.test",
      password: "long-enough",
      passwordConfirm: "long-enough",
      username: "bare_admin",
      role: "admin",
    });
    expect(res.status).toBe(400);
  });

  it("refuses a message in someone else's name, or of type system", async () => {
    const [one, two] = users as [{ token: string; id: string }, { token: string; id: string }];
    const room = await post(
      "/api/collections/rooms/records",
      { name: "r", type: "private" },
      one.token,
    );
    expect(room.status).toBe(200);
    const roomId = (room.body as unknown as RoomsResponse).id;
    const forged = await post(
      "/api/collections/messages/records",
      { room: roomId, content: "x", author: two.id },
      one.token,
    );
    expect(forged.status).toBe(400);
    const system = await post(
      "/api/collections/messages/records",
      { room: roomId, content: "x", type: "system" },
      one.token,
    );
    expect(system.status).toBe(400);
    const own = await post(
      "/api/collections/messages/records",
      { room: roomId, content: "x", author: one.id, type: "text" },
      one.token,
    );
    expect(own.status).toBe(200);
  });

  it("refuses rooms that only the server makes (DMs, the jail) or owned by someone else", async () => {
    const [one, two] = users as [{ token: string; id: string }, { token: string; id: string }];
    for (const body of [
      { name: "d", type: "dm" },
      { name: "j", type: "private", system: "jail" },
      { name: "o", type: "private", createdBy: two.id },
    ]) {
      expect((await post("/api/collections/rooms/records", body, one.token)).status).toBe(400);
    }
  });
});

// Storage over the typed client (client/pocketbase/storage.ts): user files in `compat_uploads`
// through the records API, each user's own; and the session renewal the client does before the
// token expires (client/pocketbase/auth.ts keepSessionFresh).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import { failure } from "../support/api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let owner: TestUser;
let other: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  [owner, other] = await Promise.all([createUser(server), createUser(server)]);
});
afterAll(() => server.stop());

const text = (body: string, name = "note.txt") => new File([body], name, { type: "text/plain" });

describe("storage", () => {
  it("uploads a file whose URL anyone can fetch, and deletes it", async () => {
    const storage = createPocketBaseBackend(owner.client).storage;
    const { path, url } = await storage.uploadFile(text("hello"));
    expect(path).toMatch(/^[a-z0-9]{15}\/note_[A-Za-z0-9]+\.txt$/);
    expect(url).toBe(`${server.url}/api/files/compat_uploads/${path}`);
    expect(storage.getFileUrl(path)).toBe(url);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello");

    await storage.deleteFile(path);
    const gone = await fetch(url);
    await gone.arrayBuffer();
    expect(gone.status).toBe(404);
  });

  it("names a nameless blob after the path's last segment", async () => {
    const storage = createPocketBaseBackend(owner.client).storage;
    const { path } = await storage.uploadFile(new Blob(["x"]), "voice/clip.webm");
    expect(path).toMatch(/\/clip_[A-Za-z0-9]+\.webm$/);
  });

  it("does not let someone else delete, see or list a user's file", async () => {
    const { path, url } = await createPocketBaseBackend(owner.client).storage.uploadFile(
      text("mine"),
    );
    const id = path.split("/")[0] ?? "";
    const intruder = createPocketBaseBackend(other.client);
    expect(await failure(intruder.storage.deleteFile(path))).toMatchObject({ status: 404 });
    expect(await failure(other.client.collection("compat_uploads").getOne(id))).toMatchObject({
      status: 404,
    });
    const listed = await other.client.collection("compat_uploads").getFullList();
    expect(listed.map((r) => r.id)).not.toContain(id);
    // still there for its owner
    expect((await fetch(url)).status).toBe(200);
    const mine = await owner.client.collection("compat_uploads").getFullList();
    expect(mine.map((r) => r.id)).toContain(id);
  });

  it("refuses uploads in someone else's name, edits, and visitors", async () => {
    const form = new FormData();
    form.append("owner", owner.record.id);
    form.append("file", text("forged"));
    expect(await failure(other.client.collection("compat_uploads").create(form))).toMatchObject({
      status: 400,
    });
    expect(
      await failure(anonymousClient(server).collection("compat_uploads").create(form)),
    ).toMatchObject({ status: 400 });

    const { path } = await createPocketBaseBackend(owner.client).storage.uploadFile(text("v1"));
    const id = path.split("/")[0] ?? "";
    const edit = new FormData();
    edit.append("file", text("v2"));
    expect(await failure(owner.client.collection("compat_uploads").update(id, edit))).toMatchObject(
      { status: 403 },
    );
  });

  it("answers a visitor and a malformed path with clear errors before any request", async () => {
    const visitor = createPocketBaseBackend(anonymousClient(server)).storage;
    expect(await failure(visitor.uploadFile(text("x")))).toMatchObject({ status: 401 });
    const storage = createPocketBaseBackend(owner.client).storage;
    await expect(storage.deleteFile("../users/abc")).rejects.toMatchObject({
      status: 400,
      field: "path",
    });
    expect(() => storage.getFileUrl("nope")).toThrow(/file path/);
  });

  it("refuses an upload without a file or over 50 MB with a 400 naming the field", async () => {
    const uploads = owner.client.collection("compat_uploads");
    const bare = new FormData();
    bare.append("owner", owner.record.id);
    const noFile = await uploads.create(bare).catch((err: unknown) => err);
    expect(noFile).toMatchObject({ status: 400, response: { data: { file: {} } } });
    const big = new FormData();
    big.append("owner", owner.record.id);
    big.append("file", new File([new Uint8Array(52428800 + 1)], "big.bin"));
    const tooBig = await uploads.create(big).catch((err: unknown) => err);
    expect(tooBig).toMatchObject({ status: 400, response: { data: { file: {} } } });
    const mine = await uploads.getFullList();
    expect(mine.every((r) => r.file !== "")).toBe(true);
  });

  it("refuses uploads from a deleted account", async () => {
    const gone = await createUser(server);
    await server.admin
      .collection("users")
      .update(gone.record.id, { deletedAt: new Date().toISOString().replace("T", " ") });
    const form = new FormData();
    form.append("owner", gone.record.id);
    form.append("file", text("ghost"));
    expect(await failure(gone.client.collection("compat_uploads").create(form))).toMatchObject({
      status: 400,
    });
  });
});

describe("session renewal", () => {
  it("renews a token that expires within a day before the next request", async () => {
    // tokens for an hour: every session is within a day of expiry
    await server.admin.collections.update("users", { authToken: { duration: 3600 } });
    try {
      const user = await createUser(server);
      const before = user.client.authStore.token;
      // a token is stamped to the second: a renewal in the same second would look unchanged
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const backend = createPocketBaseBackend(user.client);
      await backend.rooms.getRooms();
      expect(user.client.authStore.token).not.toBe(before);
      expect(user.client.authStore.isValid).toBe(true);
    } finally {
      await server.admin.collections.update("users", { authToken: { duration: 604800 } });
    }
  });

  it("leaves a fresh token alone", async () => {
    const user = await createUser(server);
    const before = user.client.authStore.token;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await createPocketBaseBackend(user.client).rooms.getRooms();
    expect(user.client.authStore.token).toBe(before);
  });
});

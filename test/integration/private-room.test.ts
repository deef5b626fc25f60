// The whole pipeline in one behaviour: TypeScript hook -> bundle -> real PocketBase -> API rules
// -> realtime. Creating a private room makes the creator its owner member atomically, and only
// members can list, view or hear about it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoomMembersResponse, RoomsResponse } from "../../types/pocketbase-types.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let owner: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  owner = await createUser(server);
  outsider = await createUser(server);
});
afterAll(() => server.stop());

describe("creating a private room", () => {
  it("makes the creator its owner member in the same request", async () => {
    const room = await owner.client
      .collection("rooms")
      .create<RoomsResponse>({ name: "  Plans  ", type: "private" });
    expect(room).toMatchObject({ name: "Plans", type: "private", createdBy: owner.record.id });

    const members = await server.admin
      .collection("room_members")
      .getFullList<RoomMembersResponse>({ filter: `room = "${room.id}"` });
    expect(members.map((m) => [m.user, m.role])).toEqual([[owner.record.id, "owner"]]);
  });

  it("refuses server-owned fields, other types and bad names with a 400", async () => {
    const rooms = owner.client.collection("rooms");
    const cases: [Record<string, unknown>, RegExp][] = [
      // only a forger sends these: the create rule refuses them before any hook, with
      // PocketBase's bare 400 (pb_migrations/1764800000_create_rules_guard.js), so that a server
      // started without the hooks refuses them too
      [{ name: "X", type: "private", createdBy: outsider.record.id }, /Failed to create record/],
      [{ name: "X", type: "private", system: "jail" }, /Failed to create record/],
      [{ name: "X", type: "public" }, /Only admins/],
      // rooms only the server makes: refused by the create rule too (so also without the hooks)
      [{ name: "X", type: "dm" }, /Failed to create record/],
      [{ name: "X", type: "favorites" }, /Failed to create record/],
      [{ name: "   ", type: "private" }, /name is required/],
      [{ name: "x".repeat(101), type: "private" }, /at most 100/],
    ];
    for (const [body, message] of cases) {
      const error = await rooms.create(body).catch((e: unknown) => e);
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400 });
      expect(JSON.stringify((error as { response: unknown }).response)).toMatch(message);
    }
  });

  it("is invisible to a non-member: list, view and realtime", async () => {
    const outsiderAll = await recordEvents<RoomsResponse>(outsider.client, "rooms", "*");
    const ownerAll = await recordEvents<RoomsResponse>(owner.client, "rooms", "*");

    const room = await owner.client
      .collection("rooms")
      .create<RoomsResponse>({ name: "Secret", type: "private" });
    const outsiderOne = await recordEvents<RoomsResponse>(outsider.client, "rooms", room.id);
    await server.admin.collection("rooms").update(room.id, { name: "Secret, renamed" });

    await waitUntil(
      () => ownerAll.events.filter((e) => e.record.id === room.id).length === 2,
      "the member to receive create and update",
    );
    // A sentinel the outsider may see: once it arrives, anything leaked earlier would have too.
    const own = await outsider.client
      .collection("rooms")
      .create<RoomsResponse>({ name: "Mine", type: "private" });
    await waitUntil(() => outsiderAll.events.some((e) => e.record.id === own.id), "the sentinel");

    expect(outsiderAll.events.map((e) => e.record.id)).toEqual([own.id]);
    expect(outsiderOne.events).toEqual([]);
    expect(ownerAll.events.map((e) => e.action)).toEqual(["create", "update"]);

    const listed = await outsider.client.collection("rooms").getFullList();
    expect(listed.map((r) => r.id)).toEqual([own.id]);
    await expect(outsider.client.collection("rooms").getOne(room.id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(owner.client.collection("rooms").getOne(room.id)).resolves.toMatchObject({
      name: "Secret, renamed",
    });

    await Promise.all([
      outsiderAll.unsubscribe(),
      ownerAll.unsubscribe(),
      outsiderOne.unsubscribe(),
    ]);
  });

  it("is refused to anonymous callers", async () => {
    const visitor = anonymousClient(server);
    await expect(
      visitor.collection("rooms").create({ name: "Nope", type: "private" }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(visitor.collection("rooms").getFullList()).resolves.toEqual([]);
  });
});

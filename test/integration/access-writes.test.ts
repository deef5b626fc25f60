// Writing in a room is one decision (message-write.ts planWrite), whatever the door: editing and
// the E2EE key routes used to check less than a send (issue #16, findings 3 and 4).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import { api, failure } from "../support/api.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const FAR_FUTURE = "2999-01-01 00:00:00.000Z";

async function membershipOf(roomId: string, user: TestUser): Promise<{ id: string }> {
  return server.admin
    .collection("room_members")
    .getFirstListItem(`room = '${roomId}' && user = '${user.record.id}'`);
}

async function mentionNotifications(user: TestUser): Promise<number> {
  const list = await server.admin
    .collection("notifications")
    .getList(1, 1, { filter: `recipient = '${user.record.id}' && type = 'mention'` });
  return list.totalItems;
}

describe("editing a message is writing in its room", () => {
  // each case: the author wrote a message, then lost the right to write there
  const cases: [string, (room: string, author: TestUser) => Promise<void>][] = [
    [
      "banned (confined to the jail)",
      async (_room, author) => {
        await server.admin
          .collection("users")
          .update(author.record.id, { bannedUntil: FAR_FUTURE });
      },
    ],
    [
      "muted in the room",
      async (room, author) => {
        const membership = await membershipOf(room, author);
        await server.admin
          .collection("room_members")
          .update(membership.id, { mutedUntil: FAR_FUTURE });
      },
    ],
    [
      "left the room",
      async (room, author) => {
        await api(author.client, "POST", `/rooms/${room}/leave`);
      },
    ],
  ];
  for (const [who, loseRight] of cases) {
    it(`is refused when the author has ${who}, and notifies nobody`, async () => {
      const [owner, author, reader] = await Promise.all([
        createUser(server),
        createUser(server),
        createUser(server),
      ]);
      const room = await seedRoom(server, "public", [owner, author, reader]);
      const message = await createPocketBaseBackend(author.client).messages.sendMessage(
        room.id,
        "original",
      );
      await loseRight(room.id, author);
      const edit = createPocketBaseBackend(author.client).messages.editMessage(
        message.id,
        `now with @${reader.record.username}`,
      );
      expect(await failure(edit)).toMatchObject({ status: 403 });
      const stored = await server.admin.collection("messages").getOne(message.id);
      expect(stored["content"]).toBe("original");
      expect(stored["editedAt"]).toBe("");
      expect(await mentionNotifications(reader)).toBe(0);
    });
  }

  it("still works for a member in good standing", async () => {
    const [author, reader] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [author, reader]);
    const message = await createPocketBaseBackend(author.client).messages.sendMessage(room.id, "a");
    const edited = await createPocketBaseBackend(author.client).messages.editMessage(
      message.id,
      `b @${reader.record.username}`,
    );
    expect(edited.content).toBe(`b @${reader.record.username}`);
    expect(await mentionNotifications(reader)).toBe(1);
  });
});

describe("E2EE key routes while banned", () => {
  it("refuse a banned member the keys of rooms outside the jail", async () => {
    const [owner, banned] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [owner, banned]);
    expect(await api(banned.client, "GET", `/rooms/${room.id}/public-keys`)).toHaveLength(2);
    await server.admin.collection("users").update(banned.record.id, { bannedUntil: FAR_FUTURE });
    for (const path of [`/rooms/${room.id}/public-keys`, `/rooms/${room.id}/key`]) {
      expect(await failure(api(banned.client, "GET", path))).toMatchObject({ status: 403 });
    }
    // the owner is not affected
    expect(await api(owner.client, "GET", `/rooms/${room.id}/public-keys`)).toHaveLength(2);
  });
});

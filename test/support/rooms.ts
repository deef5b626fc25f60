// Seeding rooms and messages directly as superuser, for tests about what users may do with them.
import type { MessagesResponse, RoomsResponse } from "../../types/pocketbase-types.ts";
import type { TestServer } from "./server.ts";
import type { TestUser } from "./users.ts";

/** A room with the given members; the first is the owner. */
export async function seedRoom(
  server: TestServer,
  type: "public" | "private",
  members: TestUser[],
  name = `${type} room`,
): Promise<RoomsResponse> {
  const room = await server.admin
    .collection("rooms")
    .create<RoomsResponse>({ name, type, createdBy: members[0]?.record.id ?? "", keyVersion: 0 });
  for (const [i, member] of members.entries()) {
    await seedMembership(server, room.id, member, i === 0 ? "owner" : "member");
  }
  return room;
}

export async function seedMembership(
  server: TestServer,
  roomId: string,
  user: TestUser,
  role: "owner" | "admin" | "member" = "member",
): Promise<void> {
  const now = new Date().toISOString().replace("T", " ");
  await server.admin.collection("room_members").create({
    room: roomId,
    user: user.record.id,
    role,
    lastReadAt: now,
    mentionsReadAt: now,
    reactionsReadAt: now,
  });
}

/** A message written straight into the database (the messages API is not under test here). */
export async function seedMessage(
  server: TestServer,
  roomId: string,
  author: TestUser,
  content = "hello",
): Promise<MessagesResponse> {
  return server.admin
    .collection("messages")
    .create<MessagesResponse>({ room: roomId, author: author.record.id, content, type: "text" });
}

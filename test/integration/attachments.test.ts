// Message attachments: protected files that only the room's members can fetch, with thumbnails,
// and refused when too large or of a type a chat does not carry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { MessagesResponse } from "../../types/pocketbase-types.ts";
import { failure } from "../support/api.ts";
import { makePng } from "../support/png.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let sender: TestUser;
let member: TestUser;
let outsider: TestUser;
let roomId: string;

beforeAll(async () => {
  server = await startPocketBase();
  [sender, member, outsider] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server),
  ]);
  roomId = (await seedRoom(server, "private", [sender])).id;
  await seedMembership(server, roomId, member);
});
afterAll(() => server.stop());

const png = (bytes: Buffer, name = "photo.png") =>
  new File([new Uint8Array(bytes)], name, { type: "image/png" });

async function download(u: TestUser, message: MessagesResponse, query = ""): Promise<number> {
  const token = await u.client.files.getToken();
  const url = `${server.url}/api/files/messages/${message.id}/${message.attachments[0]}?token=${token}${query}`;
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

describe("attachments", () => {
  it("are readable by members through file tokens, with thumbnails, and by nobody else", async () => {
    const message = await createPocketBaseBackend(sender.client).messages.sendWithFiles(
      roomId,
      "image",
      [png(makePng(200, 150))],
    );
    expect(message.attachments).toHaveLength(1);
    expect(await download(member, message)).toBe(200);
    expect(await download(member, message, "&thumb=100x100")).toBe(200);
    expect(await download(outsider, message)).toBe(404);
    const anonymous = await fetch(
      `${server.url}/api/files/messages/${message.id}/${message.attachments[0]}`,
    );
    expect(anonymous.status).toBe(404);
  });

  it("go with the message when it is deleted", async () => {
    const message = await createPocketBaseBackend(sender.client).messages.sendWithFiles(
      roomId,
      "image",
      [png(makePng(10, 10))],
    );
    await createPocketBaseBackend(sender.client).messages.deleteMessage(message.id);
    expect(await download(member, message)).toBe(404);
  });

  it("refuse executables, oversized files and media messages without media", async () => {
    const exe = new File(
      [Buffer.concat([Buffer.from("MZ\x90\x00"), Buffer.alloc(2048)])],
      "run.exe",
      {
        type: "application/x-msdownload",
      },
    );
    const messages = createPocketBaseBackend(sender.client).messages;
    const bad = [
      () => messages.sendWithFiles(roomId, "file", [exe]),
      () => messages.sendWithFiles(roomId, "image", [png(makePng(10, 10, 50 * 1024 * 1024 + 1))]),
      () => messages.sendWithFiles(roomId, "image", []),
    ];
    for (const request of bad) expect((await failure(request())).status).toBe(400);
    // refused with the message of PocketBase's own create route
    const refused = await failure(messages.sendWithFiles(roomId, "file", [exe]));
    expect(refused.message).toBe("Failed to create record.");
    // a JSON body cannot name files: they would point at nothing this record owns
    const named = await failure(
      sender.client
        .collection("messages")
        .create({ room: roomId, type: "image", attachments: ["a.png"] }),
    );
    expect(named.status).toBe(400);
    const stored = await server.admin
      .collection("messages")
      .getList(1, 100, { filter: `room = "${roomId}"` });
    expect(stored.items.every((m) => m["deletedAt"] !== "" || m["attachments"].length > 0)).toBe(
      true,
    );
    expect(stored.totalItems).toBe(2);
  });

  it("are carried over when forwarded", async () => {
    const target = await seedRoom(server, "private", [member]);
    const original = await createPocketBaseBackend(sender.client).messages.sendWithFiles(
      roomId,
      "image",
      [png(makePng(20, 20))],
    );
    const copy = await createPocketBaseBackend(member.client).messages.forwardMessage(
      original.id,
      target.id,
    );
    expect(copy.attachments).toHaveLength(1);
    expect(await download(member, copy)).toBe(200);
    expect(await download(sender, copy)).toBe(404); // sender is not in the target room
  });
});

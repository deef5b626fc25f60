// The owner setting KONVERT_DECODE_SESSION_CONTENT: content the original client sealed with its
// app-wide key (spec §4.13) is stored as plaintext when on, so mentions, previews and search work;
// off (the default), it stays exactly as sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANON_KEY, legacyFetch, legacySignup, type LegacyUser } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { sealSession, sessionKey } from "../support/session-seal.ts";

type Message = Record<string, unknown> & { id: string; content: string; mentions?: string[] };
type Room = Record<string, unknown> & { id: string; last_message?: { content: string } };

interface Chat {
  server: TestServer;
  alice: LegacyUser;
  bob: LegacyUser;
  roomId: string;
}

/** A server with alice and bob in one private room. */
async function chatOn(env?: Record<string, string>): Promise<Chat> {
  const server = await startPocketBase(env ? { env } : {});
  const alice = await legacySignup(server, "alice");
  const bob = await legacySignup(server, "bob");
  const room = await legacyFetch<{ id: string }>(server, "POST", "/rooms", alice.token, {
    name: "Sealed",
    type: "private",
  });
  await legacyFetch(server, "POST", `/rooms/${room.body.id}/invite`, alice.token, {
    userId: bob.id,
  });
  return { server, alice, bob, roomId: room.body.id };
}

async function send(chat: Chat, content: string): Promise<Message> {
  const res = await legacyFetch<Message>(chat.server, "POST", "/messages", chat.alice.token, {
    roomId: chat.roomId,
    content,
    type: "text",
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function previewFor(chat: Chat, user: LegacyUser): Promise<string | undefined> {
  const res = await legacyFetch<{ rooms: Room[] }>(chat.server, "GET", "/rooms", user.token);
  return res.body.rooms.find((r) => r.id === chat.roomId)?.last_message?.content;
}

/** Full-text search of the typed API, with the legacy access token (it is a PocketBase token). */
async function searchIds(chat: Chat, user: LegacyUser, q: string): Promise<string[]> {
  const res = await fetch(`${chat.server.url}/api/konvert/search?q=${encodeURIComponent(q)}`, {
    headers: { Authorization: user.token },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string }[] }).items.map((m) => m.id);
}

async function mentionNotices(chat: Chat, user: LegacyUser): Promise<Record<string, unknown>[]> {
  const res = await legacyFetch<{ notifications: Record<string, unknown>[] }>(
    chat.server,
    "GET",
    "/notifications",
    user.token,
  );
  return res.body.notifications.filter((n) => n["type"] === "mention");
}

describe("by default (KONVERT_DECODE_SESSION_CONTENT unset) content is decoded", () => {
  let chat: Chat;
  beforeAll(async () => {
    chat = await chatOn();
  });
  afterAll(() => chat.server.stop());

  it("a sealed send mentioning @bob stores the text, mentions and notifies him", async () => {
    const message = await send(chat, sealSession("планёрка в пять, @bob не опаздывай"));
    expect(message).toMatchObject({
      content: "планёрка в пять, @bob не опаздывай",
      mentions: [chat.bob.id],
    });
    const notices = await mentionNotices(chat, chat.bob);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ messageId: message.id, fromUserId: chat.alice.id });
    expect(await previewFor(chat, chat.bob)).toBe("планёрка в пять, @bob не опаздывай");
    expect(await searchIds(chat, chat.bob, "планёрка")).toEqual([message.id]);
    const inRoom = await legacyFetch<{ messages: Message[] }>(
      chat.server,
      "GET",
      `/messages/${chat.roomId}/search?q=${encodeURIComponent("планёрка")}`,
      chat.bob.token,
    );
    expect(inRoom.body.messages.map((m) => m.id)).toEqual([message.id]);
  });

  it("a sealed edit is decoded too, and mentions follow the text", async () => {
    const message = await send(chat, sealSession("черновик"));
    const res = await legacyFetch<Message>(
      chat.server,
      "PUT",
      `/messages/${message.id}`,
      chat.alice.token,
      { content: sealSession("итог: @bob ведёт отчёт") },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ content: "итог: @bob ведёт отчёт", mentions: [chat.bob.id] });
    expect(await searchIds(chat, chat.bob, "отчёт")).toEqual([message.id]);
  });

  it("DM sends are decoded", async () => {
    const dm = await legacyFetch<{ id: string }>(
      chat.server,
      "POST",
      "/dm/create",
      chat.alice.token,
      {
        userId: chat.bob.id,
      },
    );
    const res = await legacyFetch<Message>(
      chat.server,
      "POST",
      `/dm/${dm.body.id}/messages`,
      chat.alice.token,
      { content: sealSession("личное сообщение") },
    );
    expect(res).toMatchObject({ status: 200, body: { content: "личное сообщение" } });
  });

  it("envelopes that do not open, or are over 2 KB, are stored unchanged (never a 500)", async () => {
    for (const content of [
      sealSession("другой ключ @bob", sessionKey("another seed")),
      sealSession("@bob " + "д".repeat(1100)),
      JSON.stringify({ version: "v1", ciphertext: "!!!", iv: "x" }),
    ]) {
      const message = await send(chat, content);
      expect(message.content).toBe(content);
      expect(message).not.toHaveProperty("mentions");
    }
    expect(await mentionNotices(chat, chat.bob)).toHaveLength(2); // the two from above only
  });

  it("plain content from other clients is untouched", async () => {
    const message = await send(chat, "просто текст");
    expect(message.content).toBe("просто текст");
    const anon = await legacyFetch(chat.server, "POST", "/messages", ANON_KEY, {
      roomId: chat.roomId,
      content: sealSession("x"),
    });
    expect(anon.status).toBe(401);
  });
});

describe("KONVERT_DECODE_SESSION_CONTENT=off: content stays opaque", () => {
  let chat: Chat;
  beforeAll(async () => {
    chat = await chatOn({ KONVERT_DECODE_SESSION_CONTENT: "off" });
  });
  afterAll(() => chat.server.stop());

  it("stores the envelope as sent: no mention, opaque preview, not searchable", async () => {
    const sealed = sealSession("секретная планёрка, @bob");
    const message = await send(chat, sealed);
    expect(message.content).toBe(sealed);
    expect(message).not.toHaveProperty("mentions");
    expect(await mentionNotices(chat, chat.bob)).toEqual([]);
    // whole, so the client can open it (the original cut it to 100 characters: B17)
    expect(await previewFor(chat, chat.bob)).toBe(sealed);
    expect(await searchIds(chat, chat.bob, "планёрка")).toEqual([]);
  });
});

// The legacy API on imported data: accounts moved by the import tool sign in through
// POST /auth/signin with their old passwords and find their rooms, messages, DMs and pending
// friend requests through the same routes the original frontend calls. CSV source, no PostgreSQL.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImport } from "../../scripts/import/run.ts";
import { SUPERUSER } from "../support/constants.ts";
import { ANON_KEY, legacyFetch } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

const HASH = "b0f1e6d5";
const u = (n: number) => `${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-00000000000${n}`;
const U = { ana: u(1), ben: u(2) };
const ROOM = "cccccccc-0000-4000-8000-000000000001";
const DM = [U.ana, U.ben].sort().join(":");
const msg = (n: number) => `dddddddd-0000-4000-8000-00000000000${n}`;
const PASSWORD = "old-password";
const NOTE = "notification:1730459520000:abcdefghi";

function kvRows(): [string, unknown][] {
  const user = (id: string, name: string): [string, unknown] => [
    `user:${id}`,
    {
      id,
      email: `${name}@example.com`,
      username: name,
      role: "user",
      created_at: "2025-11-01T10:00:00Z",
    },
  ];
  const message = (
    id: string,
    room: string,
    minute: number,
    sender: string,
    content: string,
  ): [string, unknown] => [
    `message:${id}`,
    {
      id,
      room_id: room,
      sender_id: sender,
      content,
      type: "text",
      created_at: new Date(Date.UTC(2025, 10, 1, 11, minute)).toISOString(),
      reactions: { "👍": [U.ben] },
    },
  ];
  return [
    user(U.ana, "ana"),
    user(U.ben, "ben"),
    [
      `room:${ROOM}`,
      {
        id: ROOM,
        name: "Общая",
        type: "private",
        created_by: U.ana,
        created_at: "2025-11-01T10:00:00Z",
        members: [U.ana, U.ben],
        pinned_message_id: msg(1),
      },
    ],
    message(msg(1), ROOM, 1, U.ana, "привет всем"),
    message(msg(2), ROOM, 2, U.ben, "и тебе"),
    [
      `message:${msg(4)}`,
      { ...(message(msg(4), ROOM, 4, U.ana, "Обед?")[1] as object), type: "poll" },
    ],
    [
      `poll:${msg(4)}`,
      {
        id: msg(4),
        message_id: msg(4),
        question: "Обед?",
        options: ["суп", "салат"],
        votes: { "0": [U.ben] },
        anonymous: false,
        created_by: U.ana,
        created_at: "2025-11-01T11:04:00Z",
      },
    ],
    [`poll_message:${msg(4)}`, msg(4)],
    [`room_messages:${ROOM}`, [msg(1), msg(2), msg(4)]],
    [
      NOTE,
      {
        id: NOTE,
        userId: U.ana,
        type: "mention",
        fromUserId: U.ben,
        roomId: ROOM,
        messageId: msg(2),
        content: "и тебе",
        read: false,
        createdAt: "2025-11-01T11:02:00Z",
      },
    ],
    [`user_notifications:${U.ana}`, [NOTE]],
    [
      `achievements:${U.ana}`,
      {
        userId: U.ana,
        achievements: {
          first_message: {
            achievementId: "first_message",
            progress: 1,
            isUnlocked: true,
            unlockedAt: "2025-11-01T11:01:00Z",
          },
        },
        lastUpdated: "2025-11-01T11:01:00Z",
      },
    ],
    [
      `dm:${DM}`,
      { id: DM, participants: DM.split(":"), created_at: "2025-11-01T10:00:00Z", unread_count: {} },
    ],
    message(msg(3), DM, 3, U.ben, "лично"),
    [`dm_messages:${DM}`, [msg(3)]],
    [
      `friend_request:${U.ben}:${U.ana}`,
      {
        id: `friend_request:${U.ben}:${U.ana}`,
        fromUserId: U.ben,
        toUserId: U.ana,
        status: "pending",
        createdAt: "2025-11-01T12:00:00Z",
      },
    ],
  ];
}

const csvCell = (text: string) => `"${text.replace(/"/g, '""')}"`;

let server: TestServer;
let work: string;

beforeAll(async () => {
  server = await startPocketBase();
  work = mkdtempSync(join(tmpdir(), "konvert-compat-import-"));
  const source = join(work, "export");
  mkdirSync(source);
  writeFileSync(
    join(source, `kv_store_${HASH}.csv`),
    ["key,value", ...kvRows().map(([k, v]) => `${csvCell(k)},${csvCell(JSON.stringify(v))}`)].join(
      "\n",
    ),
  );
  const hash = bcrypt.hashSync(PASSWORD, 4);
  writeFileSync(
    join(source, "auth_users.csv"),
    [
      "id,email,encrypted_password,created_at",
      ...Object.entries(U).map(([n, id]) => `${id},${n}@example.com,${hash},2025-11-01T10:00:00Z`),
    ].join("\n"),
  );
  await runImport({
    from: source,
    expectRows: kvRows().length, // a CSV carries no count of its own
    to: server.url,
    adminEmail: SUPERUSER.email,
    adminPassword: SUPERUSER.password,
  });
}, 60_000);

afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

async function signIn(name: string): Promise<{ id: string; token: string }> {
  const res = await legacyFetch<{ user: { id: string }; access_token: string }>(
    server,
    "POST",
    "/auth/signin",
    ANON_KEY,
    { email: `${name}@example.com`, password: PASSWORD },
  );
  expect(res.status).toBe(200);
  return { id: res.body.user.id, token: res.body.access_token };
}

describe("imported data through the legacy API", () => {
  it("old users sign in with old passwords and see their rooms and history", async () => {
    const ana = await signIn("ana");
    const ben = await signIn("ben");
    const rooms = await legacyFetch<{ rooms: { id: string; name: string; members: string[] }[] }>(
      server,
      "GET",
      "/rooms",
      ana.token,
    );
    const room = rooms.body.rooms.find((r) => r.name === "Общая");
    expect(room).toBeDefined();
    expect(room!.members.sort()).toEqual([ana.id, ben.id].sort());

    const history = await legacyFetch<{ messages: Record<string, unknown>[] }>(
      server,
      "GET",
      `/messages/${room!.id}?limit=100`,
      ben.token,
    );
    expect(history.status).toBe(200);
    expect(
      history.body.messages
        .filter((m) => m["type"] !== "poll")
        .map((m) => [m["sender_username"], m["content"]]),
    ).toEqual([
      ["ana", "привет всем"],
      ["ben", "и тебе"],
    ]);
    expect(history.body.messages[0]!["reactions"]).toEqual({ "👍": [ben.id] });
    expect(history.body.messages[0]!["created_at"]).toBe("2025-11-01T11:01:00.000Z");
  });

  it("DMs come back under the sorted pair of the accounts' ids, with their messages", async () => {
    const ana = await signIn("ana");
    const ben = await signIn("ben");
    const dms = await legacyFetch<{ dms: { id: string }[] }>(server, "GET", "/dm/list", ana.token);
    const pair = [ana.id, ben.id].sort().join(":");
    expect(dms.body.dms.map((d) => d.id)).toEqual([pair]);
    const messages = await legacyFetch<{ messages: { content: string }[] }>(
      server,
      "GET",
      `/dm/${pair}/messages`,
      ana.token,
    );
    expect(messages.body.messages.map((m) => m.content)).toEqual(["лично"]);
  });

  it("a pending friend request can be accepted with its legacy key", async () => {
    const ana = await signIn("ana");
    const ben = await signIn("ben");
    const check = await legacyFetch(server, "GET", `/friend-requests/${ana.id}/check`, ben.token);
    expect(check.body).toEqual({
      pending: true,
      requestKey: `friend_request:${ben.id}:${ana.id}`,
    });
    const accept = await legacyFetch(
      server,
      "POST",
      `/friend-requests/friend_request:${ben.id}:${ana.id}/accept`,
      ana.token,
    );
    expect(accept).toMatchObject({ status: 200, body: { message: "Запрос принят" } });
  });

  it("every route the app calls takes the ids it was given for imported records", async () => {
    const ana = await signIn("ana");
    const ben = await signIn("ben");
    const rooms = await legacyFetch<{ rooms: Record<string, unknown>[] }>(
      server,
      "GET",
      "/rooms",
      ana.token,
    );
    const room = rooms.body.rooms.find((r) => r["name"] === "Общая")!;
    const roomId = String(room["id"]);
    const history = await legacyFetch<{ messages: Record<string, unknown>[] }>(
      server,
      "GET",
      `/messages/${roomId}?limit=100`,
      ana.token,
    );
    const byContent = (c: string) =>
      String(history.body.messages.find((m) => m["content"] === c)!["id"]);
    const first = byContent("привет всем");
    const poll = String(history.body.messages.find((m) => m["type"] === "poll")!["id"]);
    // the pin came along and can be moved
    expect(room["pinned_message_id"]).toBe(first);
    const ok = (res: { status: number }) => expect(res.status).toBe(200);
    ok(await legacyFetch(server, "DELETE", `/rooms/${roomId}/pin`, ana.token));
    ok(await legacyFetch(server, "POST", `/rooms/${roomId}/pin`, ana.token, { messageId: first }));
    // reactions, edits, read marks on imported messages
    ok(await legacyFetch(server, "POST", `/messages/${first}/react`, ana.token, { emoji: "🔥" }));
    ok(await legacyFetch(server, "DELETE", `/messages/${first}/react`, ben.token, { emoji: "👍" }));
    ok(await legacyFetch(server, "PUT", `/messages/${first}`, ana.token, { content: "привет!" }));
    ok(await legacyFetch(server, "POST", `/rooms/${roomId}/mark-read`, ben.token));
    const after = await legacyFetch<{ messages: Record<string, unknown>[] }>(
      server,
      "GET",
      `/messages/${roomId}?limit=100`,
      ben.token,
    );
    const edited = after.body.messages.find((m) => m["id"] === first)!;
    expect(edited["content"]).toBe("привет!");
    expect(edited["reactions"]).toEqual({ "🔥": [ana.id] });
    // the imported poll, asked by its message's id as the app does, with its imported vote
    const shown = await legacyFetch<{ poll: { votes: Record<string, string[]> } }>(
      server,
      "GET",
      `/polls/${poll}`,
      ana.token,
    );
    expect(shown.status).toBe(200);
    expect(shown.body.poll.votes).toEqual({ "0": [ben.id], "1": [] });
    const voted = await legacyFetch<{ votes: Record<string, string[]> }>(
      server,
      "POST",
      `/polls/${poll}/vote`,
      ana.token,
      { optionIndex: 1 },
    );
    expect(voted.body.votes).toEqual({ "0": [ben.id], "1": [ana.id] });
    // the imported notification: listed, marked read, deleted by the id the list gave
    const notes = await legacyFetch<{ notifications: Record<string, unknown>[] }>(
      server,
      "GET",
      "/notifications",
      ana.token,
    );
    const note = notes.body.notifications.find((n) => n["type"] === "mention")!;
    expect(note).toMatchObject({ read: false });
    ok(await legacyFetch(server, "POST", `/notifications/${String(note["id"])}/read`, ana.token));
    ok(await legacyFetch(server, "DELETE", `/notifications/${String(note["id"])}`, ana.token));
    // imported achievements under the account's new id
    const achievements = await legacyFetch<{
      achievements: Record<string, { isUnlocked: boolean }>;
    }>(server, "GET", `/achievements/${ana.id}`, ana.token);
    expect(achievements.body.achievements["first_message"]?.isUnlocked).toBe(true);
    // the imported DM takes new messages and read marks
    const pair = [ana.id, ben.id].sort().join(":");
    ok(await legacyFetch(server, "POST", `/dm/${pair}/messages`, ben.token, { content: "ещё" }));
    ok(await legacyFetch(server, "POST", `/dm/${pair}/read`, ana.token));
  });
});

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
      },
    ],
    message(msg(1), ROOM, 1, U.ana, "привет всем"),
    message(msg(2), ROOM, 2, U.ben, "и тебе"),
    [`room_messages:${ROOM}`, [msg(1), msg(2)]],
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
    expect(history.body.messages.map((m) => [m["sender_username"], m["content"]])).toEqual([
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
});

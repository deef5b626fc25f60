// A Konvert-shaped Supabase database: auth.users and kv_store_b0f1e6d5 with every key kind of the
// layout doc and its quirks (double-encoded values, mute_until/muted_until, case-colliding
// usernames, duplicated jail rooms, both DM mechanisms, orphans, unknown keys, awkward text).
import bcrypt from "bcryptjs";
import pg from "pg";
import type { TestServer } from "../support/server.ts";
import { anonymousClient } from "../support/users.ts";

export const TABLE = "kv_store_b0f1e6d5";
const u = (n: number) =>
  `${String(n).repeat(8)}-${String(n).repeat(4)}-4${String(n).repeat(3)}-8${String(n).repeat(3)}-${String(n).repeat(12)}`;
export const U = {
  ibro: u(1),
  alice: u(2),
  alice2: u(3),
  banned: u(4),
  bob: u(5),
  ghost: u(6),
  oauth: u(7),
};
export const PASSWORDS = { ibro: "old-password-ibro", alice: "old-password-alice" };
const R = {
  main: "aaaaaaaa-0000-4000-8000-000000000001",
  priv: "aaaaaaaa-0000-4000-8000-000000000002",
  jailA: "aaaaaaaa-0000-4000-8000-000000000003",
  jailB: "aaaaaaaa-0000-4000-8000-000000000004",
  fav: "aaaaaaaa-0000-4000-8000-000000000005",
  legacyDm: "aaaaaaaa-0000-4000-8000-000000000006",
  legacyDm2: "aaaaaaaa-0000-4000-8000-000000000007",
  bulk: "aaaaaaaa-0000-4000-8000-000000000008",
};
export const ROOMS = R;
const m = (n: number) => `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, "0")}`;
export const M = {
  hello: m(1),
  reply: m(2),
  poll: m(3),
  deleted: m(4),
  edited: m(5),
  priv: m(6),
  dm1: m(7),
  dm2: m(8),
  orphan: m(9),
};
export const DM = `${U.alice}:${U.alice2}`;
export const AWKWARD = 'line1\nline2\t"quoted" back\\slash it\'s Привет 👋 100%_';

const t = (minute: number) => new Date(Date.UTC(2025, 10, 1, 10, minute)).toISOString();

export function kvRows(bulkMessages = 0): [string, unknown][] {
  const rows: [string, unknown][] = [
    [
      `user:${U.ibro}`,
      {
        id: U.ibro,
        email: "ibro@example.com",
        username: "iBro",
        role: "admin",
        status: "online",
        created_at: t(0),
        friends: [],
        last_activity: t(50),
      },
    ],
    [
      `user:${U.alice}`,
      {
        id: U.alice,
        email: "alice@example.com",
        username: "Alice",
        display_name: "Alice A",
        role: "user",
        created_at: t(1),
        friends: [U.alice2],
        blocked_users: [U.bob],
        muted: true,
        mute_until: "2099-01-01T00:00:00.000Z",
        public_key: "MIIBIjANBg==",
        room_keys: { [R.main]: "wrapped-key-main" },
        gender: "f",
        age: 30,
        interests: "chess",
        privacySettings: { showAge: false },
        theme: "dark",
      },
    ],
    [
      `user:${U.alice2}`,
      {
        id: U.alice2,
        email: "alice2@example.com",
        username: "alice",
        role: "vip",
        created_at: t(2),
        friends: [U.alice],
        muted: true,
        muted_until: "2099-02-01T00:00:00.000Z",
      },
    ],
    [
      `user:${U.banned}`,
      {
        id: U.banned,
        email: "banned@example.com",
        username: "Banned",
        role: "user",
        created_at: t(3),
        banned: true,
        ban_until: "2099-03-01T00:00:00.000Z",
      },
    ],
    [
      `user:${U.ghost}`,
      {
        id: U.ghost,
        email: "ghost@example.com",
        username: "ghost",
        role: "moderator",
        created_at: t(4),
      },
    ],
    [
      `user:${U.oauth}`,
      JSON.stringify({
        id: U.oauth,
        email: "oauth@example.com",
        username: "oauth_user",
        role: "user",
        created_at: t(5),
      }),
    ],
    ["user:broken", "not a profile"],
    [`username:ibro`, U.ibro],
    [`username:alice`, U.alice],
    [
      `room:${R.main}`,
      {
        id: R.main,
        name: "Главная",
        type: "public",
        created_by: U.ibro,
        created_at: t(10),
        members: [U.ibro, U.alice, U.alice2],
        pinned_message_id: M.reply,
        pinned_message_ids: [M.hello, M.reply],
        unread_count: { [U.alice]: 1, [U.alice2]: 0 },
        unread_mentions: { [U.alice2]: 1 },
        unread_reactions: { [U.alice]: 2 },
        last_read: { [U.alice]: t(11) },
      },
    ],
    [
      `room:${R.priv}`,
      JSON.stringify({
        id: R.priv,
        name: "Private",
        type: "private",
        created_by: U.alice,
        created_at: t(12),
        members: [U.alice, U.alice2, "ffffffff-dead-4000-8000-000000000000"],
      }),
    ],
    [
      `room:${R.jailA}`,
      {
        id: R.jailA,
        name: "🔒 Азкабан",
        type: "private",
        created_by: U.ibro,
        created_at: t(13),
        members: [U.banned],
      },
    ],
    [
      `room:${R.jailB}`,
      {
        id: R.jailB,
        name: "🔒 Азкабан",
        type: "private",
        created_by: U.ghost,
        created_at: t(14),
        members: [U.banned],
      },
    ],
    [
      `room:${R.fav}`,
      {
        id: R.fav,
        name: "⭐ Избранное",
        type: "private",
        created_by: U.alice,
        created_at: t(15),
        members: [U.alice],
        is_favorites: true,
      },
    ],
    [
      `room:${R.legacyDm}`,
      {
        id: R.legacyDm,
        name: "DM: alice & alice",
        type: "dm",
        created_by: U.alice,
        created_at: t(16),
        members: [U.alice, U.alice2],
        dm_participants: [U.alice2, U.alice],
      },
    ],
    [
      `room:${R.legacyDm2}`,
      {
        id: R.legacyDm2,
        name: "DM: iBro & Alice",
        type: "dm",
        created_by: U.ibro,
        created_at: t(17),
        members: [U.ibro, U.alice],
        dm_participants: [U.ibro, U.alice],
      },
    ],
    [
      `room_messages:${R.main}`,
      [M.hello, M.reply, M.poll, M.deleted, M.edited, "bbbbbbbb-dead-4000-8000-000000000000"],
    ],
    [`room_messages:${R.priv}`, [M.priv]],
    [
      `message:${M.hello}`,
      {
        id: M.hello,
        room_id: R.main,
        sender_id: U.ibro,
        sender_username: "iBro",
        content: "hello",
        type: "text",
        created_at: t(20),
        reactions: {},
      },
    ],
    [
      `message:${M.reply}`,
      {
        id: M.reply,
        room_id: R.main,
        sender_id: U.alice,
        sender_username: "Alice",
        content: AWKWARD,
        type: "text",
        reply_to: M.hello,
        created_at: t(21),
        reactions: { "👍": [U.ibro, U.alice2], "❤️": [U.alice2] },
        mentions: [U.alice2],
      },
    ],
    [
      `message:${M.poll}`,
      {
        id: M.poll,
        room_id: R.main,
        sender_id: U.ibro,
        content: "📊 Q?\n\n1. A\n2. B",
        type: "poll",
        created_at: t(22),
        reactions: {},
      },
    ],
    [
      `message:${M.deleted}`,
      {
        id: M.deleted,
        room_id: R.main,
        sender_id: U.alice2,
        content: "oops",
        type: "text",
        created_at: t(23),
        deleted: true,
        deleted_at: t(24),
        deleted_by: U.alice2,
      },
    ],
    [
      `message:${M.edited}`,
      {
        id: M.edited,
        room_id: R.main,
        sender_id: U.alice2,
        content: '{"version":"v1","ciphertext":"abc=","iv":"def="}',
        type: "text",
        created_at: t(25),
        edited: true,
        edited_at: t(26),
      },
    ],
    [
      `message:${M.priv}`,
      {
        id: M.priv,
        room_id: R.priv,
        sender_id: U.alice,
        content: "private",
        type: "voice",
        created_at: t(27),
      },
    ],
    [
      `message:${M.dm1}`,
      {
        id: M.dm1,
        room_id: DM,
        sender_id: U.alice,
        content: "dm one",
        type: "text",
        created_at: t(28),
      },
    ],
    [
      `message:${M.dm2}`,
      {
        id: M.dm2,
        room_id: DM,
        sender_id: U.alice2,
        content: "dm two",
        type: "text",
        created_at: t(29),
        reactions: { "🔥": [U.alice] },
      },
    ],
    [
      `message:${M.orphan}`,
      {
        id: M.orphan,
        room_id: "cccccccc-0000-4000-8000-000000000000",
        sender_id: U.alice,
        content: "lost",
        type: "text",
        created_at: t(30),
      },
    ],
    [
      `poll:${M.poll}`,
      {
        id: M.poll,
        message_id: M.poll,
        question: "Q?",
        options: ["A", "B"],
        votes: { "0": [U.alice], "1": [U.alice2] },
        anonymous: false,
        created_by: U.ibro,
        created_at: t(22),
      },
    ],
    [`poll_message:${M.poll}`, M.poll],
    [
      `dm:${DM}`,
      {
        id: DM,
        participants: [U.alice, U.alice2],
        created_at: t(18),
        unread_count: { [U.alice]: 1, [U.alice2]: 0 },
        last_read: {},
      },
    ],
    [`dm_messages:${DM}`, [M.dm1, M.dm2]],
    [`dm_hidden:${DM}:${U.alice2}`, { hidden_at: t(40) }],
    [
      "notification:1761991200000:abc123xyz",
      {
        id: "notification:1761991200000:abc123xyz",
        userId: U.alice2,
        type: "mention",
        fromUserId: U.alice,
        fromUsername: "Alice",
        roomId: R.main,
        roomName: "Главная",
        messageId: M.reply,
        content: "hi",
        read: false,
        createdAt: t(21),
      },
    ],
    [
      "notification:1761991300000:def456uvw",
      {
        id: "notification:1761991300000:def456uvw",
        userId: U.ibro,
        type: "friend_request",
        fromUserId: U.bob,
        fromUsername: "bob",
        read: true,
        createdAt: t(31),
        actionData: { requestKey: `friend_request:${U.bob}:${U.ibro}` },
      },
    ],
    [`user_notifications:${U.alice2}`, ["notification:1761991200000:abc123xyz"]],
    [
      `friend_request:${U.bob}:${U.ibro}`,
      {
        id: `friend_request:${U.bob}:${U.ibro}`,
        fromUserId: U.bob,
        toUserId: U.ibro,
        fromUsername: "bob",
        toUsername: "iBro",
        status: "pending",
        createdAt: t(31),
      },
    ],
    [
      `achievements:${U.alice}`,
      {
        userId: U.alice,
        achievements: {
          first_message: {
            achievementId: "first_message",
            progress: 1,
            isUnlocked: true,
            unlockedAt: t(21),
          },
          chatterbox: { achievementId: "chatterbox", progress: 3, isUnlocked: false },
          made_up: { progress: 1 },
        },
        lastUpdated: t(30),
      },
    ],
    [
      `activity_streak:${U.alice}`,
      { currentStreak: 3, lastActivityDate: "2025-11-05", longestStreak: 7 },
    ],
    ["settings:global", { maintenance: false, note: AWKWARD }],
    ["friendXrequest:decoy", true],
    ["counter", 42],
  ];
  for (let i = 0; i < bulkMessages; i++) {
    const id = `dddddddd-0000-4000-8000-${String(i).padStart(12, "0")}`;
    rows.push([
      `message:${id}`,
      {
        id,
        room_id: R.bulk,
        sender_id: i % 2 ? U.alice : U.ibro,
        content: `bulk ${i}`,
        type: "text",
        created_at: new Date(Date.UTC(2025, 10, 2) + i * 1000).toISOString(),
        reactions: { "👍": [U.alice2] },
      },
    ]);
  }
  if (bulkMessages > 0) {
    rows.push([
      `room:${R.bulk}`,
      {
        id: R.bulk,
        name: "Bulk",
        type: "public",
        created_by: U.ibro,
        created_at: t(19),
        members: [U.ibro, U.alice, U.alice2],
      },
    ]);
  }
  return rows;
}

export async function loadFixture(url: string, bulkMessages = 0): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA auth;
      CREATE TABLE auth.users (instance_id uuid, id uuid PRIMARY KEY, aud varchar(255), role varchar(255), email varchar(255), encrypted_password varchar(255), email_confirmed_at timestamptz, raw_user_meta_data jsonb, raw_app_meta_data jsonb, created_at timestamptz, updated_at timestamptz, last_sign_in_at timestamptz, banned_until timestamptz, deleted_at timestamptz, is_anonymous boolean DEFAULT false);
      CREATE TABLE public.${TABLE} (key text NOT NULL PRIMARY KEY, value jsonb NOT NULL, created_at timestamptz DEFAULT now());`);
    const hash = (p: string) => bcrypt.hashSync(p, 10).replace(/^\$2b\$/, "$2a$");
    const auth: [string, string, string, string | null, Record<string, unknown>][] = [
      [
        U.ibro,
        "ibro@example.com",
        hash(PASSWORDS.ibro),
        "2025-11-01 10:00:00+00",
        { username: "typed-name" },
      ],
      [
        U.alice,
        "Alice@Example.com",
        hash(PASSWORDS.alice),
        "2025-11-01 10:01:00+00",
        { username: "Alice" },
      ],
      [U.alice2, "alice2@example.com", hash("whatever-else"), "2025-11-01 10:02:00+00", {}],
      [
        U.banned,
        "banned@example.com",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        "2025-11-01 10:03:00+00",
        {},
      ],
      [
        U.bob,
        "bob@example.com",
        hash("bob-password"),
        "2025-11-01 10:04:00+00",
        { username: "bob" },
      ],
      [U.oauth, "oauth@example.com", "", null, {}],
    ];
    for (const [id, email, pw, confirmed, meta] of auth) {
      await client.query(
        `INSERT INTO auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data, created_at, updated_at)
         VALUES ($1, 'authenticated', 'authenticated', $2, $3, $4, $5, '2025-11-01 09:00:00.123456+00', '2025-11-01 09:30:00+00')`,
        [id, email, pw, confirmed, JSON.stringify(meta)],
      );
    }
    const rows = kvRows(bulkMessages);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const params = chunk.flatMap(([k, v]) => [k, JSON.stringify(v)]);
      await client.query(
        `INSERT INTO public.${TABLE} (key, value) VALUES ${chunk.map((_, j) => `($${2 * j + 1}, $${2 * j + 2}::jsonb)`).join(",")}`,
        params,
      );
    }
  } finally {
    await client.end();
  }
}

/** Alice signed in on `server` with her imported password; searches her messages as the app does. */
export async function searchAsAlice(
  server: TestServer,
): Promise<(q: string) => Promise<{ content: string; room: string }[]>> {
  const alice = anonymousClient(server);
  await alice.collection("users").authWithPassword("alice@example.com", PASSWORDS.alice);
  return async (q) =>
    (
      await alice.send<{ items: { content: string; room: string }[] }>("/api/konvert/search", {
        query: { q },
      })
    ).items;
}

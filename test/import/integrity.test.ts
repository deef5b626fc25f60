// What the source says must not outlive the import in a way the app would refuse: accounts deleted
// in Supabase stay deleted (no sign-in on either route, the row as the app's deletion leaves it),
// and references into another room or at nothing are dropped and listed, never imported.
import bcrypt from "bcryptjs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pbId } from "../../scripts/import/convert.ts";
import { runImport } from "../../scripts/import/run.ts";
import type { Report } from "../../scripts/import/report.ts";
import { SUPERUSER } from "../support/constants.ts";
import { ANON_KEY, legacyFetch } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient } from "../support/users.ts";
import { loadFixture, M, PASSWORDS, ROOMS, TABLE, U } from "./fixture.ts";
import { startPostgres, type Postgres } from "./postgres.ts";

let pgServer: Postgres;
let server: TestServer;
let report: Report;
const admin = { adminEmail: SUPERUSER.email, adminPassword: SUPERUSER.password };

/** Deleted in Supabase Auth (deleted_at), profile kept. */
const GONE = "dddddddd-1111-4111-8111-111111111111";
/** Deleted in the KV profile (deleted: true) only, auth row intact. */
const QUIT = "dddddddd-2222-4222-8222-222222222222";
const PW = { gone: "gone-password-1", quit: "quit-password-2" };
/** A corrupted duplicate of the main room: its pins and a reply point at the main room's messages. */
const DUP = "aaaaaaaa-0000-4000-8000-0000000000d0";
const DUP_MSG = "bbbbbbbb-0000-4000-8000-0000000000d1";
const NOBODY = "eeeeeeee-0000-4000-8000-000000000000";
const NOWHERE = "bbbbbbbb-0000-4000-8000-0000000000ff";

beforeAll(async () => {
  [pgServer, server] = await Promise.all([startPostgres(), startPocketBase()]);
  await loadFixture(pgServer.url);
  const client = new pg.Client({ connectionString: pgServer.url });
  await client.connect();
  try {
    const hash = (p: string) => bcrypt.hashSync(p, 4).replace(/^\$2b\$/, "$2a$");
    for (const [id, email, pw, deletedAt] of [
      [GONE, "gone@example.com", hash(PW.gone), "2025-11-03 10:00:00+00"],
      [QUIT, "quit@example.com", hash(PW.quit), null],
    ]) {
      await client.query(
        `INSERT INTO auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at, deleted_at)
         VALUES ($1, 'authenticated', 'authenticated', $2, $3, now(), '2025-11-01 08:00:00+00', '2025-11-01 08:00:00+00', $4)`,
        [id, email, pw, deletedAt],
      );
    }
    const kv: [string, unknown][] = [
      [`user:${GONE}`, { id: GONE, email: "gone@example.com", username: "gone", role: "admin" }],
      [
        `user:${QUIT}`,
        {
          id: QUIT,
          email: "quit@example.com",
          username: "quit",
          display_name: "Quit Person",
          deleted: true,
          deleted_at: "2025-11-04T10:00:00Z",
        },
      ],
      [
        `room:${DUP}`,
        {
          id: DUP,
          name: "Общая (copy)",
          type: "public",
          created_by: U.alice,
          created_at: "2025-11-01T11:00:00Z",
          members: [U.alice, U.ibro],
          pinned_message_ids: [M.hello, NOWHERE, DUP_MSG],
          pinned_message_id: M.reply,
        },
      ],
      [`room_messages:${DUP}`, [DUP_MSG]],
      [
        `message:${DUP_MSG}`,
        {
          id: DUP_MSG,
          room_id: DUP,
          sender_id: U.alice,
          content: "answer in the copy",
          type: "text",
          created_at: "2025-11-01T11:01:00Z",
          reply_to: M.hello,
          mentions: [NOBODY, U.ibro],
          reactions: { "👍": [NOBODY, U.ibro] },
        },
      ],
    ];
    for (const [key, value] of kv) {
      await client.query(`INSERT INTO ${TABLE} (key, value) VALUES ($1, $2)`, [
        key,
        JSON.stringify(value),
      ]);
    }
  } finally {
    await client.end();
  }
  report = await runImport({ from: pgServer.url, to: server.url, verify: true, ...admin });
  expect(report.verify?.differences).toEqual([]);
}, 120_000);

afterAll(async () => {
  await server.stop();
  pgServer.stop();
});

describe("accounts deleted in Supabase", () => {
  it("cannot sign in through PocketBase's auth-with-password, with the old or any password", async () => {
    // a live imported user still can
    await anonymousClient(server).collection("users").authWithPassword("Alice", PASSWORDS.alice);
    for (const [email, password] of [
      ["gone@example.com", PW.gone],
      ["quit@example.com", PW.quit],
    ] as const) {
      await expect(
        anonymousClient(server).collection("users").authWithPassword(email, password),
      ).rejects.toMatchObject({ status: 400 });
    }
    // the auth rule, not only the scrambled password: give one a known password, still refused
    const gone = pbId(`user:${GONE}`);
    await server.admin
      .collection("users")
      .update(gone, { password: "known-password-9", passwordConfirm: "known-password-9" });
    await expect(
      anonymousClient(server)
        .collection("users")
        .authWithPassword(`deleted_${gone}@deleted.invalid`, "known-password-9"),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("cannot sign in through the legacy route", async () => {
    const live = await legacyFetch(server, "POST", "/auth/signin", ANON_KEY, {
      email: "alice@example.com",
      password: PASSWORDS.alice,
    });
    expect(live.status).toBe(200);
    for (const [email, password] of [
      ["gone@example.com", PW.gone],
      ["quit@example.com", PW.quit],
    ]) {
      const res = await legacyFetch(server, "POST", "/auth/signin", ANON_KEY, { email, password });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
  });

  it("their rows are what the app's own deletion leaves: e-mail and username freed", async () => {
    for (const [source, when] of [
      [GONE, "2025-11-03"],
      [QUIT, "2025-11-04"],
    ] as const) {
      const id = pbId(`user:${source}`);
      const row = await server.admin.collection("users").getOne(id);
      expect(row["email"]).toBe(`deleted_${id}@deleted.invalid`);
      expect(row["username"]).toBe(`deleted_${id}`);
      expect(row["displayName"]).toBe("");
      expect(row["role"]).toBe("user");
      expect(row["verified"]).toBe(false);
      expect(String(row["deletedAt"])).toMatch(new RegExp(`^${when}`));
    }
    // deleted accounts are not asked to reset a password
    expect(report.usersNeedingReset.map((u) => u.user)).not.toContain(`user:${GONE}`);
  });
});

describe("references into another room or at nothing", () => {
  it("a cross-room pin, a pin at nothing and a cross-room current pin are dropped and listed", async () => {
    const dup = pbId(`room:${DUP}`);
    const pins = await server.admin
      .collection("pins")
      .getFullList({ filter: `room = "${dup}"`, sort: "created" });
    expect(pins.map((p) => String(p["message"]))).toEqual([pbId(`message:${DUP_MSG}`)]);
    expect((await server.admin.collection("rooms").getOne(dup))["pinnedMessage"]).toBe("");
    // the main room keeps its own pins
    const main = pbId(`room:${ROOMS.main}`);
    const mainPins = await server.admin
      .collection("pins")
      .getFullList({ filter: `room = "${main}"`, sort: "created" });
    expect(mainPins.map((p) => String(p["message"]))).toEqual(
      [M.hello, M.reply].map((id) => pbId(`message:${id}`)),
    );
    const dropped = report.droppedReferences.filter((d) => d.key.includes(DUP));
    expect(dropped).toEqual(
      expect.arrayContaining([
        {
          key: `room:${DUP}#pins`,
          reason: `pin of message:${M.hello}, which is in another room (room:${ROOMS.main})`,
        },
        { key: `room:${DUP}#pins`, reason: `pin of message:${NOWHERE}, which does not exist` },
        {
          key: `room:${DUP}#pins`,
          reason: `pin of message:${M.reply}, which is in another room (room:${ROOMS.main})`,
        },
      ]),
    );
  });

  it("a cross-room reply, a mention and a reaction of nobody are dropped and listed", async () => {
    const msg = await server.admin.collection("messages").getOne(pbId(`message:${DUP_MSG}`));
    expect(msg["replyTo"]).toBe("");
    const mentions = await server.admin
      .collection("mentions")
      .getFullList({ filter: `message = "${msg.id}"` });
    expect(mentions.map((m) => String(m["user"]))).toEqual([pbId(`user:${U.ibro}`)]);
    const reactions = await server.admin
      .collection("reactions")
      .getFullList({ filter: `message = "${msg.id}"` });
    expect(reactions.map((r) => String(r["user"]))).toEqual([pbId(`user:${U.ibro}`)]);
    const key = `message:${DUP_MSG}`;
    expect(report.droppedReferences).toEqual(
      expect.arrayContaining([
        {
          key: `${key}#reply_to`,
          reason: `reply to message:${M.hello}, which is in another room (room:${ROOMS.main})`,
        },
        { key: `${key}#mentions`, reason: `mention of user:${NOBODY}, who has no account` },
        { key: `${key}#reactions`, reason: `reaction 👍 by user:${NOBODY}, who has no account` },
      ]),
    );
    expect(report.toText()).toMatch(/references dropped \(into another room or at nothing\): \d+/);
  });
});

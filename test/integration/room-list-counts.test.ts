// The room list's stored counters (pb_migrations/1764900000_room_list_counts.js) against a recount
// from scratch with the formula the list used before them, after a seeded random sequence of
// operations run a few at a time: sends (with mentions), tombstones, hard deletes, edits, read
// marks, reactions, joins and leaves, bans, DMs and hiding them, watermarks moved by a superuser.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPocketBaseBackend, type RoomSummary } from "../../client/index.ts";
import type { RoomsResponse } from "../../types/pocketbase-types.ts";
import { api } from "../support/api.ts";
import { seededRandom } from "../support/random.ts";
import { seedRoom } from "../support/rooms.ts";
import { MIGRATIONS_DIR } from "../support/paths.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
afterAll(() => server.stop());
beforeAll(async () => {
  server = await startPocketBase();
});

/** Every membership's stored terms next to their recount, and each room's member count. */
interface Check {
  members: {
    room: string;
    user: string;
    stored: number[] | null;
    recount: number[];
    unread: number;
    mentions: number;
    reactions: number;
  }[];
  orphans: number;
  /** `[members, top]` as JSON text, stored and recounted */
  rooms: { room: string; stored: string; recount: string }[];
}

// The list's terms counted from scratch, exactly as jsvm/room-list.ts did before the triggers.
const RECOUNT = `
SELECT m.room, m.user,
  CASE WHEN c.user IS NULL THEN NULL ELSE json_array(c.readSeq, c.mentionsReadAt, c.reactionsReadAt,
    c.own, c.dead, c.mentions, c.reactions) END AS stored,
  json_array(m.readSeq, m.mentionsReadAt, m.reactionsReadAt,
    (SELECT COUNT(*) FROM messages o WHERE o.room = m.room AND o.author = m.user AND o.seq > m.readSeq),
    (SELECT COUNT(*) FROM messages d WHERE d.room = m.room AND d.deletedAt != '' AND d.seq > m.readSeq
      AND d.author != m.user) + (SELECT COUNT(*) FROM messages_seq_gaps g WHERE g.room = m.room AND g.seq > m.readSeq),
    (SELECT COUNT(*) FROM mentions x WHERE x.user = m.user AND x.room = m.room AND x.created > m.mentionsReadAt),
    (SELECT COUNT(*) FROM reactions x WHERE x.messageAuthor = m.user AND x.room = m.room
      AND x.created > m.reactionsReadAt AND x.user != m.user)) AS recount,
  MAX(0, MAX(COALESCE((SELECT MAX(s.seq) FROM messages s WHERE s.room = m.room), 0),
      COALESCE((SELECT MAX(g.seq) FROM messages_seq_gaps g WHERE g.room = m.room), 0)) - m.readSeq
    - (SELECT COUNT(*) FROM messages o WHERE o.room = m.room AND o.author = m.user AND o.seq > m.readSeq)
    - (SELECT COUNT(*) FROM messages d WHERE d.room = m.room AND d.deletedAt != '' AND d.seq > m.readSeq
        AND d.author != m.user)
    - (SELECT COUNT(*) FROM messages_seq_gaps g WHERE g.room = m.room AND g.seq > m.readSeq)) AS unread,
  (SELECT COUNT(*) FROM mentions x WHERE x.user = m.user AND x.room = m.room AND x.created > m.mentionsReadAt) AS mentions,
  (SELECT COUNT(*) FROM reactions x WHERE x.messageAuthor = m.user AND x.room = m.room
    AND x.created > m.reactionsReadAt AND x.user != m.user) AS reactions
FROM room_members m LEFT JOIN room_list_members c ON c.user = m.user AND c.room = m.room`;

let checks = 0;
const COUNTS_MIGRATION = join(MIGRATIONS_DIR, "1764900000_room_list_counts.js");

/**
 * Runs RECOUNT on the server's live database with the PocketBase binary (a one-off migration;
 * the server is idle while it runs), so the comparison reads what the list reads.
 */
function check(rebuild = false): Check {
  const root = mkdtempSync(join(tmpdir(), "konvert-room-counts-"));
  try {
    const out = join(root, "check.json");
    const migrations = join(root, "migrations");
    const hooks = join(root, "hooks");
    execFileSync("mkdir", ["-p", migrations, hooks]);
    checks += 1;
    writeFileSync(
      join(migrations, `${9_000_000_000 + checks}_room_list_check.js`),
      `migrate((app) => {
        if (${rebuild}) {
          // the counters migration down and up again: its backfill from the data as it stands
          let steps;
          new Function("migrate", toString($os.readFile(${JSON.stringify(COUNTS_MIGRATION)})))((up, down) => { steps = { up, down }; });
          steps.down(app);
          steps.up(app);
        }
        const all = (sql, shape) => { const rows = arrayOf(new DynamicModel(shape)); app.db().newQuery(sql).all(rows); return rows; };
        const members = all(${JSON.stringify(RECOUNT)}, { room: "", user: "", stored: "", recount: "", unread: 0, mentions: 0, reactions: 0 })
          .map((r) => ({ room: r.room, user: r.user, stored: r.stored === "" ? null : JSON.parse(r.stored),
            recount: JSON.parse(r.recount), unread: r.unread, mentions: r.mentions, reactions: r.reactions }));
        const orphans = all("SELECT COUNT(*) AS n FROM room_list_members c WHERE NOT EXISTS (SELECT 1 FROM room_members m WHERE m.user = c.user AND m.room = c.room)", { n: 0 })[0].n;
        const rooms = all("SELECT r.id AS room, COALESCE((SELECT json_array(members, top) FROM room_list_rooms WHERE room = r.id), '') AS stored, " +
          "json_array((SELECT COUNT(*) FROM room_members m WHERE m.room = r.id), MAX(" +
          "(SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = r.id), (SELECT COALESCE(MAX(seq), 0) FROM messages_seq_gaps WHERE room = r.id))) AS recount FROM rooms r " +
          "UNION ALL SELECT room, 'orphan', '' FROM room_list_rooms WHERE room NOT IN (SELECT id FROM rooms)", { room: "", stored: "", recount: "" });
        $os.writeFile(${JSON.stringify(out)}, JSON.stringify({ members, orphans, rooms }), 0o644);
      })`,
    );
    execFileSync(
      inject("pbBinary"),
      [
        "migrate",
        "up",
        `--dir=${server.dataDir}`,
        `--migrationsDir=${migrations}`,
        `--hooksDir=${hooks}`,
      ],
      { stdio: "pipe" },
    );
    return JSON.parse(readFileSync(out, "utf8")) as Check;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Stored terms equal their recount, and the list shows the recounted counters to each member. */
async function expectExact(users: TestUser[], rebuild = false): Promise<number> {
  const result = check(rebuild);
  expect(result.orphans).toBe(0);
  expect(result.rooms.filter((r) => r.stored !== r.recount)).toEqual([]);
  expect(
    result.members.filter((m) => JSON.stringify(m.stored) !== JSON.stringify(m.recount)),
  ).toEqual([]);
  for (const user of users) {
    const mine = result.members.filter((m) => m.user === user.record.id);
    for (const m of mine) {
      const shown = await api<RoomSummary>(user.client, "GET", `/rooms/${m.room}`).catch(
        () => null,
      );
      if (!shown) continue; // a room the user may not see now (a ban confines them to the jail)
      expect([shown.unreadCount, shown.mentionCount, shown.reactionCount], m.room).toEqual([
        m.unread,
        m.mentions,
        m.reactions,
      ]);
    }
  }
  return result.members.reduce((n, m) => n + m.unread, 0);
}

describe("room list counters", () => {
  it("equal a recount from scratch after a seeded random sequence of operations", async () => {
    const seed = Number(process.env["KONVERT_ROOM_COUNTS_SEED"] ?? 20261206);
    const random = seededRandom(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const staff = await createUser(server, { role: "admin" });
    const users = await Promise.all(Array.from({ length: 5 }, () => createUser(server)));
    const everyone = [staff, ...users];
    const rooms: RoomsResponse[] = [
      await seedRoom(server, "private", everyone),
      await seedRoom(server, "private", [users[0]!, users[1]!, users[2]!]),
      await seedRoom(server, "public", [users[3]!, staff]),
    ];
    const publicRoom = rooms[2]!;
    const backend = (u: TestUser) => createPocketBaseBackend(u.client);
    const dms: string[] = [];
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [3, 4],
    ] as const) {
      dms.push(
        (await backend(users[a]!).directMessages.createDirectMessage(users[b]!.record.id)).id,
      );
    }
    const allRooms = () => [...rooms.map((r) => r.id), ...dms];
    const banned = new Set<string>();
    const sent: { id: string; room: string; author: TestUser }[] = [];

    const succeeded = new Map<string, number>();
    const did = async (kind: string, action: Promise<unknown>): Promise<unknown> => {
      const result = await action;
      succeeded.set(kind, (succeeded.get(kind) ?? 0) + 1);
      return result;
    };
    const step = async (): Promise<unknown> => {
      const roll = random();
      const user = pick(everyone);
      // half the time the room everyone is in, so most steps are allowed
      const room = random() < 0.5 ? rooms[0]!.id : pick(allRooms());
      const mention = random() < 0.5 ? ` @${pick(everyone).record.username}` : "";
      if (roll < 0.35) {
        const message = await backend(user).messages.sendMessage(room, `hi${mention}`);
        succeeded.set("send", (succeeded.get("send") ?? 0) + 1);
        sent.push({ id: message.id, room, author: user });
        return message;
      }
      const target = sent.length > 0 ? pick(sent) : undefined;
      if (roll < 0.42 && target)
        return did("tombstone", backend(target.author).messages.deleteMessage(target.id));
      if (roll < 0.47 && target)
        return did("hard delete", server.admin.collection("messages").delete(target.id));
      if (roll < 0.53 && target) {
        return did(
          "edit",
          backend(target.author).messages.editMessage(target.id, `edit${mention}`),
        );
      }
      if (roll < 0.65) {
        return did("read", backend(user).rooms.markAsRead(room, random() < 0.5, random() < 0.5));
      }
      if (roll < 0.75 && target) {
        return random() < 0.7
          ? did("react", backend(user).messages.addReaction(target.id, pick(["👍", "🎉"])))
          : did("unreact", backend(user).messages.removeReaction(target.id, "👍"));
      }
      if (roll < 0.83) {
        return random() < 0.5
          ? did("join", backend(user).rooms.joinRoom(publicRoom.id))
          : did("leave", backend(user).rooms.leaveRoom(publicRoom.id));
      }
      if (roll < 0.88) {
        if (banned.size > 0 && random() < 0.6) {
          const who = pick([...banned]);
          banned.delete(who);
          return did("unban", backend(staff).users.unbanUser(who));
        }
        const who = pick(users).record.id;
        banned.add(who);
        return did("ban", backend(staff).users.banUser(who, 1));
      }
      if (roll < 0.92) return did("hide", backend(user).rooms.hideDirectMessage(pick(dms)));
      if (roll < 0.95) {
        // a superuser moves a watermark anywhere, past the top or back to the start
        const memberships = await server.admin
          .collection("room_members")
          .getFullList({ filter: `user = "${user.record.id}"` });
        const m = memberships.length > 0 ? pick(memberships) : undefined;
        if (!m) return null;
        return did(
          "watermark",
          server.admin.collection("room_members").update(m.id, {
            readSeq: Math.floor(random() * 12),
            mentionsReadAt: "2020-01-01 00:00:00.000Z",
            reactionsReadAt:
              random() < 0.5 ? "2020-01-01 00:00:00.000Z" : "2099-01-01 00:00:00.000Z",
          }),
        );
      }
      // a superuser deletes a mention or a reaction row
      const collection = pick(["mentions", "reactions"]);
      const rows = await server.admin.collection(collection).getList(1, 1, { sort: "@random" });
      const row = rows.items[0];
      return row
        ? did(`${collection} row deleted`, server.admin.collection(collection).delete(row.id))
        : null;
    };

    let failed = 0;
    for (let batch = 0; batch < 50; batch++) {
      // four at a time: concurrent writers meet in the same rooms
      const results = await Promise.allSettled([step(), step(), step(), step()]);
      failed += results.filter((r) => r.status === "rejected").length;
      if (batch % 10 === 9) await expectExact(everyone);
    }
    // refusals are part of the walk (a banned user's send, a reaction on a deleted message)
    expect(failed).toBeLessThan(100);
    // every kind of operation took effect at least once
    expect([...succeeded.keys()].sort()).toEqual(
      [
        "ban",
        "edit",
        "hard delete",
        "hide",
        "join",
        "leave",
        "mentions row deleted",
        "react",
        "reactions row deleted",
        "read",
        "send",
        "tombstone",
        "unban",
        "unreact",
        "watermark",
      ].sort(),
    );
    expect(await expectExact(everyone)).toBeGreaterThan(0);
    // the migration's backfill of existing data gives the same values
    expect(await expectExact(everyone, true)).toBeGreaterThan(0);
  });
});

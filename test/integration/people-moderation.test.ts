// Roles, bans and mutes against the real server: the full capability matrix (every action ×
// every actor role × every target role, plus self), expiry by time, the jail membership, the
// moderation log and who may read it, and bad input that must change nothing.
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ModerationLogResponse,
  RoomMembersResponse,
  UsersResponse,
} from "../../types/pocketbase-types.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { defaultClockAt } from "../support/clock.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

type Role = "user" | "vip" | "moderator" | "admin";
type Action = "ban" | "unban" | "mute" | "unmute" | "role";
const ROLES: Role[] = ["user", "vip", "moderator", "admin"];
const ACTIONS: Action[] = ["ban", "unban", "mute", "unmute", "role"];
const JAIL = "jailroom0000000";
const PAST = "2000-01-01 00:00:00.000Z";
const FUTURE = "2999-01-01 00:00:00.000Z";
const HOUR = 3_600_000;

/** Who may do what to whom (spec §4.1 by role; self-moderation refused, admins may change their own role). */
const ALLOWED: Record<Action, Partial<Record<Role, Role[]>>> = {
  ban: { admin: ["user", "moderator", "admin"], moderator: ["user", "moderator"] },
  unban: { admin: ROLES, moderator: ["user", "vip", "moderator"] },
  mute: { admin: ROLES, moderator: ["user", "vip", "moderator"] },
  unmute: { admin: ROLES, moderator: ["user", "vip", "moderator"] },
  role: { admin: ROLES },
};

let server: TestServer;
const actors = {} as Record<Role, TestUser>;
const targets = {} as Record<Role, TestUser>;

beforeAll(async () => {
  server = await startPocketBase();
  for (const role of ROLES) {
    actors[role] = await createUser(server, { role });
    targets[role] = await createUser(server, { role });
  }
});
afterAll(() => server.stop());

async function status(request: Promise<unknown>): Promise<number> {
  return request.then(
    () => 200,
    (e: unknown) => (e as { status: number }).status,
  );
}

function act(client: PocketBase, action: Action, targetId: string, body: object = {}) {
  return client.send(`/api/konvert/users/${targetId}/${action}`, { method: "POST", body });
}

const BODIES: Record<Action, object> = {
  ban: { hours: 2, reason: "spam" },
  unban: {},
  mute: { hours: 3 },
  unmute: {},
  role: { role: "vip" },
};

/** A role change always asks for a different role than the target has. */
const newRoleFor = (role: Role): Role => (role === "vip" ? "user" : "vip");

const stored = (id: string) => server.admin.collection("users").getOne<UsersResponse>(id);

/** Puts the target into the state the action applies to, and returns a probe of the result. */
async function prepare(action: Action, target: UsersResponse, role: Role) {
  await server.admin.collection("users").update(target.id, {
    role,
    bannedUntil: action === "unban" ? FUTURE : "",
    mutedUntil: action === "unmute" ? FUTURE : "",
  });
  return async () => {
    const user = await stored(target.id);
    switch (action) {
      case "ban":
        return user.bannedUntil > new Date().toISOString().replace("T", " ");
      case "unban":
        return user.bannedUntil === "";
      case "mute":
        return user.mutedUntil > new Date().toISOString().replace("T", " ");
      case "unmute":
        return user.mutedUntil === "";
      case "role":
        return user.role === newRoleFor(role);
    }
  };
}

describe("the capability matrix", () => {
  for (const action of ACTIONS) {
    for (const actorRole of ROLES) {
      it(`${action} by a ${actorRole}`, async () => {
        const actor = actors[actorRole];
        for (const targetRole of [...ROLES, "self" as const]) {
          const target = targetRole === "self" ? actor : targets[targetRole];
          const effectiveRole = targetRole === "self" ? actorRole : targetRole;
          const changed = await prepare(action, target.record, effectiveRole);
          const allowed =
            targetRole === "self"
              ? action === "role" && actorRole === "admin"
              : (ALLOWED[action][actorRole] ?? []).includes(targetRole);
          const body = action === "role" ? { role: newRoleFor(effectiveRole) } : BODIES[action];
          const got = await status(act(actor.client, action, target.record.id, body));
          const what = `${actorRole} ${action} ${targetRole}`;
          expect(got, what).toBe(allowed ? 200 : 403);
          expect(await changed(), what).toBe(allowed);
          // restore roles and moderation state for the next case
          await server.admin
            .collection("users")
            .update(target.record.id, { role: effectiveRole, bannedUntil: "", mutedUntil: "" });
        }
      });
    }
  }

  it("refuses anonymous callers with 401", async () => {
    for (const action of ACTIONS) {
      expect(await status(act(anonymousClient(server), action, targets.user.record.id))).toBe(401);
    }
  });
});

/** Sends a message as `user` into the room and answers the status. */
function writer(user: TestUser, roomId: string): () => Promise<number> {
  return () =>
    status(
      user.client.collection("messages").create({ room: roomId, content: "hi", type: "text" }),
    );
}

describe("ban and mute", () => {
  it("a ban without hours is permanent, records the reason and joins the jail room", async () => {
    const target = await createUser(server);
    const room = await target.client.collection("rooms").create({ name: "Mine", type: "private" });
    await act(actors.moderator.client, "ban", target.record.id, { reason: "  flood  " });
    const user = await stored(target.record.id);
    expect(user.bannedUntil).toBe("9999-12-31 23:59:59.000Z");
    expect(user.banReason).toBe("flood");
    const memberships = await server.admin
      .collection("room_members")
      .getFullList<RoomMembersResponse>({
        filter: `user = "${target.record.id}"`,
        sort: "created",
      });
    expect(memberships.map((m) => m.room).sort()).toEqual([JAIL, room.id].sort());

    await act(actors.moderator.client, "unban", target.record.id);
    const after = await server.admin
      .collection("room_members")
      .getFullList<RoomMembersResponse>({ filter: `user = "${target.record.id}"` });
    expect(after.map((m) => m.room)).toEqual([room.id]);
    expect((await stored(target.record.id)).bannedUntil).toBe("");
  });

  it("a timed ban ends by itself: expired means not banned, with no job", async () => {
    const target = await createUser(server);
    await act(actors.admin.client, "ban", target.record.id, { hours: 1 });
    const me = await target.client.collection("users").getOne(target.record.id);
    expect(me).toMatchObject({ banned: true, muted: false });

    await server.admin.collection("users").update(target.record.id, { bannedUntil: PAST });
    expect(await target.client.collection("users").getOne(target.record.id)).toMatchObject({
      banned: false,
    });
    // an expired ban cannot be lifted again, and it does not stop a new one
    expect(await status(act(actors.admin.client, "unban", target.record.id))).toBe(400);
    expect(await status(act(actors.admin.client, "ban", target.record.id, { hours: 5 }))).toBe(200);
  });

  it("a timed mute ends by itself; unmute ends it early", async () => {
    const target = await createUser(server);
    await act(actors.moderator.client, "mute", target.record.id, { hours: 720 });
    expect(await target.client.collection("users").getOne(target.record.id)).toMatchObject({
      muted: true,
    });
    await server.admin.collection("users").update(target.record.id, { mutedUntil: PAST });
    expect(await target.client.collection("users").getOne(target.record.id)).toMatchObject({
      muted: false,
    });
    expect(await status(act(actors.moderator.client, "unmute", target.record.id))).toBe(400);
    await act(actors.moderator.client, "mute", target.record.id, { hours: 1 });
    await act(actors.moderator.client, "unmute", target.record.id);
    expect((await stored(target.record.id)).mutedUntil).toBe("");
  });

  // Expiry on the clock: act two hours in the past, then come back. PocketBase's API rules compare
  // bannedUntil with @now (real time), so moving the clock forward would fool only the hooks;
  // a deadline already past in real time is past for both.
  it("a one-hour ban from two hours ago has expired, for the hooks and the API rules alike", async () => {
    const target = await createUser(server);
    const room = await seedRoom(server, "private", [target]);
    const write = writer(target, room.id);
    await server.setClock({ offsetMs: -2 * HOUR });
    try {
      await act(actors.admin.client, "ban", target.record.id, { hours: 1 });
      // half an hour into it, on the clock: still banned for the hooks
      await server.setClock({ offsetMs: -1.5 * HOUR });
      expect(await target.client.collection("users").getOne(target.record.id)).toMatchObject({
        banned: true,
      });
    } finally {
      await server.setClock({ at: defaultClockAt() });
    }
    expect(await target.client.collection("users").getOne(target.record.id)).toMatchObject({
      banned: false,
    });
    expect(await write()).toBe(200);
    const rooms = await target.client.collection("rooms").getFullList({ filter: "system = ''" });
    expect(rooms.map((r) => r.id)).toContain(room.id);
    expect(await status(act(actors.admin.client, "unban", target.record.id))).toBe(400);
  });

  it("a one-hour mute from two hours ago has expired: the user writes again", async () => {
    const target = await createUser(server);
    const room = await seedRoom(server, "private", [target]);
    const write = writer(target, room.id);
    await server.setClock({ offsetMs: -2 * HOUR });
    try {
      await act(actors.moderator.client, "mute", target.record.id, { hours: 1 });
      expect(await write()).toBe(403);
    } finally {
      await server.setClock({ at: defaultClockAt() });
    }
    expect(await target.client.collection("users").getOne(target.record.id)).toMatchObject({
      muted: false,
    });
    expect(await write()).toBe(200);
    expect(await status(act(actors.moderator.client, "unmute", target.record.id))).toBe(400);
  });

  it("a banned moderator cannot moderate until the ban expires", async () => {
    const moderator = await createUser(server, { role: "moderator", bannedUntil: FUTURE });
    const target = await createUser(server);
    expect(await status(act(moderator.client, "mute", target.record.id, { hours: 1 }))).toBe(403);
    await server.admin.collection("users").update(moderator.record.id, { bannedUntil: PAST });
    expect(await status(act(moderator.client, "mute", target.record.id, { hours: 1 }))).toBe(200);
  });

  it("bad input gets a clear 400 or 404 and changes nothing", async () => {
    const target = await createUser(server);
    const cases: [Action, object, number, RegExp][] = [
      ["ban", { hours: 0 }, 400, /whole number of hours/],
      ["ban", { hours: -1 }, 400, /whole number of hours/],
      ["ban", { hours: 1e9 }, 400, /whole number of hours/],
      ["ban", { hours: "abc" }, 400, /whole number of hours/],
      ["ban", { hours: 1.5 }, 400, /whole number of hours/],
      ["ban", { hours: 1, reason: "x".repeat(501) }, 400, /at most 500/],
      ["ban", { hours: 1, until: "2999-01-01" }, 400, /Unknown field/],
      ["mute", {}, 400, /whole number of hours/],
      ["mute", { hours: 0 }, 400, /1 to 720/],
      ["mute", { hours: 721 }, 400, /1 to 720/],
      ["mute", { hours: "abc" }, 400, /1 to 720/],
      ["role", { role: "god" }, 400, /Role must be one of/],
      ["role", {}, 400, /Role must be one of/],
    ];
    for (const [action, body, code, message] of cases) {
      const error: unknown = await act(actors.admin.client, action, target.record.id, body).catch(
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(body)).toMatchObject({ status: code });
      expect((error as { response: { message: string } }).response.message).toMatch(message);
    }
    const user = await stored(target.record.id);
    expect([user.bannedUntil, user.mutedUntil, user.role]).toEqual(["", "", "user"]);
    for (const action of ACTIONS) {
      expect(
        await status(act(actors.admin.client, action, "nosuchuser12345", BODIES[action])),
      ).toBe(404);
    }
  });
});

describe("roles", () => {
  it("the last admin cannot demote themselves; with two admins one can step down", async () => {
    const second = await createUser(server, { role: "admin" });
    // demote every admin but `second` through the API, then `second` is the last one
    const admins = await server.admin
      .collection("users")
      .getFullList<UsersResponse>({ filter: `role = "admin" && id != "${second.record.id}"` });
    for (const admin of admins) {
      expect(await status(act(second.client, "role", admin.id, { role: "user" }))).toBe(200);
    }
    const error: unknown = await act(second.client, "role", second.record.id, {
      role: "user",
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      message: "The last admin cannot be demoted or deleted.",
    });
    expect((await stored(second.record.id)).role).toBe("admin");
    for (const admin of admins) {
      await server.admin.collection("users").update(admin.id, { role: "admin" });
    }
  });
});

describe("the moderation log", () => {
  it("records actor, target, action, reason and until; staff read it, others do not", async () => {
    const target = await createUser(server);
    const userFeed = await recordEvents(actors.user.client, "moderation_log", "*");
    const staffFeed = await recordEvents(actors.moderator.client, "moderation_log", "*");
    await act(actors.admin.client, "mute", target.record.id, { hours: 4, reason: "caps" });
    await act(actors.admin.client, "role", target.record.id, { role: "vip" });
    await waitUntil(() => staffFeed.events.length === 2, "staff to hear both entries");

    const filter = `target = "${target.record.id}"`;
    for (const staff of [actors.admin, actors.moderator]) {
      const page = await staff.client
        .collection("moderation_log")
        .getList<ModerationLogResponse>(1, 10, { filter, sort: "created" });
      expect(page.items.map((r) => [r.actor, r.action, r.reason])).toEqual([
        [actors.admin.record.id, "mute", "caps"],
        [actors.admin.record.id, "role_change", ""],
      ]);
      expect(page.items.map((r) => r.until !== "")).toEqual([true, false]);
      expect(page.items.map((r) => r.data)).toEqual([null, { from: "user", to: "vip" }]);
    }
    for (const other of [actors.user, actors.vip, target]) {
      expect((await other.client.collection("moderation_log").getList(1, 10)).items).toEqual([]);
    }
    expect(userFeed.events).toEqual([]);
    await Promise.all([userFeed.unsubscribe(), staffFeed.unsubscribe()]);
  });
});

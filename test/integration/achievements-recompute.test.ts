// Achievements: who sees what, forged progress and unlocks refused, realtime only to the owner,
// and the superuser recompute (time zones with daylight saving time, idempotence, kept unlocks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AchievementsPage } from "../../client/pocketbase/achievements.ts";
import { createPocketBaseBackend } from "../../client/index.ts";
import type {
  MessagesResponse,
  UserAchievementsResponse,
  UserStatsResponse,
} from "../../types/pocketbase-types.ts";
import {
  importRows,
  isUnlocked,
  newId,
  page,
  progress,
  recompute,
} from "../support/achievements.ts";
import { api, failure } from "../support/api.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { setClockTo } from "../support/clock.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let catalogue: Map<string, string>;
beforeAll(async () => {
  server = await startPocketBase();
  const rows = await server.admin.collection("achievements").getFullList();
  catalogue = new Map(rows.map((a) => [a["key"] as string, a.id]));
});
afterAll(() => server.stop());

const send = (user: TestUser, room: string, content = "hi") =>
  user.client.collection("messages").create<MessagesResponse>({ room, content, type: "text" });

async function userIn(timezone = ""): Promise<{ user: TestUser; room: string }> {
  const user = await createUser(server, { timezone });
  const room = await seedRoom(server, "private", [user]);
  return { user, room: room.id };
}

/** Messages written at the given UTC instants, straight into the database (as imported). */
async function history(who: { user: TestUser; room: string }, ...utc: string[]): Promise<void> {
  await importRows(
    server,
    "messages",
    utc.map((at) => ({
      id: newId(),
      room: who.room,
      author: who.user.record.id,
      content: "from the archive",
      type: "text",
      created: at,
      updated: at,
    })),
  );
}

const statsOf = (user: TestUser) =>
  server.admin
    .collection("user_stats")
    .getFirstListItem<UserStatsResponse>(`user = "${user.record.id}"`);
const rowsOf = (user: TestUser) =>
  server.admin
    .collection("user_achievements")
    .getFullList<UserAchievementsResponse>({ filter: `user = "${user.record.id}"`, sort: "id" });

describe("who sees what", () => {
  let owner: TestUser;
  let viewer: TestUser;
  beforeAll(async () => {
    // what these sends earn depends on the time of day (night_owl, new_year_miracle): noon
    await setClockTo(server, "12:00");
    const who = await userIn();
    owner = who.user;
    viewer = await createUser(server);
    const message = await send(owner, who.room); // first_message
    await send(owner, who.room);
    await api(owner.client, "DELETE", `/messages/${message.id}`); // oops_all (secret)
  });

  it("the owner sees every achievement, progress and streaks; locked secrets are masked", async () => {
    const mine = await page(owner);
    expect(mine.items).toHaveLength(28);
    expect(mine.stats).toMatchObject({ messagesSent: 2, currentStreak: 1, longestStreak: 1 });
    const keys = mine.items.map((i) => i.achievement.key);
    expect(keys).toContain("oops_all");
    const masked = mine.items.filter((i) => i.achievement.key === "");
    expect(masked.length).toBe(7); // 8 secret achievements, oops_all unlocked
    for (const item of masked) {
      expect(item.achievement).toMatchObject({
        secret: true,
        title: "",
        description: "",
        icon: "",
      });
      expect(item.progress).toBeNull();
    }
    expect(mine.items.find((i) => i.achievement.key === "chatterbox")?.progress).toMatchObject({
      progress: 2,
      unlockedAt: "",
    });
  });

  it("another user sees only unlocked, non-secret achievements and no stats", async () => {
    const theirs = await page(viewer, owner);
    expect(theirs.items.map((i) => i.achievement.key)).toEqual(["first_message"]);
    expect(theirs.stats).toBeUndefined();
    expect(
      await createPocketBaseBackend(viewer.client).achievements.getAchievements(owner.record.id),
    ).toHaveLength(1);
  });

  it("anonymous callers get 401, unknown users 404", async () => {
    expect(await failure(api(anonymousClient(server), "GET", "/achievements"))).toMatchObject({
      status: 401,
    });
    expect(
      await failure(api(viewer.client, "GET", "/achievements?userId=nosuchuser12345")),
    ).toEqual({
      status: 404,
      message: "User not found.",
    });
  });

  it("the records API lets a user read only their own unlock rows", async () => {
    expect(await viewer.client.collection("user_achievements").getFullList()).toEqual([]);
    const own = await owner.client.collection("user_achievements").getFullList();
    expect(own.length).toBe(2); // first_message, oops_all
    await expect(
      viewer.client.collection("user_achievements").getOne(own[0]!.id),
    ).rejects.toMatchObject({ status: 404 });
    await expect(viewer.client.collection("user_stats").getFullList()).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe("forged progress and unlocks", () => {
  it("are refused: claims of server-decided achievements, records API writes", async () => {
    const { user, room } = await userIn();
    expect(await failure(api(user.client, "POST", "/achievements/chatterbox/unlock"))).toEqual({
      status: 403,
      message: "This achievement is awarded by the server and cannot be claimed.",
    });
    expect(
      await failure(api(user.client, "POST", `/achievements/${catalogue.get("striker")}/unlock`)),
    ).toMatchObject({ status: 403 });
    expect(await failure(api(user.client, "POST", "/achievements/no_such_thing/unlock"))).toEqual({
      status: 404,
      message: "Achievement not found.",
    });
    expect(
      await failure(api(anonymousClient(server), "POST", "/achievements/perfect_taste/unlock")),
    ).toMatchObject({ status: 401 });
    const forged = {
      user: user.record.id,
      achievement: catalogue.get("chatterbox"),
      progress: 10000,
      unlockedAt: "2026-01-01 00:00:00.000Z",
    };
    await expect(user.client.collection("user_achievements").create(forged)).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      user.client.collection("user_stats").create({ user: user.record.id, messagesSent: 10000 }),
    ).rejects.toMatchObject({ status: 403 });
    await send(user, room);
    const [row] = await user.client.collection("user_achievements").getFullList();
    await expect(
      user.client.collection("user_achievements").update(row!.id, { progress: 0, unlockedAt: "" }),
    ).rejects.toMatchObject({ status: 403 });
    const stats = await statsOf(user);
    await expect(
      user.client.collection("user_stats").update(stats.id, { messagesSent: 9999 }),
    ).rejects.toMatchObject({ status: 403 });
    expect(await failure(api(user.client, "POST", "/admin/achievements/recompute"))).toMatchObject({
      status: 403,
    });
    expect((await page(user)).stats?.messagesSent).toBe(1);
  });
});

describe("stats written elsewhere", () => {
  it("a send builds on the stored row, not on the server's remembered copy", async () => {
    const { user, room } = await userIn();
    await send(user, room);
    await send(user, room); // the server now remembers the row it wrote
    const stats = await statsOf(user);
    // a superuser edits the row in the dashboard
    await server.admin.collection("user_stats").update(stats.id, { messagesSent: 40 });
    await send(user, room);
    expect((await statsOf(user)).messagesSent).toBe(41);
    // raw SQL (the import tool, which writes updated = created) rewrites it; like a write that
    // rolled back, the stored row is no longer the one the server remembers writing
    const row = await statsOf(user);
    await importRows(server, "user_stats", [
      { id: row.id, user: row.user, messagesSent: 7, updated: row.created },
    ]);
    await send(user, room);
    expect((await statsOf(user)).messagesSent).toBe(8);
  });
});

describe("count-only sends", () => {
  it("and the general path keep one count between them", async () => {
    const { user, room } = await userIn();
    const first = await send(user, room); // the day's first: the general path, remembered
    await send(user, room); // count-only: one increment, the remembered copy is now behind
    await send(user, room);
    // a reply takes the general path again; it must not build on the copy it remembered
    await user.client
      .collection("messages")
      .create({ room, content: "re", type: "text", replyTo: first.id });
    const stats = await statsOf(user);
    expect(stats.messagesSent).toBe(4);
    expect((stats.counters as { replies?: number }).replies).toBe(1);
  });
});

describe("realtime", () => {
  it("an unlock reaches its owner only", async () => {
    await setClockTo(server, "12:00"); // one unlock per send: not night_owl or new_year_miracle
    const owner = await userIn();
    const other = await userIn();
    const ownerEvents = await recordEvents<UserAchievementsResponse>(
      owner.user.client,
      "user_achievements",
      "*",
    );
    const otherEvents = await recordEvents<UserAchievementsResponse>(
      other.user.client,
      "user_achievements",
      "*",
    );
    await send(owner.user, owner.room);
    await waitUntil(() => ownerEvents.events.length === 1, "the owner's unlock event");
    await send(other.user, other.room); // a sentinel the other user may see
    await waitUntil(() => otherEvents.events.length === 1, "the sentinel");
    expect(otherEvents.events.map((e) => e.record.user)).toEqual([other.user.record.id]);
    expect(ownerEvents.events[0]).toMatchObject({
      action: "create",
      record: { user: owner.user.record.id, achievement: catalogue.get("first_message") },
    });
    await ownerEvents.unsubscribe();
    await otherEvents.unsubscribe();
  });
});

describe("recompute", () => {
  it("night_owl in the user's zone, with daylight saving time (New York) and without (Moscow)", async () => {
    const nySummer = await userIn("America/New_York"); // 06:30Z = 02:30 EDT
    const nyWinter = await userIn("America/New_York"); // 06:30Z = 01:30 EST
    const moscowLate = await userIn("Europe/Moscow"); // 23:30Z = 02:30 MSK
    const moscowEarly = await userIn("Europe/Moscow"); // 22:30Z = 01:30 MSK
    await history(nySummer, "2026-07-15 06:30:00.000Z");
    await history(nyWinter, "2026-01-15 06:30:00.000Z");
    await history(moscowLate, "2026-07-01 23:30:00.000Z");
    await history(moscowEarly, "2026-07-01 22:30:00.000Z");
    await recompute(server);
    expect(await isUnlocked(nySummer.user, "night_owl")).toBe(true);
    expect(await isUnlocked(nyWinter.user, "night_owl")).toBe(false);
    expect(await isUnlocked(moscowLate.user, "night_owl")).toBe(true);
    expect(await isUnlocked(moscowEarly.user, "night_owl")).toBe(false);
  });

  it("streak days are the user's calendar days, across a DST change", async () => {
    // Moscow: 07-02 01:00, 07-02 23:00, 07-04 00:30 local (UTC days 07-01, 07-02, 07-03)
    const moscow = await userIn("Europe/Moscow");
    await history(
      moscow,
      "2026-07-01 22:00:00.000Z",
      "2026-07-02 20:00:00.000Z",
      "2026-07-03 21:30:00.000Z",
    );
    // New York: 03-07 23:30 EST, then 03-09 00:30 EDT (a fixed -05:00 would say 03-08 23:30)
    const ny = await userIn("America/New_York");
    await history(ny, "2026-03-08 04:30:00.000Z", "2026-03-09 04:30:00.000Z");
    // UTC: three consecutive days
    const utc = await userIn();
    await history(
      utc,
      "2026-07-01 22:00:00.000Z",
      "2026-07-02 20:00:00.000Z",
      "2026-07-03 21:30:00.000Z",
    );
    await recompute(server);
    expect(await statsOf(moscow.user)).toMatchObject({
      longestStreak: 1,
      lastActiveDay: "2026-07-04",
    });
    expect(await statsOf(ny.user)).toMatchObject({ longestStreak: 1, lastActiveDay: "2026-03-09" });
    expect(await statsOf(utc.user)).toMatchObject({
      longestStreak: 3,
      lastActiveDay: "2026-07-03",
    });
  });

  it("new_year_miracle: January 1, 00:00-00:01 local; 00:02 is too late", async () => {
    const moscow = await userIn("Europe/Moscow");
    const late = await userIn("Europe/Moscow");
    const utc = await userIn();
    await history(moscow, "2025-12-31 21:00:30.000Z"); // 00:00:30 MSK
    await history(late, "2025-12-31 21:02:30.000Z"); // 00:02:30 MSK
    await history(utc, "2026-01-01 00:01:59.000Z");
    await recompute(server);
    expect(await isUnlocked(moscow.user, "new_year_miracle")).toBe(true);
    expect(await isUnlocked(late.user, "new_year_miracle")).toBe(false);
    expect(await isUnlocked(utc.user, "new_year_miracle")).toBe(true);
  });

  it("rebuilds stats idempotently, keeps imported unlocks and replaces imported progress", async () => {
    const who = await userIn();
    await history(who, "2026-02-01 10:00:00.000Z", "2026-02-02 10:00:00.000Z");
    await send(who.user, who.room); // today
    await importRows(server, "user_achievements", [
      {
        id: newId(),
        user: who.user.record.id,
        achievement: catalogue.get("ninja"),
        progress: 1,
        unlockedAt: "2025-05-01 12:00:00.000Z",
        created: "2025-05-01 12:00:00.000Z",
        updated: "2025-05-01 12:00:00.000Z",
      },
      {
        id: newId(),
        user: who.user.record.id,
        achievement: catalogue.get("chatterbox"),
        progress: 9999, // what the old client claimed
        unlockedAt: "",
        created: "2025-05-01 12:00:00.000Z",
        updated: "2025-05-01 12:00:00.000Z",
      },
    ]);
    await server.admin
      .collection("user_stats")
      .update((await statsOf(who.user)).id, { messagesSent: 777, longestStreak: 40 });

    await recompute(server, who.user);
    const stats = await statsOf(who.user);
    const rows = await rowsOf(who.user);
    expect(stats).toMatchObject({ messagesSent: 3, currentStreak: 1, longestStreak: 2 });
    const byAchievement = new Map(rows.map((r) => [r.achievement, r]));
    expect(byAchievement.get(catalogue.get("ninja")!)).toMatchObject({
      unlockedAt: "2025-05-01 12:00:00.000Z",
    });
    expect(byAchievement.get(catalogue.get("chatterbox")!)).toMatchObject({
      progress: 3,
      unlockedAt: "",
    });
    expect(await progress(who.user, "chatterbox")).toBe(3);

    await recompute(server, who.user);
    const again = await statsOf(who.user);
    expect({ ...again, updated: "", rev: "" }).toEqual({ ...stats, updated: "", rev: "" });
    expect(await rowsOf(who.user)).toEqual(rows);
  });

  it("answers with the number of users and new unlocks", async () => {
    const who = await userIn();
    await history(who, "2026-02-01 10:00:00.000Z");
    const result = await recompute(server, who.user);
    // first_message, and soul_of_party: the seeded room names the user as its creator
    expect(result).toEqual({ users: 1, unlocked: 2 });
    expect(await recompute(server, who.user)).toEqual({ users: 1, unlocked: 0 });
    const page2 = await api<AchievementsPage>(who.user.client, "GET", "/achievements");
    expect(
      page2.items.find((i) => i.achievement.key === "first_message")?.progress?.unlockedAt,
    ).not.toBe("");
  });
});

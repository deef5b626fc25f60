// Achievements decided by the server: each condition, performed through the public API, unlocks
// its achievement, and the same action just below the threshold does not. Big thresholds start
// from seeded stats (as an import would leave them) and are crossed through the API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MessagesResponse, RoomsResponse } from "../../types/pocketbase-types.ts";
import {
  importRows,
  isUnlocked,
  newId,
  page,
  pbDate,
  progress,
  seedStats,
  zoneWithLocalHour,
} from "../support/achievements.ts";
import { api } from "../support/api.ts";
import { defaultClockAt, setClockTo } from "../support/clock.ts";
import { seedMessage, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());
// tests that set the time put the clock back where the others expect it
afterEach(async () => {
  await server.setClock({ at: defaultClockAt() });
});

const PALETTE = ["👍", "❤️", "😂", "😮", "😢", "😡", "🔥", "🎉", "👏", "🤔"];
const OTHER_EMOJIS = ["🍕", "🚀", "🐱", "🌈", "⚽", "🎸", "🍎", "🌙", "💡", "🧩"];
const DAY = 86_400_000;
/** A day on the server's clock, which is what the rules read (UTC users). */
const utcDay = (offsetDays = 0) =>
  new Date(server.clockNow().getTime() + offsetDays * DAY).toISOString().slice(0, 10);

const send = (user: TestUser, room: string, fields: Record<string, unknown> = {}) =>
  user.client
    .collection("messages")
    .create<MessagesResponse>({ room, content: "hi", type: "text", ...fields });
const react = (user: TestUser, messageId: string, emoji: string) =>
  api(user.client, "POST", `/messages/${messageId}/reactions`, { emoji });

async function users(n: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, () => createUser(server)));
}
async function groupOf(n: number): Promise<{ people: TestUser[]; room: RoomsResponse }> {
  const people = await users(n);
  return { people, room: await seedRoom(server, "private", people) };
}
/** Unlocked and not-unlocked keys of two users, checked together. */
async function expectSplit(yes: TestUser, no: TestUser, key: string): Promise<void> {
  expect(await isUnlocked(yes, key), `${key} unlocked`).toBe(true);
  expect(await isUnlocked(no, key), `${key} not unlocked`).toBe(false);
}

describe("basics", () => {
  it("first_message: the first message unlocks it; a user who wrote nothing has not", async () => {
    const { people, room } = await groupOf(2);
    const [writer, silent] = people as [TestUser, TestUser];
    expect(await isUnlocked(writer, "first_message")).toBe(false);
    await send(writer, room.id);
    await expectSplit(writer, silent, "first_message");
  });

  it("voice_master: the 250th voice message, not the 249th; other types do not count", async () => {
    const { people, room } = await groupOf(1);
    const u = people[0]!;
    await seedStats(server, u, { counters: { voice: 248 } });
    await send(u, room.id, { type: "voice", content: "https://cdn.example/v.ogg" });
    await send(u, room.id, { type: "audio", content: "https://cdn.example/a.mp3" });
    expect(await progress(u, "voice_master")).toBe(249);
    expect(await isUnlocked(u, "voice_master")).toBe(false);
    await send(u, room.id, { type: "voice", content: "https://cdn.example/v2.ogg" });
    expect(await isUnlocked(u, "voice_master")).toBe(true);
    expect((await page(u)).stats).toMatchObject({ voice: 250, messagesSent: 3 });
  });

  it("reaction_brain: all ten palette emojis; nine plus others is not enough", async () => {
    const { people, room } = await groupOf(2);
    const [u, friend] = people as [TestUser, TestUser];
    const message = await seedMessage(server, room.id, friend);
    for (const emoji of [...PALETTE.slice(0, 9), ...OTHER_EMOJIS])
      await react(u, message.id, emoji);
    expect(await progress(u, "reaction_brain")).toBe(9);
    expect(await isUnlocked(u, "reaction_brain")).toBe(false);
    await react(u, message.id, PALETTE[9]!);
    expect(await isUnlocked(u, "reaction_brain")).toBe(true);
  });
});

describe("social", () => {
  it("soul_of_party: creating a group chat; opening a DM is not one", async () => {
    const [host, dmOnly] = await users(2);
    await host!.client.collection("rooms").create({ name: "Party", type: "private" });
    await api(dmOnly!.client, "POST", "/dms", { userId: host!.record.id });
    await expectSplit(host!, dmOnly!, "soul_of_party");
  });

  it("magnet: the 10th member invited (at creation or later), not the 9th", async () => {
    const [host, a, b, c] = await users(4);
    await seedStats(server, host!, { counters: { invited: 7 } });
    const room = await host!.client.collection("rooms").create<RoomsResponse>({
      name: "Club",
      type: "private",
      memberIds: [a!.record.id, b!.record.id],
    });
    expect(await progress(host!, "magnet")).toBe(9);
    expect(await isUnlocked(host!, "magnet")).toBe(false);
    await api(host!.client, "POST", `/rooms/${room.id}/invite`, { userId: c!.record.id });
    expect(await isUnlocked(host!, "magnet")).toBe(true);
  });

  it("popular_person: 20 reactions on one message by others; the author's own do not count", async () => {
    const { people, room } = await groupOf(2);
    const [author, fan] = people as [TestUser, TestUser];
    const message = await send(author, room.id);
    const emojis = [...PALETTE, ...OTHER_EMOJIS];
    for (const emoji of emojis.slice(0, 19)) await react(fan, message.id, emoji);
    await react(author, message.id, emojis[19]!);
    expect(await progress(author, "popular_person")).toBe(19);
    expect(await isUnlocked(author, "popular_person")).toBe(false);
    await react(fan, message.id, emojis[19]!);
    expect(await isUnlocked(author, "popular_person")).toBe(true);
  });

  it("silent_listener: 1000 group messages read without writing; writing starts over", async () => {
    const { people, room } = await groupOf(3);
    const [listener, talker, chatty] = people as [TestUser, TestUser, TestUser];
    await seedStats(server, listener, { silentReads: 995 });
    await seedStats(server, chatty, { silentReads: 995 });
    for (let i = 0; i < 4; i++) await seedMessage(server, room.id, talker, `news ${i}`);
    await api(listener.client, "POST", `/rooms/${room.id}/read`);
    expect(await progress(listener, "silent_listener")).toBe(999);
    expect(await isUnlocked(listener, "silent_listener")).toBe(false);
    await send(chatty, room.id, { content: "me too" }); // writing resets chatty's count
    await seedMessage(server, room.id, talker, "news 5");
    await api(listener.client, "POST", `/rooms/${room.id}/read`);
    await api(chatty.client, "POST", `/rooms/${room.id}/read`);
    expect(await isUnlocked(listener, "silent_listener")).toBe(true);
    expect(await isUnlocked(chatty, "silent_listener")).toBe(false);
    expect(await progress(chatty, "silent_listener")).toBeLessThan(10);
  });

  it("initiator: 10 direct conversations started in one day; later messages do not count", async () => {
    await setClockTo(server, "12:00"); // one day: no midnight during the test
    const [starter, a, b] = await users(3);
    await seedStats(server, starter!, {
      counters: { initiator: { day: utcDay(), count: 8, best: 8 } },
    });
    const dmA = await api<{ id: string }>(starter!.client, "POST", "/dms", {
      userId: a!.record.id,
    });
    await send(starter!, dmA.id);
    await send(starter!, dmA.id, { content: "still the same conversation" });
    expect(await progress(starter!, "initiator")).toBe(9);
    expect(await isUnlocked(starter!, "initiator")).toBe(false);
    const dmB = await api<{ id: string }>(starter!.client, "POST", "/dms", {
      userId: b!.record.id,
    });
    await send(starter!, dmB.id);
    expect(await isUnlocked(starter!, "initiator")).toBe(true);
  });
});

describe("master", () => {
  it("chatterbox: the 10 000th message, not the 9 999th", async () => {
    const { people, room } = await groupOf(1);
    const u = people[0]!;
    await seedStats(server, u, { messagesSent: 9998 });
    await send(u, room.id);
    expect(await progress(u, "chatterbox")).toBe(9999);
    expect(await isUnlocked(u, "chatterbox")).toBe(false);
    await send(u, room.id);
    expect(await isUnlocked(u, "chatterbox")).toBe(true);
    expect((await page(u)).stats).toMatchObject({ messagesSent: 10000, currentStreak: 1 });
  });

  it("night_owl: a message at 03:00 local time; none at 12:00", async () => {
    const { people, room } = await groupOf(2);
    const [owl, lark] = people as [TestUser, TestUser];
    await setClockTo(server, "03:00");
    await send(owl, room.id);
    await setClockTo(server, "12:00");
    await send(lark, room.id);
    await expectSplit(owl, lark, "night_owl");
  });

  it("night_owl: 03:00 in the user's time zone, whatever the hour in UTC", async () => {
    const { people, room } = await groupOf(2);
    const [owl, lark] = people as [TestUser, TestUser];
    const at = await setClockTo(server, "12:00");
    await server.admin
      .collection("users")
      .update(owl.record.id, { timezone: zoneWithLocalHour(3, at) });
    await server.admin
      .collection("users")
      .update(lark.record.id, { timezone: zoneWithLocalHour(12, at) });
    await send(owl, room.id);
    await send(lark, room.id);
    await expectSplit(owl, lark, "night_owl");
  });

  it("new_year_miracle: January 1, 00:00-00:01 local time; 00:02 and December 31 are not", async () => {
    const { people, room } = await groupOf(4);
    const [first, late, early, moscow] = people as [TestUser, TestUser, TestUser, TestUser];
    await server.admin.collection("users").update(moscow.record.id, { timezone: "Europe/Moscow" });
    await setClockTo(server, "01-01T00:01:30");
    await send(first, room.id);
    await setClockTo(server, "01-01T00:02:00");
    await send(late, room.id);
    await setClockTo(server, "12-31T23:59:30");
    await send(early, room.id);
    await setClockTo(server, "12-31T21:00:30"); // 00:00:30 in Moscow (UTC+3)
    await send(moscow, room.id);
    await expectSplit(first, late, "new_year_miracle");
    await expectSplit(moscow, early, "new_year_miracle");
  });

  it("speed_shooter: 10 messages within 15 s, not 9", async () => {
    const { people, room } = await groupOf(2);
    const [fast, slow] = people as [TestUser, TestUser];
    for (let i = 0; i < 10; i++) await send(fast, room.id, { content: `${i}` });
    for (let i = 0; i < 9; i++) await send(slow, room.id, { content: `${i}` });
    await expectSplit(fast, slow, "speed_shooter");
  });

  it("quote_king: replies to 300 distinct messages; replying twice to one counts once", async () => {
    const { people, room } = await groupOf(2);
    const [u, other] = people as [TestUser, TestUser];
    const [a, b] = [
      await seedMessage(server, room.id, other),
      await seedMessage(server, room.id, other),
    ];
    await seedStats(server, u, { counters: { replies: 298 } });
    await send(u, room.id, { replyTo: a.id });
    await send(u, room.id, { replyTo: a.id });
    expect(await progress(u, "quote_king")).toBe(299);
    expect(await isUnlocked(u, "quote_king")).toBe(false);
    await send(u, room.id, { replyTo: b.id });
    expect(await isUnlocked(u, "quote_king")).toBe(true);
  });

  it("history_keeper: 20 distinct messages pinned, re-pinning does not count", async () => {
    const { people, room } = await groupOf(1);
    const owner = people[0]!;
    const messages = [];
    for (let i = 0; i < 20; i++) messages.push(await seedMessage(server, room.id, owner, `m${i}`));
    for (const m of messages.slice(0, 19)) {
      await api(owner.client, "POST", `/rooms/${room.id}/pin`, { messageId: m.id });
    }
    await api(owner.client, "POST", `/rooms/${room.id}/pin`, { messageId: messages[0]!.id });
    expect(await progress(owner, "history_keeper")).toBe(19);
    expect(await isUnlocked(owner, "history_keeper")).toBe(false);
    await api(owner.client, "POST", `/rooms/${room.id}/pin`, { messageId: messages[19]!.id });
    expect(await isUnlocked(owner, "history_keeper")).toBe(true);
  });
});

describe("media", () => {
  it.each([
    ["photographer", "image", "photos", 500],
    ["documentalist", "file", "files", 200],
  ])("%s: the %s message that reaches the threshold", async (key, type, counter, max) => {
    const { people, room } = await groupOf(1);
    const u = people[0]!;
    await seedStats(server, u, { counters: { [counter]: max - 2 } });
    await send(u, room.id, { type, content: "https://cdn.example/x" });
    expect(await progress(u, key)).toBe(max - 1);
    expect(await isUnlocked(u, key)).toBe(false);
    await send(u, room.id, { type, content: "https://cdn.example/y" });
    expect(await isUnlocked(u, key)).toBe(true);
  });

  it("reactor: 500 reactions in one room (stored reactions, not clicks)", async () => {
    const { people, room } = await groupOf(2);
    const [u, other] = people as [TestUser, TestUser];
    const messages = Array.from({ length: 50 }, () => ({
      id: newId(),
      room: room.id,
      author: other.record.id,
      content: "react",
      type: "text",
      created: pbDate(new Date()),
      updated: pbDate(new Date()),
    }));
    await importRows(server, "messages", messages);
    const combos = messages.flatMap((m) => PALETTE.map((emoji) => ({ message: m.id, emoji })));
    await importRows(
      server,
      "reactions",
      combos.slice(0, 498).map((c) => ({
        id: newId(),
        ...c,
        user: u.record.id,
        room: room.id,
        messageAuthor: other.record.id,
      })),
    );
    // toggling one reaction off and on again adds nothing
    await api(u.client, "DELETE", `/messages/${combos[0]!.message}/reactions`, {
      emoji: combos[0]!.emoji,
    });
    await react(u, combos[0]!.message, combos[0]!.emoji);
    await react(u, combos[498]!.message, combos[498]!.emoji);
    expect(await progress(u, "reactor")).toBe(499);
    expect(await isUnlocked(u, "reactor")).toBe(false);
    await react(u, combos[499]!.message, combos[499]!.emoji);
    expect(await isUnlocked(u, "reactor")).toBe(true);
  });

  it("collector: the 100th forward into one's own favorites; other forwards do not count", async () => {
    const { people, room } = await groupOf(2);
    const [u, other] = people as [TestUser, TestUser];
    const favorites = await api<{ id: string }>(u.client, "POST", "/favorites");
    const source = await seedMessage(server, room.id, other, "keep this");
    await seedStats(server, u, { counters: { favorites: 98 } });
    await api(u.client, "POST", `/messages/${source.id}/forward`, { roomId: favorites.id });
    await api(u.client, "POST", `/messages/${source.id}/forward`, { roomId: room.id });
    await send(u, favorites.id, { content: "a note to self" });
    expect(await progress(u, "collector")).toBe(99);
    expect(await isUnlocked(u, "collector")).toBe(false);
    await api(u.client, "POST", `/messages/${source.id}/forward`, { roomId: favorites.id });
    expect(await isUnlocked(u, "collector")).toBe(true);
  });

  it("self_director: 50 video messages in one room; other rooms do not add up", async () => {
    const { people, room } = await groupOf(1);
    const u = people[0]!;
    const elsewhere = await seedRoom(server, "private", [u]);
    await seedStats(server, u, { counters: { videosByRoom: { [room.id]: 48 } } });
    const video = { type: "video", content: "https://cdn.example/c.mp4" };
    await send(u, elsewhere.id, video);
    await send(u, room.id, video);
    expect(await progress(u, "self_director")).toBe(49);
    expect(await isUnlocked(u, "self_director")).toBe(false);
    await send(u, room.id, video);
    expect(await isUnlocked(u, "self_director")).toBe(true);
  });
});

describe("secret", () => {
  it("oops_all: deleting within 2 s of sending; after 2 s it is not", async () => {
    const { people, room } = await groupOf(2);
    const [quick, slow] = people as [TestUser, TestUser];
    const first = await send(quick, room.id);
    await api(quick.client, "DELETE", `/messages/${first.id}`);
    // The window runs from `created`, a real-time stamp PocketBase sets (so moving the clock
    // does not age a message, hooks-src/konvert/jsvm/clock.ts): the slow message is stored
    // 2.5 s in the past instead of waiting.
    const second = newId();
    const stamp = pbDate(new Date(Date.now() - 2_500));
    await importRows(server, "messages", [
      {
        id: second,
        room: room.id,
        author: slow.record.id,
        content: "hi",
        type: "text",
        created: stamp,
        updated: stamp,
      },
    ]);
    await api(slow.client, "DELETE", `/messages/${second}`);
    await expectSplit(quick, slow, "oops_all");
  });

  it("ninja: deleting a message no one has read; once read it is not", async () => {
    const { people, room } = await groupOf(3);
    const [ninja, seen, reader] = people as [TestUser, TestUser, TestUser];
    const hidden = await send(ninja, room.id);
    await api(ninja.client, "DELETE", `/messages/${hidden.id}`);
    const read = await send(seen, room.id);
    await api(reader.client, "POST", `/rooms/${room.id}/read`);
    await api(seen.client, "DELETE", `/messages/${read.id}`);
    await expectSplit(ninja, seen, "ninja");
  });

  it("nostalgia: reading history back to a message over a year old; 300 days is not", async () => {
    const [old, recent] = await users(2);
    const oldRoom = await seedRoom(server, "private", [old!]);
    const recentRoom = await seedRoom(server, "private", [recent!]);
    const at = (days: number) => pbDate(new Date(Date.now() - days * DAY));
    await importRows(server, "messages", [
      {
        id: newId(),
        room: oldRoom.id,
        author: old!.record.id,
        content: "back then",
        type: "text",
        created: at(400),
        updated: at(400),
      },
      {
        id: newId(),
        room: recentRoom.id,
        author: recent!.record.id,
        content: "lately",
        type: "text",
        created: at(300),
        updated: at(300),
      },
    ]);
    await api(old!.client, "GET", `/rooms/${oldRoom.id}/messages`);
    await api(recent!.client, "GET", `/rooms/${recentRoom.id}/messages`);
    await expectSplit(old!, recent!, "nostalgia");
  });

  it("beacon: five people mentioned in one message, not four", async () => {
    const { people, room } = await groupOf(7);
    const [loud, quiet, ...others] = people;
    const names = others.map((o) => `@${o.record.username}`);
    await send(quiet!, room.id, { content: `hey ${names.slice(0, 4).join(" ")}` });
    await send(loud!, room.id, { content: `hey ${names.join(" ")}` });
    await expectSplit(loud!, quiet!, "beacon");
  });

  it("chips_pretzel: the 50th friend, not the 49th", async () => {
    const [u, a, b] = await users(3);
    const now = pbDate(new Date());
    const imported = Array.from({ length: 48 }, (_, i) => ({
      id: newId(),
      email: `friend${i}_${u!.record.id}@konvert.test`,
      username: `f${i}_${u!.record.id}`,
      password: "x",
      tokenKey: newId() + newId(),
      created: now,
      updated: now,
    }));
    await importRows(server, "users", imported);
    await importRows(
      server,
      "friendships",
      imported.map((f) => {
        const [userA, userB] = [f.id, u!.record.id].sort();
        return { id: newId(), userA, userB, created: now, updated: now };
      }),
    );
    for (const friend of [a!, b!]) {
      const { request } = await api<{ request: { id: string } }>(
        friend.client,
        "POST",
        "/friends/requests",
        {
          userId: u!.record.id,
        },
      );
      await api(u!.client, "POST", `/friends/requests/${request.id}/accept`);
      if (friend === a) {
        expect(await progress(u!, "chips_pretzel")).toBe(49);
        expect(await isUnlocked(u!, "chips_pretzel")).toBe(false);
      }
    }
    expect(await isUnlocked(u!, "chips_pretzel")).toBe(true);
    expect(await isUnlocked(b!, "chips_pretzel")).toBe(false);
  });
});

describe("challenges", () => {
  it("striker: a 30-day streak; 29 days, or a gap, is not", async () => {
    await setClockTo(server, "12:00"); // days are counted: no midnight during the test
    const { people, room } = await groupOf(3);
    const [keen, almost, lapsed] = people as [TestUser, TestUser, TestUser];
    const yesterday = utcDay(-1);
    await seedStats(server, keen, {
      currentStreak: 29,
      longestStreak: 29,
      lastActiveDay: yesterday,
    });
    await seedStats(server, almost, {
      currentStreak: 28,
      longestStreak: 28,
      lastActiveDay: yesterday,
    });
    await seedStats(server, lapsed, {
      currentStreak: 29,
      longestStreak: 29,
      lastActiveDay: utcDay(-3),
    });
    for (const u of [keen, almost, lapsed]) await send(u, room.id);
    await expectSplit(keen, almost, "striker");
    expect(await isUnlocked(lapsed, "striker")).toBe(false);
    expect((await page(lapsed)).stats).toMatchObject({ currentStreak: 1, longestStreak: 29 });
    expect((await page(almost)).stats).toMatchObject({
      currentStreak: 29,
      lastActiveDay: utcDay(),
    });
  });
});

describe("streaks", () => {
  it("a day is the user's calendar day: midnight in Tokyo continues a streak, UTC's day goes on", async () => {
    const { people, room } = await groupOf(2);
    const [tokyo, utc] = people as [TestUser, TestUser];
    await server.admin.collection("users").update(tokyo.record.id, { timezone: "Asia/Tokyo" });
    const before = await setClockTo(server, "14:59:50"); // 23:59:50 in Tokyo (UTC+9)
    await send(tokyo, room.id);
    await send(utc, room.id);
    const after = new Date(before.getTime() + 20_000); // 00:00:10 the next day in Tokyo
    await server.setClock({ at: after });
    await send(tokyo, room.id);
    await send(utc, room.id);
    const tokyoDay = new Date(after.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    expect((await page(tokyo)).stats).toMatchObject({
      currentStreak: 2,
      lastActiveDay: tokyoDay,
    });
    expect((await page(utc)).stats).toMatchObject({
      currentStreak: 1,
      lastActiveDay: after.toISOString().slice(0, 10),
    });
  });
});

describe("client-claimable", () => {
  it.each(["perfect_taste", "rescuer", "paradox"])(
    "%s: claimed once, notified once",
    async (key) => {
      const [u] = await users(1);
      const first = await api<{ newUnlock: boolean }>(
        u!.client,
        "POST",
        `/achievements/${key}/unlock`,
      );
      const again = await api<{ newUnlock: boolean }>(
        u!.client,
        "POST",
        `/achievements/${key}/unlock`,
      );
      expect([first.newUnlock, again.newUnlock]).toEqual([true, false]);
      expect(await isUnlocked(u!, key)).toBe(true);
      const notes = await server.admin
        .collection("notifications")
        .getFullList({ filter: `recipient = "${u!.record.id}" && type = "achievement"` });
      expect(notes).toHaveLength(1);
    },
  );
});

describe("concurrency", () => {
  it("50 concurrent messages unlock each achievement once, notify once and count 50", async () => {
    await setClockTo(server, "12:00"); // the exact set: no night_owl or new_year_miracle
    const { people, room } = await groupOf(1);
    const u = people[0]!;
    await Promise.all(Array.from({ length: 50 }, (_, i) => send(u, room.id, { content: `m${i}` })));
    const rows = await server.admin
      .collection("user_achievements")
      .getFullList({ filter: `user = "${u.record.id}"`, expand: "achievement" });
    const keys = rows.map((r) => (r.expand as { achievement: { key: string } }).achievement.key);
    // 50 messages at once are also 10 within 15 seconds
    expect(keys.sort()).toEqual(["first_message", "speed_shooter"]);
    const notes = await server.admin
      .collection("notifications")
      .getFullList({ filter: `recipient = "${u.record.id}" && type = "achievement"` });
    expect(notes.map((n) => (n["data"] as { achievement: string }).achievement).sort()).toEqual([
      "first_message",
      "speed_shooter",
    ]);
    expect((await page(u)).stats?.messagesSent).toBe(50);
  });

  it("50 concurrent claims of one achievement unlock and notify once", async () => {
    const [u] = await users(1);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        api<{ newUnlock: boolean }>(u!.client, "POST", "/achievements/perfect_taste/unlock"),
      ),
    );
    expect(results.filter((r) => r.newUnlock)).toHaveLength(1);
    const notes = await server.admin
      .collection("notifications")
      .getFullList({ filter: `recipient = "${u!.record.id}" && type = "achievement"` });
    expect(notes).toHaveLength(1);
  });
});

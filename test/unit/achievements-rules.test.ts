// Achievement rules: what each event does to the stats, which achievements it earns, streaks by
// calendar day, the time-of-day windows, and the rebuild from history.
import { describe, expect, it } from "vitest";
import {
  ACHIEVEMENT_KEYS,
  applyEvent,
  crossed,
  crossingCounts,
  currentStreakOn,
  dateMs,
  daysBetween,
  emptyStats,
  isClientClaimable,
  isCountOnlySend,
  isNewYearMiracle,
  isNightOwl,
  nextStreak,
  oneShotsOfSend,
  progressOf,
  reached,
  REACTION_EMOJIS,
  ROOM_COUNTERS_MAX,
  statsFromHistory,
  streaksOf,
  touchedBy,
  type AchievementEvent,
  type History,
  type Stats,
} from "../../hooks-src/konvert/rules/achievements.ts";

const sent = (over: Partial<Extract<AchievementEvent, { kind: "message_sent" }>> = {}) =>
  ({
    kind: "message_sent",
    roomId: "room1",
    roomType: "private",
    messageType: "text",
    recentSends: 0,
    local: "2026-03-10 12:00",
    newReply: false,
    mentions: 0,
    startsDm: false,
    savedToFavorites: false,
    ...over,
  }) as const;

function run(events: AchievementEvent[], start: Stats = emptyStats()) {
  let stats = start;
  const earned: string[] = [];
  for (const e of events) {
    const out = applyEvent(stats, e);
    stats = out.stats;
    earned.push(...out.earned);
  }
  return { stats, earned };
}

const thresholds = new Map<string, number>([
  ["first_message", 1],
  ["chatterbox", 3],
  ["voice_master", 2],
  ["striker", 3],
  ["reaction_brain", 10],
]);

describe("applyEvent", () => {
  it("counts messages by type and leaves the input untouched", () => {
    const start = emptyStats();
    const { stats } = run(
      [
        sent({ messageType: "voice" }),
        sent({ messageType: "image" }),
        sent({ messageType: "file" }),
      ],
      start,
    );
    expect(start).toEqual(emptyStats());
    expect(stats.messagesSent).toBe(3);
    expect(stats.counters).toMatchObject({ voice: 1, photos: 1, files: 1 });
  });

  it("counts videos per room and reports the best room", () => {
    const { stats } = run([
      sent({ messageType: "video", roomId: "a" }),
      sent({ messageType: "video", roomId: "b" }),
      sent({ messageType: "video", roomId: "a" }),
    ]);
    expect(progressOf(stats, "self_director")).toBe(2);
  });

  it("keeps per-room counters bounded, dropping the smallest", () => {
    const many: Record<string, number> = {};
    for (let i = 0; i < ROOM_COUNTERS_MAX; i++) many[`r${i}`] = i + 1;
    const start = { ...emptyStats(), counters: { videosByRoom: many } };
    const { stats } = run([sent({ messageType: "video", roomId: "new" })], start);
    const rooms = stats.counters.videosByRoom!;
    expect(Object.keys(rooms)).toHaveLength(ROOM_COUNTERS_MAX);
    expect(rooms["r0"]).toBeUndefined();
    expect(rooms[`r${ROOM_COUNTERS_MAX - 1}`]).toBe(ROOM_COUNTERS_MAX);
  });

  it("one-shot conditions: beacon at 5 mentions, night owl 02:00-04:59, new year 00:00-00:01", () => {
    expect(run([sent({ mentions: 4 })]).earned).toEqual([]);
    expect(run([sent({ mentions: 5 })]).earned).toEqual(["beacon"]);
    expect(run([sent({ local: "2026-03-10 02:00" })]).earned).toEqual(["night_owl"]);
    expect(run([sent({ local: "2026-03-10 05:00" })]).earned).toEqual([]);
    expect(run([sent({ local: "2027-01-01 00:01" })]).earned).toEqual(["new_year_miracle"]);
  });

  it("speed shooter: a message with 9 others of the author's in the last 15 s", () => {
    expect(run([sent({ recentSends: 9 })]).earned).toContain("speed_shooter");
    expect(run([sent({ recentSends: 8 })]).earned).not.toContain("speed_shooter");
  });

  it("count-only sends: plain text and polls, not replies, DM starts, saves or counted media", () => {
    expect(isCountOnlySend(sent())).toBe(true);
    expect(isCountOnlySend(sent({ messageType: "poll", mentions: 7 }))).toBe(true);
    for (const over of [
      { newReply: true },
      { startsDm: true },
      { savedToFavorites: true },
      { messageType: "voice" },
      { messageType: "image" },
      { messageType: "file" },
      { messageType: "video" },
    ]) {
      expect(isCountOnlySend(sent(over))).toBe(false);
    }
  });

  it("a count-only send earns what the general path earns", () => {
    const event = sent({ recentSends: 9, mentions: 5, local: "2026-03-10 03:00" });
    const start = {
      ...emptyStats(),
      messagesSent: 9,
      lastActiveDay: "2026-03-10",
      currentStreak: 1,
    };
    const general = applyEvent(start, event);
    expect(oneShotsOfSend(event).sort()).toEqual([...general.earned].sort());
    expect(general.stats.messagesSent).toBe(10);
  });

  it("count-only sends leave the counts that unlock something to the general path", () => {
    const event = sent();
    const at = (catalogue: Record<string, number>) =>
      crossingCounts(event, { get: (key) => catalogue[key] }).sort((a, b) => a - b);
    expect(at({ first_message: 1, chatterbox: 10_000 })).toEqual([1, 10_000]);
    expect(at({ first_message: 3, chatterbox: 50 })).toEqual([50]); // progress of the first is 0 or 1
    expect(at({ striker: 7 })).toEqual([]); // not a count
    expect(crossingCounts(sent({ messageType: "voice" }), { get: () => 2 })).toEqual([2]);
  });

  it("deletions: oops within 2 s, ninja when unseen", () => {
    const del = (ageMs: number, unseen: boolean) =>
      applyEvent(emptyStats(), { kind: "message_deleted", ageMs, unseen }).earned;
    expect(del(2_000, false)).toEqual(["oops_all"]);
    expect(del(2_001, true)).toEqual(["ninja"]);
    expect(del(5_000, false)).toEqual([]);
  });

  it("reactions: totals come from the event (stored counts), palette emojis collect once", () => {
    const given = (emoji: string, inRoom: number) =>
      ({ kind: "reaction_given", roomId: "r", emoji, inRoom, total: inRoom }) as const;
    const { stats } = run([given("👍", 1), given("👍", 2), given("🍕", 3), given("❤️", 2)]);
    expect(stats.counters.emojis).toEqual(["👍", "❤️"]);
    expect(progressOf(stats, "reactor")).toBe(3); // never lowered by a smaller later count
    expect(stats.reactionsGiven).toBe(2);
    expect(REACTION_EMOJIS).toHaveLength(10);
  });

  it("silent reads add up and a sent message starts them over", () => {
    const read = { kind: "group_read", messages: 400 } as const;
    expect(progressOf(run([read, read]).stats, "silent_listener")).toBe(800);
    expect(progressOf(run([read, sent(), read]).stats, "silent_listener")).toBe(400);
  });

  it("initiator counts conversations started per local day", () => {
    const start = (day: string) => sent({ startsDm: true, local: `${day} 10:00` });
    const { stats } = run([start("2026-01-01"), start("2026-01-01"), start("2026-01-02")]);
    expect(stats.counters.initiator).toEqual({ day: "2026-01-02", count: 1, best: 2 });
  });

  it("absolute counters never go down (pins, friends)", () => {
    const { stats } = run([
      { kind: "pinned", total: 5 },
      { kind: "pinned", total: 3 },
      { kind: "friends", total: 7 },
      { kind: "friends", total: 6 },
    ]);
    expect([progressOf(stats, "history_keeper"), progressOf(stats, "chips_pretzel")]).toEqual([
      5, 7,
    ]);
  });

  it("nostalgia at 365 days", () => {
    const read = (oldestAgeDays: number) =>
      applyEvent(emptyStats(), { kind: "history_read", oldestAgeDays }).earned;
    expect(read(364)).toEqual([]);
    expect(read(365)).toEqual(["nostalgia"]);
  });
});

describe("crossing thresholds", () => {
  it("reports an achievement only on the event that reaches it", () => {
    const one = run([sent()]);
    expect(crossed(emptyStats(), one.stats, thresholds)).toEqual(["first_message"]);
    const two = run([sent()], one.stats);
    expect(crossed(one.stats, two.stats, thresholds)).toEqual([]);
    const three = run([sent()], two.stats);
    expect(crossed(two.stats, three.stats, thresholds)).toEqual(["chatterbox"]);
    expect(reached(three.stats, thresholds)).toEqual(["first_message", "chatterbox"]);
  });

  it("has a progress rule for every counting achievement, none for the rest", () => {
    const full: Stats = {
      ...emptyStats(),
      messagesSent: 1,
      longestStreak: 1,
      silentReads: 1,
      counters: {
        voice: 1,
        photos: 1,
        files: 1,
        replies: 1,
        pins: 1,
        invited: 1,
        favorites: 1,
        groups: 1,
        friends: 1,
        bestMessage: 1,
        videosByRoom: { r: 1 },
        reactionsByRoom: { r: 1 },
        emojis: ["👍"],
        initiator: { day: "d", count: 1, best: 1 },
      },
    };
    const oneShot = ACHIEVEMENT_KEYS.filter((k) => progressOf(full, k) === 0);
    expect(oneShot.sort()).toEqual(
      [
        "beacon",
        "new_year_miracle",
        "night_owl",
        "ninja",
        "nostalgia",
        "oops_all",
        "paradox",
        "perfect_taste",
        "rescuer",
        "speed_shooter",
      ].sort(),
    );
    expect(ACHIEVEMENT_KEYS).toHaveLength(28);
  });

  it("an event raises progress only of the keys it declares as touched", () => {
    const events: AchievementEvent[] = [
      ...["text", "voice", "image", "file", "video"].map((messageType) => sent({ messageType })),
      sent({ newReply: true, savedToFavorites: true, startsDm: true, local: "2026-03-11 10:00" }),
      { kind: "reaction_given", roomId: "r", emoji: "🔥", inRoom: 9, total: 9 },
      { kind: "reaction_received", onMessage: 9, total: 9 },
      { kind: "group_created", invited: 3 },
      { kind: "members_invited", count: 1 },
      { kind: "pinned", total: 9 },
      { kind: "friends", total: 9 },
      { kind: "group_read", messages: 9 },
      { kind: "message_deleted", ageMs: 1, unseen: true },
      { kind: "history_read", oldestAgeDays: 999 },
    ];
    for (const event of events) {
      const before = run([sent()]).stats;
      const after = applyEvent(before, event).stats;
      const raised = ACHIEVEMENT_KEYS.filter((k) => progressOf(after, k) > progressOf(before, k));
      expect(touchedBy(event), JSON.stringify(event)).toEqual(expect.arrayContaining(raised));
    }
  });

  it("only client-observable achievements are claimable", () => {
    expect(ACHIEVEMENT_KEYS.filter(isClientClaimable)).toEqual([
      "rescuer",
      "paradox",
      "perfect_taste",
    ]);
  });
});

describe("streaks", () => {
  it("same day no change, next day +1, a gap starts over, longest is kept", () => {
    let s = { currentStreak: 0, longestStreak: 0, lastActiveDay: "" };
    s = nextStreak(s, "2026-02-27");
    s = nextStreak(s, "2026-02-27");
    s = nextStreak(s, "2026-02-28");
    s = nextStreak(s, "2026-03-01"); // across the end of February
    expect(s).toEqual({ currentStreak: 3, longestStreak: 3, lastActiveDay: "2026-03-01" });
    s = nextStreak(s, "2026-03-05");
    expect(s).toEqual({ currentStreak: 1, longestStreak: 3, lastActiveDay: "2026-03-05" });
  });

  it("a day earlier than the last (time zone moved back) keeps the streak", () => {
    const s = { currentStreak: 4, longestStreak: 4, lastActiveDay: "2026-03-05" };
    expect(nextStreak(s, "2026-03-04")).toEqual(s);
  });

  it("is shown as alive through the day after the last activity", () => {
    const s = { currentStreak: 5, lastActiveDay: "2026-12-31" };
    expect(currentStreakOn(s, "2026-12-31")).toBe(5);
    expect(currentStreakOn(s, "2027-01-01")).toBe(5);
    expect(currentStreakOn(s, "2027-01-02")).toBe(0);
  });

  it("rebuilds from sorted days, across a year end and a leap day", () => {
    expect(
      streaksOf(["2027-12-30", "2027-12-31", "2028-01-01", "2028-02-28", "2028-02-29"]),
    ).toEqual({
      currentStreak: 2,
      longestStreak: 3,
      lastActiveDay: "2028-02-29",
    });
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
  });
});

describe("times", () => {
  it("parses PocketBase dates to epoch ms", () => {
    expect(dateMs("2026-01-01 00:00:01.250Z")).toBe(Date.UTC(2026, 0, 1, 0, 0, 1, 250));
    expect(dateMs("2026-01-01 00:00:01Z")).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(dateMs("garbage")).toBeNaN();
  });

  it("windows", () => {
    expect(["01:59", "02:00", "04:59", "05:00"].map((t) => isNightOwl(`2026-01-01 ${t}`))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(
      ["01-01 00:00", "01-01 00:01", "01-01 00:02", "12-31 23:59", "01-02 00:00"].map((t) =>
        isNewYearMiracle(`2027-${t}`),
      ),
    ).toEqual([true, true, false, false, false]);
  });
});

describe("statsFromHistory", () => {
  const history: History = {
    messagesByType: { text: 5, voice: 2, image: 1 },
    videosByRoom: { a: 3 },
    repliedTo: 2,
    savedToFavorites: 1,
    localMinutes: ["2026-01-01 00:00", "2026-01-02 03:10", "2026-01-03 12:00"],
    speedShooter: false,
    dmStartDays: ["2026-01-02", "2026-01-01", "2026-01-02"],
    maxMentions: 5,
    reactionsGiven: 4,
    reactionsByRoom: { a: 4 },
    emojis: ["👍", "🍕", "❤️"],
    reactionsReceived: 6,
    bestMessage: 3,
    groups: 1,
    invitedAtLeast: 2,
    pins: 1,
    friends: 9,
    quickDelete: true,
  };

  it("rebuilds counters and streaks, keeps what history cannot tell, and is idempotent", () => {
    const stored = { ...emptyStats(), silentReads: 30, counters: { invited: 7 } };
    const first = statsFromHistory(history, stored);
    expect(first.stats).toMatchObject({
      messagesSent: 8,
      currentStreak: 3,
      longestStreak: 3,
      lastActiveDay: "2026-01-03",
      silentReads: 30,
      counters: { voice: 2, photos: 1, invited: 7, emojis: ["👍", "❤️"] },
    });
    expect(first.stats.counters.initiator).toEqual({ day: "2026-01-02", count: 2, best: 2 });
    expect([...first.earned].sort()).toEqual([
      "beacon",
      "new_year_miracle",
      "night_owl",
      "oops_all",
    ]);
    expect(statsFromHistory(history, first.stats)).toEqual(first);
  });
});

// Achievements and streaks: what an event changes in a user's stats, and which achievements that
// earns. Pure: the shell (jsvm/achievements/) gathers the facts (counts, local time) and writes.
//
// Progress of counting achievements lives in user_stats, so an event costs one stats write; a
// user_achievements row is written only when an achievement unlocks. Thresholds come from the
// catalogue (`maxProgress`), so they can change without code; only the shapes of the conditions
// (time windows, hours, the reaction set) live here.

export const ACHIEVEMENT_KEYS = [
  "first_message",
  "voice_master",
  "reaction_brain",
  "soul_of_party",
  "magnet",
  "popular_person",
  "rescuer",
  "silent_listener",
  "initiator",
  "chatterbox",
  "night_owl",
  "speed_shooter",
  "quote_king",
  "history_keeper",
  "photographer",
  "reactor",
  "documentalist",
  "collector",
  "self_director",
  "oops_all",
  "paradox",
  "chips_pretzel",
  "ninja",
  "nostalgia",
  "beacon",
  "perfect_taste",
  "striker",
  "new_year_miracle",
] as const;
export type AchievementKey = (typeof ACHIEVEMENT_KEYS)[number];

/** The reaction palette of the chat UI: using all of them earns reaction_brain. */
export const REACTION_EMOJIS: readonly string[] = [
  "👍",
  "❤️",
  "😂",
  "😮",
  "😢",
  "😡",
  "🔥",
  "🎉",
  "👏",
  "🤔",
];

/** speed_shooter: this many messages within SPEED_WINDOW_MS. */
export const SPEED_COUNT = 10;
export const SPEED_WINDOW_MS = 15_000;
/** oops_all: the author deletes within this time of sending. */
export const OOPS_WINDOW_MS = 2_000;
/** beacon: people mentioned in one message. */
export const BEACON_MENTIONS = 5;
/** nostalgia: a message at least this old shown in history. */
export const NOSTALGIA_DAYS = 365;
/** Per-room counters kept in the stats json (bounded: the json field holds 64 KiB). */
export const ROOM_COUNTERS_MAX = 1000;

export interface Counters {
  voice?: number;
  photos?: number;
  files?: number;
  replies?: number;
  pins?: number;
  invited?: number;
  favorites?: number;
  groups?: number;
  friends?: number;
  bestMessage?: number;
  videosByRoom?: Record<string, number>;
  reactionsByRoom?: Record<string, number>;
  emojis?: string[];
  /** DM conversations started on `day` (local), and the best day so far. */
  initiator?: { day: string; count: number; best: number };
}

export interface Stats {
  messagesSent: number;
  reactionsGiven: number;
  reactionsReceived: number;
  currentStreak: number;
  longestStreak: number;
  /** `YYYY-MM-DD` in the user's time zone, "" before any activity. */
  lastActiveDay: string;
  /** Group messages read since the user last wrote (silent_listener). */
  silentReads: number;
  counters: Counters;
}

export function emptyStats(): Stats {
  return {
    messagesSent: 0,
    reactionsGiven: 0,
    reactionsReceived: 0,
    currentStreak: 0,
    longestStreak: 0,
    lastActiveDay: "",
    silentReads: 0,
    counters: {},
  };
}

/** What happened, with the facts the shell looked up. `local` is `YYYY-MM-DD HH:MM` local time. */
export type AchievementEvent =
  | {
      kind: "message_sent";
      roomId: string;
      roomType: string;
      messageType: string;
      /** The author's other messages within SPEED_WINDOW_MS of this one. */
      recentSends: number;
      local: string;
      /** A reply to a message the user had not replied to before. */
      newReply: boolean;
      mentions: number;
      /** The first message of a direct conversation. */
      startsDm: boolean;
      /** A forward into the user's own favorites room. */
      savedToFavorites: boolean;
    }
  | { kind: "message_deleted"; ageMs: number; unseen: boolean }
  /** Totals are counted from stored reactions, so removing and re-adding one earns nothing. */
  | { kind: "reaction_given"; roomId: string; emoji: string; inRoom: number; total: number }
  | { kind: "reaction_received"; onMessage: number; total: number }
  | { kind: "group_created"; invited: number }
  | { kind: "members_invited"; count: number }
  | { kind: "pinned"; total: number }
  | { kind: "friends"; total: number }
  | { kind: "group_read"; messages: number }
  | { kind: "history_read"; oldestAgeDays: number };

export interface Outcome {
  stats: Stats;
  /** One-shot achievements this event earned (counting ones are found by comparing progress). */
  earned: AchievementKey[];
}

/** Achievements only the client can observe: the claim route accepts these and nothing else. */
export function isClientClaimable(key: string): boolean {
  return key === "perfect_taste" || key === "rescuer" || key === "paradox";
}

/** Applies an event to a copy of the stats. */
export function applyEvent(previous: Stats, event: AchievementEvent): Outcome {
  const stats: Stats = { ...previous, counters: { ...previous.counters } };
  const c = stats.counters;
  const earned: AchievementKey[] = [];
  switch (event.kind) {
    case "message_sent": {
      stats.messagesSent += 1;
      Object.assign(stats, nextStreak(stats, dayOf(event.local)));
      stats.silentReads = 0;
      if (event.messageType === "voice") c.voice = (c.voice ?? 0) + 1;
      if (event.messageType === "image") c.photos = (c.photos ?? 0) + 1;
      if (event.messageType === "file") c.files = (c.files ?? 0) + 1;
      if (event.messageType === "video") {
        c.videosByRoom = bump(c.videosByRoom, event.roomId, 1);
      }
      if (event.newReply) c.replies = (c.replies ?? 0) + 1;
      if (event.savedToFavorites) c.favorites = (c.favorites ?? 0) + 1;
      if (event.startsDm) c.initiator = nextInitiator(c.initiator, dayOf(event.local));
      earned.push(...oneShotsOfSend(event));
      break;
    }
    case "message_deleted":
      if (event.ageMs <= OOPS_WINDOW_MS) earned.push("oops_all");
      if (event.unseen) earned.push("ninja");
      break;
    case "reaction_given":
      stats.reactionsGiven = event.total;
      c.reactionsByRoom = bump(c.reactionsByRoom, event.roomId, event.inRoom, true);
      if (REACTION_EMOJIS.includes(event.emoji) && !(c.emojis ?? []).includes(event.emoji)) {
        c.emojis = [...(c.emojis ?? []), event.emoji];
      }
      break;
    case "reaction_received":
      stats.reactionsReceived = event.total;
      c.bestMessage = Math.max(c.bestMessage ?? 0, event.onMessage);
      break;
    case "group_created":
      c.groups = (c.groups ?? 0) + 1;
      c.invited = (c.invited ?? 0) + event.invited;
      break;
    case "members_invited":
      c.invited = (c.invited ?? 0) + event.count;
      break;
    case "pinned":
      c.pins = Math.max(c.pins ?? 0, event.total);
      break;
    case "friends":
      c.friends = Math.max(c.friends ?? 0, event.total);
      break;
    case "group_read":
      stats.silentReads += event.messages;
      break;
    case "history_read":
      if (event.oldestAgeDays >= NOSTALGIA_DAYS) earned.push("nostalgia");
      break;
  }
  return { stats, earned };
}

export type MessageSent = Extract<AchievementEvent, { kind: "message_sent" }>;

/** What a single message earns by itself, whatever the stats say. */
export function oneShotsOfSend(event: MessageSent): AchievementKey[] {
  const earned: AchievementKey[] = [];
  if (event.recentSends + 1 >= SPEED_COUNT) earned.push("speed_shooter");
  if (event.mentions >= BEACON_MENTIONS) earned.push("beacon");
  if (isNightOwl(event.local)) earned.push("night_owl");
  if (isNewYearMiracle(event.local)) earned.push("new_year_miracle");
  return earned;
}

/** Message types with a counter of their own in the stats. */
const COUNTED_TYPES: readonly string[] = ["voice", "image", "file", "video"];

/**
 * A send that can change no counter but the message count: most sends. If the stored stats also
 * say "active today" with no silent reads to reset, the shell applies it as an increment in SQL
 * without reading the row (the UPDATE's WHERE checks both; otherwise it takes the general path).
 */
export function isCountOnlySend(event: MessageSent): boolean {
  return (
    !event.newReply &&
    !event.startsDm &&
    !event.savedToFavorites &&
    !COUNTED_TYPES.includes(event.messageType)
  );
}

/**
 * The message counts at which a count-only send crosses a threshold (the catalogue can change
 * them): a count-only send that reaches one of these takes the general path, which unlocks.
 */
export function crossingCounts(event: MessageSent, thresholds: Thresholds): number[] {
  const keys = touchedBy(event);
  const candidates = new Set([1, ...keys.map((key) => thresholds.get(key) ?? 0)]);
  return [...candidates].filter(
    (n) =>
      n >= 1 && crossed(withMessageCount(n - 1), withMessageCount(n), thresholds, keys).length > 0,
  );
}

function withMessageCount(messagesSent: number): Stats {
  return { ...emptyStats(), messagesSent };
}

/** Progress of a counting achievement (0 for one-shot and client-claimable ones). */
export function progressOf(stats: Stats, key: AchievementKey): number {
  const c = stats.counters;
  switch (key) {
    case "first_message":
      return Math.min(stats.messagesSent, 1);
    case "chatterbox":
      return stats.messagesSent;
    case "voice_master":
      return c.voice ?? 0;
    case "photographer":
      return c.photos ?? 0;
    case "documentalist":
      return c.files ?? 0;
    case "self_director":
      return maxOf(c.videosByRoom);
    case "quote_king":
      return c.replies ?? 0;
    case "collector":
      return c.favorites ?? 0;
    case "initiator":
      return c.initiator?.best ?? 0;
    case "reaction_brain":
      return (c.emojis ?? []).length;
    case "reactor":
      return maxOf(c.reactionsByRoom);
    case "popular_person":
      return c.bestMessage ?? 0;
    case "soul_of_party":
      return c.groups ?? 0;
    case "magnet":
      return c.invited ?? 0;
    case "history_keeper":
      return c.pins ?? 0;
    case "chips_pretzel":
      return c.friends ?? 0;
    case "silent_listener":
      return stats.silentReads;
    case "striker":
      return stats.longestStreak;
    default:
      return 0;
  }
}

/** Looks up an achievement's threshold (`maxProgress`); undefined when not in the catalogue. */
export interface Thresholds {
  get(key: string): number | undefined;
}

/**
 * Counting achievements whose progress reached `max` with this change, among `keys`. Only a
 * crossing counts, so a hot path does not look up unlocks it already has; the recompute catches
 * anything missed (e.g. a threshold lowered below a user's progress).
 */
export function crossed(
  before: Stats,
  after: Stats,
  thresholds: Thresholds,
  keys: readonly AchievementKey[] = ACHIEVEMENT_KEYS,
): AchievementKey[] {
  return keys.filter((key) => {
    const next = progressOf(after, key);
    if (next === 0) return false;
    const max = thresholds.get(key);
    return max !== undefined && next >= max && progressOf(before, key) < max;
  });
}

/** The counting achievements whose progress an event can raise (the only ones to check). */
export function touchedBy(event: AchievementEvent): AchievementKey[] {
  switch (event.kind) {
    case "message_sent": {
      const keys: AchievementKey[] = ["first_message", "chatterbox", "striker"];
      const byType: Record<string, AchievementKey> = {
        voice: "voice_master",
        image: "photographer",
        file: "documentalist",
        video: "self_director",
      };
      const typed = byType[event.messageType];
      if (typed) keys.push(typed);
      if (event.newReply) keys.push("quote_king");
      if (event.savedToFavorites) keys.push("collector");
      if (event.startsDm) keys.push("initiator");
      return keys;
    }
    case "reaction_given":
      return ["reaction_brain", "reactor"];
    case "reaction_received":
      return ["popular_person"];
    case "group_created":
      return ["soul_of_party", "magnet"];
    case "members_invited":
      return ["magnet"];
    case "pinned":
      return ["history_keeper"];
    case "friends":
      return ["chips_pretzel"];
    case "group_read":
      return ["silent_listener"];
    default:
      return [];
  }
}

/** Keys reached by a stats snapshot (used by the recompute, which has no "before"). */
export function reached(stats: Stats, thresholds: Thresholds): AchievementKey[] {
  return crossed(emptyStats(), stats, thresholds);
}

// --- time ---------------------------------------------------------------------------------------

export function dayOf(local: string): string {
  return local.slice(0, 10);
}

/** Whole days from day `a` to day `b` (`YYYY-MM-DD`, calendar arithmetic, no time zones). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayNumber(b) - dayNumber(a)) / 86_400_000);
}

function dayNumber(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** The streak after activity on `today`: same day no change, next day +1, a gap starts over. */
export function nextStreak(
  prev: Pick<Stats, "currentStreak" | "longestStreak" | "lastActiveDay">,
  today: string,
): Pick<Stats, "currentStreak" | "longestStreak" | "lastActiveDay"> {
  if (prev.lastActiveDay === today && prev.currentStreak > 0) return { ...prev };
  const gap = prev.lastActiveDay === "" ? Infinity : daysBetween(prev.lastActiveDay, today);
  // a day before the last one (a time-zone change moved the clock back): keep the streak
  if (gap < 0) return { ...prev };
  const current = gap === 1 ? prev.currentStreak + 1 : 1;
  return {
    currentStreak: current,
    longestStreak: Math.max(prev.longestStreak, current),
    lastActiveDay: today,
  };
}

/** The streak as of `today`: it is still alive on the day after the last activity. */
export function currentStreakOn(
  stats: Pick<Stats, "currentStreak" | "lastActiveDay">,
  today: string,
): number {
  if (stats.lastActiveDay === "") return 0;
  return daysBetween(stats.lastActiveDay, today) <= 1 ? stats.currentStreak : 0;
}

/** Streaks from a sorted list of distinct active days (the recompute). */
export function streaksOf(
  days: readonly string[],
): Pick<Stats, "currentStreak" | "longestStreak" | "lastActiveDay"> {
  let state = { currentStreak: 0, longestStreak: 0, lastActiveDay: "" };
  for (const day of days) state = nextStreak(state, day);
  return state;
}

export function isNightOwl(local: string): boolean {
  const hour = Number(local.slice(11, 13));
  return hour >= 2 && hour < 5;
}

/** January 1, 00:00–00:01 inclusive (the first two minutes of the year). */
export function isNewYearMiracle(local: string): boolean {
  return local.slice(5, 10) === "01-01" && local.slice(11, 15) === "00:0" && local[15]! <= "1";
}

/** Milliseconds since the epoch of a PocketBase date (`2026-01-01 10:00:00.123Z`). */
export function dateMs(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?Z?$/.exec(value);
  if (!m) return NaN;
  const n = (i: number) => Number(m[i] ?? 0);
  const ms = Number((m[7] ?? "0").padEnd(3, "0"));
  return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6), ms);
}

// --- helpers ------------------------------------------------------------------------------------

function nextInitiator(
  prev: Counters["initiator"],
  day: string,
): NonNullable<Counters["initiator"]> {
  const count = prev && prev.day === day ? prev.count + 1 : 1;
  return { day, count, best: Math.max(prev?.best ?? 0, count) };
}

/** Adds `by` to a per-room counter, or with `atLeast` raises it to that value. */
function bump(
  map: Record<string, number> | undefined,
  key: string,
  by: number,
  atLeast = false,
): Record<string, number> {
  const prev = map ?? {};
  const value = atLeast ? Math.max(prev[key] ?? 0, by) : (prev[key] ?? 0) + by;
  // At the cap the smallest other room makes way: the best rooms are what progress needs, and
  // a new room must be able to grow.
  const others = key in prev ? prev : topRooms(prev, ROOM_COUNTERS_MAX - 1);
  return { ...others, [key]: value };
}

/** The `limit` biggest per-room counters. */
function topRooms(map: Record<string, number>, limit = ROOM_COUNTERS_MAX): Record<string, number> {
  const entries = Object.entries(map);
  if (entries.length <= limit) return map;
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, limit));
}

function maxOf(map: Record<string, number> | undefined): number {
  return Math.max(0, ...Object.values(map ?? {}));
}

/** Stats json as stored (a missing or malformed value is an empty start). */
export function countersFrom(value: unknown): Counters {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

// --- recompute ----------------------------------------------------------------------------------

/** What the recompute reads from stored history for one user (local times already converted). */
export interface History {
  messagesByType: Record<string, number>;
  videosByRoom: Record<string, number>;
  /** Distinct messages replied to. */
  repliedTo: number;
  savedToFavorites: number;
  /** Distinct local minutes (`YYYY-MM-DD HH:MM`) in which the user wrote. */
  localMinutes: readonly string[];
  /** Some SPEED_COUNT consecutive messages lie within SPEED_WINDOW_MS. */
  speedShooter: boolean;
  /** Local days of the first messages of direct conversations the user started. */
  dmStartDays: readonly string[];
  maxMentions: number;
  reactionsGiven: number;
  reactionsByRoom: Record<string, number>;
  emojis: readonly string[];
  reactionsReceived: number;
  bestMessage: number;
  groups: number;
  /** Members of the user's private rooms other than the user (a lower bound of invitations). */
  invitedAtLeast: number;
  pins: number;
  friends: number;
  /** The user deleted one of their messages within OOPS_WINDOW_MS of sending it. */
  quickDelete: boolean;
}

/**
 * Stats rebuilt from history. Counters history cannot tell (invitations beyond current members,
 * reads without writing) keep their stored value, so running it twice changes nothing.
 */
export function statsFromHistory(history: History, stored: Stats): Outcome {
  const days = [...new Set(history.localMinutes.map(dayOf))].sort();
  const messagesSent = Object.values(history.messagesByType).reduce((a, b) => a + b, 0);
  const dmDays = [...history.dmStartDays].sort();
  const perDay = new Map<string, number>();
  for (const day of dmDays) perDay.set(day, (perDay.get(day) ?? 0) + 1);
  const lastDmDay = dmDays[dmDays.length - 1];
  const counters: Counters = {
    voice: history.messagesByType["voice"] ?? 0,
    photos: history.messagesByType["image"] ?? 0,
    files: history.messagesByType["file"] ?? 0,
    replies: history.repliedTo,
    pins: history.pins,
    invited: Math.max(stored.counters.invited ?? 0, history.invitedAtLeast),
    favorites: history.savedToFavorites,
    groups: history.groups,
    friends: history.friends,
    bestMessage: history.bestMessage,
    videosByRoom: topRooms({ ...history.videosByRoom }),
    reactionsByRoom: topRooms(history.reactionsByRoom),
    emojis: REACTION_EMOJIS.filter((e) => history.emojis.includes(e)),
  };
  if (lastDmDay !== undefined) {
    counters.initiator = {
      day: lastDmDay,
      count: perDay.get(lastDmDay) ?? 0,
      best: Math.max(...perDay.values()),
    };
  }
  const stats: Stats = {
    messagesSent,
    reactionsGiven: history.reactionsGiven,
    reactionsReceived: history.reactionsReceived,
    ...streaksOf(days),
    silentReads: stored.silentReads, // history cannot tell reads without writing
    counters,
  };
  const earned: AchievementKey[] = [];
  if (history.localMinutes.some(isNightOwl)) earned.push("night_owl");
  if (history.localMinutes.some(isNewYearMiracle)) earned.push("new_year_miracle");
  if (history.speedShooter) earned.push("speed_shooter");
  if (history.maxMentions >= BEACON_MENTIONS) earned.push("beacon");
  if (history.quickDelete) earned.push("oops_all");
  return { stats, earned };
}

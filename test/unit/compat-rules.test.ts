// The legacy API's pure mapping: error texts by code, shapes, keys and the poll text format.
import { describe, expect, it } from "vitest";
import { legacyErrorText, legacyStatus } from "../../hooks-src/konvert/rules/compat-errors.ts";
import {
  HIDDEN_VOTER,
  legacyPoll,
  parseLegacyPoll,
} from "../../hooks-src/konvert/rules/compat-polls.ts";
import {
  friendRequestKey,
  isDmId,
  legacyLimit,
  legacyMessage,
  legacyMessageType,
  legacyRoom,
  legacyUser,
  parseFriendRequestKey,
  type RoomFacts,
  type UserFacts,
} from "../../hooks-src/konvert/rules/compat-shapes.ts";

describe("errors", () => {
  it("gives the original text for an action's code, whatever the English message says", () => {
    expect(legacyErrorText("room.not_found")).toBe("Комната не найдена");
    expect(legacyErrorText("user.muted")).toBe("Вы в муте");
    expect(legacyErrorText("room.muted")).toBe("Вы в муте");
  });

  it("answers business errors with 400 like the original, keeps 401/429/5xx", () => {
    expect([403, 404, 409, 400].map(legacyStatus)).toEqual([400, 400, 400, 400]);
    expect([401, 429, 500].map(legacyStatus)).toEqual([401, 429, 500]);
  });
});

const USER: UserFacts = {
  id: "u1",
  email: "u1@x.test",
  username: "u1",
  displayName: "",
  role: "",
  lastActiveAt: "2026-01-01 10:00:00.000Z",
  created: "2025-12-01 10:00:00.000Z",
  bannedUntil: "2026-01-01 12:00:00.000Z",
  mutedUntil: "2025-01-01 00:00:00.000Z",
  avatarUrl: "",
  gender: "f",
  age: 30,
  interests: "chess",
  privacy: { showAge: false },
  publicKey: "",
};
const NOW = Date.parse("2026-01-01T10:01:00Z");

describe("users", () => {
  it("the owner sees everything incl. friends, blocks and moderation state", () => {
    const self = legacyUser(
      USER,
      { self: true, staff: false, presence: true, friends: ["u2"], blockedUsers: [] },
      NOW,
    );
    expect(self).toMatchObject({
      email: "u1@x.test",
      role: "user",
      status: "online",
      banned: true,
      ban_until: "2026-01-01T12:00:00.000Z",
      muted: false,
      age: 30,
      friends: ["u2"],
      blocked_users: [],
      privacySettings: { showGender: true, showAge: false, showInterests: true },
    });
    expect(self).not.toHaveProperty("mute_until");
  });

  it("bans follow the rules' clock, online status the real time since lastActiveAt", () => {
    // a test clock two hours ahead: the ban (until 12:00) is over, the user is still online
    const later = NOW + 2 * 3_600_000;
    const self = legacyUser(USER, { self: true, staff: false, presence: true }, later, NOW);
    expect(self).toMatchObject({ banned: false, status: "online" });
    expect(legacyUser(USER, { self: true, staff: false, presence: true }, NOW)).toMatchObject({
      banned: true,
      status: "online",
    });
  });

  it("others get the public profile minus what privacy withholds", () => {
    const other = legacyUser(USER, { self: false, staff: false, presence: false }, NOW);
    expect(other).toEqual({
      id: "u1",
      username: "u1",
      role: "user",
      created_at: "2025-12-01T10:00:00.000Z",
      gender: "f",
      interests: "chess",
    });
  });
});

const ROOM: RoomFacts = {
  id: "r1",
  name: "",
  type: "favorites",
  system: "",
  createdBy: "u1",
  created: "2026-01-01 00:00:00.000Z",
  members: ["u1"],
  pinnedMessage: "",
  pins: [],
  isMember: true,
  lastReadAt: "2026-01-01 01:00:00.000Z",
  unreadCount: 2,
  mentionCount: 1,
  reactionCount: 0,
  lastMessage: null,
};

describe("rooms", () => {
  it("favorites are private rooms flagged is_favorites; counters keyed by the caller", () => {
    expect(legacyRoom(ROOM, "u1", false)).toMatchObject({
      type: "private",
      is_favorites: true,
      unread_count: { u1: 2 },
      unread_mentions: { u1: 1 },
      last_read: { u1: "2026-01-01T01:00:00.000Z" },
    });
  });

  it("the jail room keeps the original name; god mode flags rooms the caller is not in", () => {
    const jail = legacyRoom(
      { ...ROOM, type: "private", system: "jail", isMember: false },
      "u1",
      true,
    );
    expect(jail).toMatchObject({ name: "🔒 Азкабан", isGodMode: true, unread_count: {} });
  });
});

describe("ids and small parsers", () => {
  it("DM ids and request keys", () => {
    expect(isDmId("abc:def")).toBe(true);
    expect(isDmId("abcdef")).toBe(false);
    expect(parseFriendRequestKey(friendRequestKey("a1", "b2"))).toEqual({ from: "a1", to: "b2" });
    expect(parseFriendRequestKey("friend_request:a")).toBeNull();
  });

  it("limits and types", () => {
    expect([legacyLimit(""), legacyLimit("NaN"), legacyLimit("5"), legacyLimit("9999")]).toEqual([
      100, 100, 5, 500,
    ]);
    expect([legacyMessageType("voice"), legacyMessageType("weird")]).toEqual(["voice", "text"]);
  });

  it("messages: reactions grouped by emoji, edits and deletes flagged", () => {
    const m = legacyMessage({
      id: "m1",
      roomId: "r1",
      authorId: "u1",
      authorUsername: "u1",
      authorDisplayName: "",
      authorAvatar: "",
      content: "hi",
      type: "text",
      replyTo: "",
      created: "2026-01-01 00:00:00.000Z",
      editedAt: "2026-01-01 00:01:00.000Z",
      deletedAt: "",
      reactions: [
        { emoji: "👍", user: "u2" },
        { emoji: "👍", user: "u3" },
      ],
      mentions: [],
    });
    expect(m).toMatchObject({ reactions: { "👍": ["u2", "u3"] }, edited: true });
    expect(m).not.toHaveProperty("mentions");
  });
});

describe("polls", () => {
  it("parses the composer's text", () => {
    expect(parseLegacyPoll("📊 Lunch? 🔒 [Анонимный]\n\n1. Pizza\n2. Soup")).toEqual({
      question: "Lunch?",
      options: ["Pizza", "Soup"],
      anonymous: true,
    });
    expect(parseLegacyPoll("📊 Q\n1. A")).toEqual({ problem: "Неверный формат опроса" });
    expect(parseLegacyPoll("📊 Q\n1. A\nB")).toEqual({
      problem: "Опрос должен содержать минимум 2 варианта",
    });
  });

  it("anonymous votes: counts right, only the caller named", () => {
    const poll = legacyPoll(
      {
        id: "p",
        message: "p",
        question: "Q",
        options: ["A", "B"],
        anonymous: true,
        createdBy: "u1",
        created: "",
        counts: [2, 1],
        myVotes: [0],
      },
      "me",
    );
    expect(poll["votes"]).toEqual({ "0": ["me", HIDDEN_VOTER], "1": [HIDDEN_VOTER] });
  });
});

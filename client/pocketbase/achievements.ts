// Achievements over /api/konvert/achievements: the server decides progress and unlocks; a client
// may only claim the few achievements whose condition it alone can observe.
import type PocketBase from "pocketbase";
import type { AchievementProgress, AchievementsApi } from "../interface.ts";
import { konvertApi, seg } from "./konvert-api.ts";

/** The caller's streaks and counters, as of today in their time zone. */
export interface AchievementStats {
  messagesSent: number;
  reactionsGiven: number;
  reactionsReceived: number;
  currentStreak: number;
  longestStreak: number;
  lastActiveDay: string;
  /** Messages by type; `videos` adds up the per-room counts (the 1 000 biggest rooms). */
  voice: number;
  photos: number;
  files: number;
  videos: number;
  /** Distinct messages replied to. */
  replies: number;
}

export interface AchievementsPage {
  user: string;
  items: AchievementProgress[];
  /** Only for the caller's own achievements. */
  stats?: AchievementStats;
}

export interface ClaimResult extends AchievementProgress {
  newUnlock: boolean;
}

export function pocketBaseAchievements(pb: PocketBase): AchievementsApi & {
  getAchievementsPage(userId?: string): Promise<AchievementsPage>;
  claimAchievement(achievementId: string): Promise<ClaimResult>;
} {
  const send = konvertApi(pb);
  const getAchievementsPage = (userId?: string) =>
    send<AchievementsPage>(
      "GET",
      `/achievements${userId ? `?userId=${encodeURIComponent(userId)}` : ""}`,
    );
  const claimAchievement = (achievementId: string) =>
    send<ClaimResult>("POST", `/achievements/${seg(achievementId)}/unlock`);
  return {
    getAchievementsPage,
    claimAchievement,
    /** Own achievements (all, secret ones masked until unlocked), or another user's public ones. */
    getAchievements: async (userId?: string) => (await getAchievementsPage(userId)).items,
    /** Claims a client-claimable achievement by key or id; anything else is refused (403). */
    unlockAchievement: async (achievementId: string) => {
      await claimAchievement(achievementId);
    },
  };
}

// Users, moderation and account calls over the /api/konvert people routes. The server applies
// every rule and shapes what the caller may see; this module only sends and types.
import type PocketBase from "pocketbase";
import type { ModerationLogResponse, UsersResponse } from "../../types/pocketbase-types.ts";
import { call } from "../errors.ts";
import type { UsersApi, Unsubscribe, User } from "../interface.ts";
import { onPresence } from "./live.ts";
import { konvertApi, seg } from "./konvert-api.ts";

export interface SearchPage {
  page: number;
  perPage: number;
  hasMore: boolean;
  items: User[];
}

/** Account actions beyond the seed's interface. */
export interface AccountApi {
  searchUsersPage(query: string, page?: number, perPage?: number): Promise<SearchPage>;
  banUser(id: string, hours?: number, reason?: string): Promise<void>;
  muteUser(id: string, hours: number, reason?: string): Promise<void>;
  removeAvatar(): Promise<User>;
  /** Ends every other session; this client keeps working with the new token. */
  changePassword(oldPassword: string, newPassword: string): Promise<void>;
  changeEmail(newEmail: string, password: string): Promise<User>;
  heartbeat(): Promise<{ lastActiveAt: string; written: boolean }>;
  deleteAccount(password: string): Promise<void>;
  deleteUser(id: string): Promise<void>;
  exportMyData(): Promise<Record<string, unknown>>;
  /** Admins and moderators; `filter` is a PocketBase filter over the log's fields. */
  getModerationLog(
    page?: number,
    perPage?: number,
    filter?: string,
  ): Promise<ModerationLogResponse[]>;
}

export function pocketBaseUsers(pb: PocketBase): UsersApi & AccountApi {
  const send = konvertApi(pb);
  const searchUsersPage = (query: string, page = 1, perPage = 20) =>
    send<SearchPage>(
      "GET",
      `/users/search?q=${encodeURIComponent(query)}&page=${page}&perPage=${perPage}`,
    );
  return {
    searchUsersPage,
    async searchUsers(query) {
      return (await searchUsersPage(query)).items;
    },
    getUserById: (id) => call(() => pb.collection("users").getOne<UsersResponse>(id)),
    updateUserProfile: (updates) => send<User>("POST", "/profile", updates),
    updateUserRole: (id, role) => send<User>("POST", `/users/${seg(id)}/role`, { role }),
    async banUser(id: string, hours?: number, reason?: string) {
      await send("POST", `/users/${seg(id)}/ban`, { hours: hours ?? null, reason });
    },
    async unbanUser(id) {
      await send("POST", `/users/${seg(id)}/unban`);
    },
    async muteUser(id: string, hours: number, reason?: string) {
      await send("POST", `/users/${seg(id)}/mute`, { hours, reason });
    },
    async unmuteUser(id) {
      await send("POST", `/users/${seg(id)}/unmute`);
    },
    async blockUser(id) {
      await send("POST", `/blocks/${seg(id)}`);
    },
    async unblockUser(id) {
      await send("DELETE", `/blocks/${seg(id)}`);
    },
    uploadAvatar(file) {
      const form = new FormData();
      form.append("avatar", file);
      return send<User>("POST", "/profile/avatar", form);
    },
    removeAvatar: () => send<User>("DELETE", "/profile/avatar"),
    async changePassword(oldPassword, newPassword) {
      const auth = await send<{ token: string; record: User }>("POST", "/account/password", {
        oldPassword,
        newPassword,
      });
      pb.authStore.save(
        auth.token,
        auth.record as unknown as NonNullable<typeof pb.authStore.record>,
      );
    },
    changeEmail: (newEmail, password) =>
      send<User>("POST", "/account/email", { newEmail, password }),
    heartbeat: () => send("POST", "/presence/heartbeat"),
    async deleteAccount(password) {
      await send("POST", "/account/delete", { password });
      pb.authStore.clear();
    },
    async deleteUser(id) {
      await send("DELETE", `/users/${seg(id)}`);
    },
    exportMyData: () => send<Record<string, unknown>>("GET", "/account/export"),
    async getModerationLog(page = 1, perPage = 50, filter = "") {
      const list = await call(() =>
        pb
          .collection("moderation_log")
          .getList<ModerationLogResponse>(page, perPage, { filter, sort: "-created" }),
      );
      return list.items;
    },
  };
}

/** Profile and presence changes of one user; only delivered when the server lets the caller see them. */
export async function subscribeToUserStatus(
  pb: PocketBase,
  userId: string,
  callback: (user: User) => void,
): Promise<Unsubscribe> {
  // the event names who changed; the users API says what the caller may see of them
  return onPresence(pb, userId, () => {
    pb.collection("users")
      .getOne<UsersResponse>(userId)
      .then(callback, () => undefined);
  });
}

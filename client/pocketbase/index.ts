// The PocketBase implementation of the Backend interface.
import PocketBase from "pocketbase";
import type {
  AchievementsApi,
  Backend,
  DirectMessagesApi,
  MessagesApi,
  RealtimeApi,
  StorageApi,
} from "../interface.ts";
import { pocketBaseAuth } from "./auth.ts";
import { pocketBaseFriends, pocketBaseNotifications } from "./friends.ts";
import { pocketBaseUsers, subscribeToUserStatus } from "./users.ts";
import { pendingModule } from "./pending.ts";
import {
  pocketBaseDirectRooms,
  pocketBaseE2ee,
  pocketBaseRooms,
  subscribeToRoomUpdates,
} from "./rooms.ts";

export interface PocketBaseBackend extends Backend {
  /** The underlying SDK client, for what the interface does not cover yet. */
  pb: PocketBase;
}

export function createPocketBaseBackend(urlOrClient: string | PocketBase): PocketBaseBackend {
  const pb = typeof urlOrClient === "string" ? new PocketBase(urlOrClient) : urlOrClient;
  return {
    pb,
    auth: pocketBaseAuth(pb),
    users: pocketBaseUsers(pb),
    rooms: pocketBaseRooms(pb),
    messages: pendingModule("messages") as MessagesApi,
    directMessages: pendingModule("directMessages", pocketBaseDirectRooms(pb)) as DirectMessagesApi,
    friends: pocketBaseFriends(pb),
    notifications: pocketBaseNotifications(pb),
    e2ee: pocketBaseE2ee(pb),
    achievements: pendingModule("achievements") as AchievementsApi,
    realtime: pendingModule("realtime", {
      subscribeToRoomUpdates: (callback: Parameters<RealtimeApi["subscribeToRoomUpdates"]>[0]) =>
        subscribeToRoomUpdates(pb, callback),
      subscribeToUserStatus: (
        userId: string,
        callback: Parameters<RealtimeApi["subscribeToUserStatus"]>[1],
      ) => subscribeToUserStatus(pb, userId, callback),
    }) as RealtimeApi,
    storage: pendingModule("storage") as StorageApi,
  };
}

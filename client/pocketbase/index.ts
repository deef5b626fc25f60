// The PocketBase implementation of the Backend interface.
import PocketBase from "pocketbase";
import type {
  AchievementsApi,
  Backend,
  DirectMessagesApi,
  FriendsApi,
  MessagesApi,
  RealtimeApi,
  StorageApi,
  UsersApi,
} from "../interface.ts";
import { pocketBaseAuth } from "./auth.ts";
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
    users: pendingModule("users") as UsersApi,
    rooms: pocketBaseRooms(pb),
    messages: pendingModule("messages") as MessagesApi,
    directMessages: pendingModule("directMessages", pocketBaseDirectRooms(pb)) as DirectMessagesApi,
    friends: pendingModule("friends") as FriendsApi,
    e2ee: pocketBaseE2ee(pb),
    achievements: pendingModule("achievements") as AchievementsApi,
    realtime: pendingModule("realtime", {
      subscribeToRoomUpdates: (callback: Parameters<RealtimeApi["subscribeToRoomUpdates"]>[0]) =>
        subscribeToRoomUpdates(pb, callback),
    }) as RealtimeApi,
    storage: pendingModule("storage") as StorageApi,
  };
}

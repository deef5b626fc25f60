// The PocketBase implementation of the Backend interface.
import PocketBase from "pocketbase";
import type {
  AchievementsApi,
  Backend,
  DirectMessagesApi,
  E2eeApi,
  FriendsApi,
  MessagesApi,
  RealtimeApi,
  RoomsApi,
  StorageApi,
  UsersApi,
} from "../interface.ts";
import { pocketBaseAuth } from "./auth.ts";
import { pendingModule } from "./pending.ts";

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
    rooms: pendingModule("rooms") as RoomsApi,
    messages: pendingModule("messages") as MessagesApi,
    directMessages: pendingModule("directMessages") as DirectMessagesApi,
    friends: pendingModule("friends") as FriendsApi,
    e2ee: pendingModule("e2ee") as E2eeApi,
    achievements: pendingModule("achievements") as AchievementsApi,
    realtime: pendingModule("realtime") as RealtimeApi,
    storage: pendingModule("storage") as StorageApi,
  };
}

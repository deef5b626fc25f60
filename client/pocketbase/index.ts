// The PocketBase implementation of the Backend interface.
import PocketBase from "pocketbase";
import type { Backend, MessagesApi, RealtimeApi } from "../interface.ts";
import { keepSessionFresh, pocketBaseAuth } from "./auth.ts";
import {
  pocketBaseFriends,
  pocketBaseNotifications,
  subscribeToFriends,
  subscribeToNotifications,
} from "./friends.ts";
import { pocketBaseUsers, subscribeToUserStatus } from "./users.ts";
import { pocketBaseMessages, subscribeToRoom } from "./messages.ts";
import { pendingModule } from "./pending.ts";
import { pocketBaseStorage } from "./storage.ts";
import { pocketBaseAchievements } from "./achievements.ts";
import { pocketBasePolls, pocketBaseSearch } from "./search-polls.ts";
import {
  pocketBaseDirectRooms,
  pocketBaseE2ee,
  pocketBaseRooms,
  subscribeToRoomUpdates,
} from "./rooms.ts";

export interface PocketBaseBackend extends Backend {
  /** The underlying SDK client, for what the interface does not cover yet. */
  pb: PocketBase;
  messages: MessagesApi & ReturnType<typeof pocketBaseMessages>;
}

export function createPocketBaseBackend(urlOrClient: string | PocketBase): PocketBaseBackend {
  const pb = typeof urlOrClient === "string" ? new PocketBase(urlOrClient) : urlOrClient;
  const messages = pocketBaseMessages(pb);
  keepSessionFresh(pb);
  return {
    pb,
    auth: pocketBaseAuth(pb),
    users: pocketBaseUsers(pb),
    rooms: pocketBaseRooms(pb),
    messages: pendingModule("messages", { ...messages, ...pocketBaseSearch(pb) }) as MessagesApi &
      typeof messages,
    directMessages: {
      ...pocketBaseDirectRooms(pb),
      getDMMessages: messages.getDMMessages,
      sendDMMessage: messages.sendDMMessage,
    },
    friends: pocketBaseFriends(pb),
    notifications: pocketBaseNotifications(pb),
    polls: pocketBasePolls(pb),
    e2ee: pocketBaseE2ee(pb),
    achievements: pocketBaseAchievements(pb),
    realtime: pendingModule("realtime", {
      subscribeToRoomUpdates: (callback: Parameters<RealtimeApi["subscribeToRoomUpdates"]>[0]) =>
        subscribeToRoomUpdates(pb, callback),
      subscribeToRoom: (roomId: string, callback: Parameters<RealtimeApi["subscribeToRoom"]>[1]) =>
        subscribeToRoom(pb, roomId, callback),
      subscribeToUserStatus: (
        userId: string,
        callback: Parameters<RealtimeApi["subscribeToUserStatus"]>[1],
      ) => subscribeToUserStatus(pb, userId, callback),
      subscribeToNotifications: (
        callback: Parameters<RealtimeApi["subscribeToNotifications"]>[0],
      ) => subscribeToNotifications(pb, callback),
      subscribeToFriends: (callback: () => void) => subscribeToFriends(pb, callback),
    }) as RealtimeApi,
    storage: pocketBaseStorage(pb),
  };
}

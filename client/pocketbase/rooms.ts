// Rooms, direct-message rooms and E2EE keys over the backend's /api/konvert routes.
import type PocketBase from "pocketbase";
import type { RoomsResponse } from "../../types/pocketbase-types.ts";
import { call } from "../errors.ts";
import type {
  DirectMessageSummary,
  E2eeApi,
  RoomKey,
  RoomSummary,
  RoomsApi,
} from "../interface.ts";
import { konvertApi, seg } from "./konvert-api.ts";
import { onFeed, onReconnect } from "./live.ts";

export function pocketBaseRooms(pb: PocketBase): RoomsApi {
  const send = konvertApi(pb);
  return {
    getRooms: () => send<RoomSummary[]>("GET", "/rooms?include=public"),
    createRoom: (name, type, memberIds = []) =>
      call(() => pb.collection("rooms").create<RoomsResponse>({ name, type, memberIds })),
    joinRoom: async (id) => {
      await send("POST", `/rooms/${seg(id)}/join`);
    },
    leaveRoom: (id) => send("POST", `/rooms/${seg(id)}/leave`),
    inviteToRoom: async (id, userId) => {
      await send("POST", `/rooms/${seg(id)}/invite`, { userId });
    },
    removeFromRoom: (id, userId) => send("POST", `/rooms/${seg(id)}/remove`, { userId }),
    deleteRoom: (id) => send("DELETE", `/rooms/${seg(id)}`),
    pinMessage: async (roomId, messageId) => {
      await send("POST", `/rooms/${seg(roomId)}/pin`, { messageId });
    },
    unpinMessage: async (roomId) => {
      await send("POST", `/rooms/${seg(roomId)}/unpin`, {});
    },
    markAsRead: (roomId, clearMentions = false, clearReactions = false) =>
      send("POST", `/rooms/${seg(roomId)}/read`, { clearMentions, clearReactions }),
    getFavorites: () => send<RoomSummary>("POST", "/favorites"),
    hideDirectMessage: (id) => send("DELETE", `/dms/${seg(id)}`),
  };
}

export function pocketBaseDirectRooms(pb: PocketBase) {
  const send = konvertApi(pb);
  return {
    getDirectMessages: () => send<DirectMessageSummary[]>("GET", "/dms"),
    createDirectMessage: (userId: string) => send<DirectMessageSummary>("POST", "/dms", { userId }),
  };
}

export function pocketBaseE2ee(pb: PocketBase): E2eeApi {
  const send = konvertApi(pb);
  return {
    updatePublicKey: (publicKey) => send("PUT", "/me/public-key", { publicKey }),
    getRoomKey: (roomId) => send<RoomKey>("GET", `/rooms/${seg(roomId)}/key`),
    saveRoomKeys: (roomId, encryptedKeys) =>
      send("PUT", `/rooms/${seg(roomId)}/keys`, { encryptedKeys }),
  };
}

/**
 * Room list changes, from the caller's feed: a new or changed message, a room edit, pin or
 * membership change refetches that room's summary (counts included); a room the caller can no
 * longer read is reported as removed. After a reconnect every listed room is refetched.
 */
export async function subscribeToRoomUpdates(
  pb: PocketBase,
  callback: (room: RoomSummary | { id: string }, action: "upsert" | "remove") => void,
): Promise<() => Promise<void>> {
  const send = konvertApi(pb);
  const refresh = (roomId: string) => {
    send<RoomSummary>("GET", `/rooms/${seg(roomId)}`).then(
      (room) => callback(room, "upsert"),
      () => callback({ id: roomId }, "remove"),
    );
  };
  const offFeed = await onFeed(pb, (event) => {
    switch (event.type) {
      case "message":
      case "pin":
      case "read":
        refresh(event.room);
        break;
      case "room":
        if (event.action === "delete") callback({ id: event.room }, "remove");
        else refresh(event.room);
        break;
      case "membership":
        if (event.action === "delete") callback({ id: event.room }, "remove");
        else refresh(event.room);
        break;
    }
  });
  const offReconnect = await onReconnect(pb, () => {
    send<RoomSummary[]>("GET", "/rooms").then(
      (rooms) => rooms.forEach((room) => callback(room, "upsert")),
      () => undefined,
    );
  });
  return async () => {
    await offFeed();
    await offReconnect();
  };
}

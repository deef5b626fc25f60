// Messages, reactions and the per-room realtime feed.
import type PocketBase from "pocketbase";
import type { MessagesResponse } from "../../types/pocketbase-types.ts";
import { call } from "../errors.ts";
import type { Message, MessageType, RoomEvent, Unsubscribe } from "../interface.ts";
import { konvertApi, seg } from "./konvert-api.ts";
import { onReconnect, onRoom } from "./live.ts";

export interface HistoryPage {
  items: Message[];
  hasMore: boolean;
}

export function pocketBaseMessages(pb: PocketBase) {
  const send = konvertApi(pb);
  const history = (roomId: string, limit = 50, before?: string) =>
    send<HistoryPage>(
      "GET",
      `/rooms/${seg(roomId)}/messages?limit=${limit}${before ? `&before=${seg(before)}` : ""}`,
    );
  // JSON sends go to Konvert's send route: the same send as the records API's create, without
  // the record form and create-rule query PocketBase runs before it (files still go there)
  const create = (roomId: string, content: string, type: MessageType = "text", replyTo?: string) =>
    send<MessagesResponse>("POST", "/messages", {
      room: roomId,
      content,
      type,
      ...(replyTo ? { replyTo } : {}),
    });
  return {
    history,
    getMessages: async (roomId: string, limit?: number, before?: string) =>
      (await history(roomId, limit, before)).items,
    sendMessage: create,
    /** A poll message; the poll shares the message's id. The question doubles as the content. */
    sendPoll: (
      roomId: string,
      poll: { question: string; options: string[]; anonymous?: boolean; multiple?: boolean },
    ) =>
      send<MessagesResponse>("POST", "/messages", {
        room: roomId,
        type: "poll",
        content: poll.question,
        poll,
      }),
    /** Sends with attachments (multipart); `files` become the message's protected attachments. */
    sendWithFiles: (roomId: string, type: MessageType, files: Blob[], content = "") => {
      const form = new FormData();
      form.append("room", roomId);
      form.append("type", type);
      form.append("content", content);
      for (const file of files) form.append("attachments", file);
      return call(() => pb.collection("messages").create<MessagesResponse>(form));
    },
    editMessage: (id: string, content: string) =>
      send<Message>("PATCH", `/messages/${seg(id)}`, { content }),
    deleteMessage: (id: string) => send<undefined>("DELETE", `/messages/${seg(id)}`),
    addReaction: async (id: string, emoji: string) => {
      await send("POST", `/messages/${seg(id)}/reactions`, { emoji });
    },
    removeReaction: async (id: string, emoji: string) => {
      await send("DELETE", `/messages/${seg(id)}/reactions?emoji=${seg(emoji)}`);
    },
    sendTyping: async (roomId: string) => {
      await send("POST", `/rooms/${seg(roomId)}/typing`);
    },
    forwardMessage: (id: string, targetRoomId: string) =>
      send<Message>("POST", `/messages/${seg(id)}/forward`, { roomId: targetRoomId }),
    getDMMessages: async (dmId: string, limit?: number, before?: string) =>
      (await history(dmId, limit, before)).items,
    sendDMMessage: (dmId: string, content: string, type?: MessageType) =>
      create(dmId, content, type),
    /** A short-lived token for protected attachment URLs. */
    fileUrl: async (message: Message, filename: string, thumb?: string) => {
      const token = await call(() => pb.files.getToken());
      return pb.files.getURL(message, filename, { token, ...(thumb ? { thumb } : {}) });
    },
  };
}

/**
 * New, edited and deleted messages, reactions and typing pings of one room, on the room's topic.
 * After a reconnect the messages created or changed meanwhile are fetched and replayed (oldest
 * change first), so a dropped connection loses nothing; each message version is delivered once.
 */
export async function subscribeToRoom(
  pb: PocketBase,
  roomId: string,
  callback: (event: RoomEvent) => void,
): Promise<Unsubscribe> {
  // the newest `updated` seen: the catch-up asks for what changed after it
  let since = "";
  // message id -> the version (`updated`) delivered; a message may arrive live and in a replay
  const seen = new Map<string, string>();
  const deliver = (message: Message, live?: RoomEvent["action"]) => {
    const version = seen.get(message.id);
    if (version !== undefined && version >= message.updated) return;
    seen.set(message.id, message.updated);
    if (seen.size > 1000) seen.delete(seen.keys().next().value ?? "");
    if (message.updated > since) since = message.updated;
    const action =
      live ?? (version === undefined && message.created === message.updated ? "create" : "update");
    callback({ action, message });
  };
  const latest = await call(() =>
    pb.collection("messages").getList<Message>(1, 1, {
      filter: pb.filter("room = {:room}", { room: roomId }),
      sort: "-updated",
      fields: "updated",
    }),
  );
  since = latest.items[0]?.updated ?? "";
  const offRoom = await onRoom(pb, roomId, (event) => {
    if (event.type === "message") deliver(event.record as unknown as Message, event.action);
    else if (event.type === "reaction") {
      callback({ action: "reaction", messageId: event.message, userId: event.user });
    } else if (event.type === "typing") callback({ action: "typing", userId: event.userId });
  });
  const catchUp = async () => {
    const missed = await pb.collection("messages").getFullList<Message>({
      filter: since
        ? pb.filter("room = {:room} && updated > {:since}", { room: roomId, since: margin(since) })
        : pb.filter("room = {:room}", { room: roomId }),
      sort: "updated,id",
    });
    for (const message of missed) deliver(message);
  };
  const offReconnect = await onReconnect(pb, () => void catchUp().catch(() => undefined));
  return async () => {
    await Promise.all([offRoom(), offReconnect()]);
  };
}

/**
 * A watermark moved back by a few seconds: a message is stamped before its transaction commits,
 * so one stamped earlier can commit after a later one was seen. Replays are deduplicated.
 */
function margin(stamp: string): string {
  const ms = Date.parse(stamp.replace(" ", "T"));
  return Number.isFinite(ms) ? new Date(ms - 5_000).toISOString().replace("T", " ") : stamp;
}

// Messages, reactions and the per-room realtime feed.
import type PocketBase from "pocketbase";
import type { MessagesResponse } from "../../types/pocketbase-types.ts";
import { call } from "../errors.ts";
import type { Message, MessageType, RoomEvent, Unsubscribe } from "../interface.ts";
import { konvertApi, seg } from "./konvert-api.ts";

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
  const create = (roomId: string, content: string, type: MessageType = "text", replyTo?: string) =>
    call(() =>
      pb.collection("messages").create<MessagesResponse>({
        room: roomId,
        content,
        type,
        ...(replyTo ? { replyTo } : {}),
      }),
    );
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
      call(() =>
        pb.collection("messages").create<MessagesResponse>({
          room: roomId,
          type: "poll",
          content: poll.question,
          poll,
        }),
      ),
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
 * New, edited and deleted messages, reactions and typing pings of one room. After a reconnect
 * the messages sent meanwhile are fetched and replayed as "create" events, oldest first.
 */
export async function subscribeToRoom(
  pb: PocketBase,
  roomId: string,
  callback: (event: RoomEvent) => void,
): Promise<Unsubscribe> {
  const filter = pb.filter("room = {:room}", { room: roomId });
  let newest = "";
  // A message can arrive live and in a replay at once; deliver it once.
  const delivered = new Set<string>();
  const deliver = (action: RoomEvent["action"], message: Message) => {
    if (action === "create") {
      if (delivered.has(message.id)) return;
      delivered.add(message.id);
      if (delivered.size > 500) delivered.delete(delivered.values().next().value ?? "");
    }
    if (message.created > newest) newest = message.created;
    callback({ action, message });
  };
  const offMessages = await pb
    .collection("messages")
    .subscribe<Message>("*", (e) => deliver(e.action as RoomEvent["action"], e.record), { filter });
  const offReactions = await pb.collection("reactions").subscribe(
    "*",
    (e) =>
      callback({
        action: "reaction",
        messageId: String(e.record["message"]),
        userId: String(e.record["user"]),
      }),
    { filter },
  );
  const offTyping = await pb.realtime.subscribe(`typing/${roomId}`, (data: { userId: string }) =>
    callback({ action: "typing", userId: data.userId }),
  );
  // PB_CONNECT fires on every reconnect (the first connection was made by the subscriptions
  // above, before this listener existed).
  const offConnect = await pb.realtime.subscribe("PB_CONNECT", () => void replayMissed());
  const replayMissed = async () => {
    if (newest === "") return;
    const missed = await pb.collection("messages").getFullList<Message>({
      filter: pb.filter("room = {:room} && created > {:since}", { room: roomId, since: newest }),
      sort: "created,id",
    });
    for (const message of missed) deliver("create", message);
  };
  return async () => {
    await Promise.all([offMessages(), offReactions(), offTyping(), offConnect()]);
  };
}

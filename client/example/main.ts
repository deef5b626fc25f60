// A tiny frontend on the installed package: it imports `@konvert/client` exactly as an app would.
// The PocketBase URL comes from `?pb=` (default: this page's origin).
import PocketBase from "pocketbase";
import {
  createPocketBaseBackend,
  KonvertError,
  type Message,
  type RoomEvent,
  type RoomSummary,
  type Unsubscribe,
  type User,
} from "@konvert/client";

declare global {
  interface Window {
    /** When each message (by content) was sent from and first shown on this page, in ms. */
    konvert: { sent: Record<string, number>; shown: Record<string, number> };
  }
}
window.konvert = { sent: {}, shown: {} };

const pbUrl = new URLSearchParams(location.search).get("pb") ?? location.origin;
const backend = createPocketBaseBackend(new PocketBase(pbUrl));
backend.pb.autoCancellation(false);

const el = <T extends HTMLElement = HTMLElement>(id: string) => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found as T;
};

function showError(err: unknown): void {
  el("error").textContent = err instanceof KonvertError ? err.message : String(err);
}

let me: User | null = null;
let openRoom: { id: string; off: Unsubscribe } | null = null;
const rooms = new Map<string, RoomSummary>();

function renderRooms(): void {
  const list = el("rooms");
  list.replaceChildren(
    ...[...rooms.values()]
      .filter((room) => room.isMember)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((room) => {
        const item = document.createElement("li");
        item.dataset.roomId = room.id;
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = room.name;
        const unread = document.createElement("span");
        unread.className = "unread";
        unread.textContent =
          room.id === openRoom?.id || !room.unreadCount ? "" : `${room.unreadCount}`;
        item.append(name, " ", unread);
        item.addEventListener("click", () => void enterRoom(room).catch(showError));
        return item;
      }),
  );
}

function showMessage(message: Message): void {
  const list = el("messages");
  let item = list.querySelector<HTMLLIElement>(`li[data-id="${message.id}"]`);
  if (!item) {
    item = document.createElement("li");
    item.dataset.id = message.id;
    const content = document.createElement("span");
    content.className = "content";
    const reactions = document.createElement("span");
    reactions.className = "reactions";
    const react = document.createElement("button");
    react.className = "react";
    react.textContent = "👍";
    const id = message.id;
    react.addEventListener(
      "click",
      () => void backend.messages.addReaction(id, "👍").catch(showError),
    );
    item.append(content, " ", reactions, " ", react);
    list.append(item);
    window.konvert.shown[message.content] ??= Date.now();
  }
  const content = item.querySelector(".content");
  if (content) content.textContent = message.deletedAt ? "(deleted)" : message.content;
}

let typingTimer: ReturnType<typeof setTimeout> | undefined;

function onRoomEvent(event: RoomEvent): void {
  if ((event.action === "create" || event.action === "update") && event.message) {
    showMessage(event.message);
  } else if (event.action === "reaction" && event.messageId) {
    const reactions = document.querySelector(`li[data-id="${event.messageId}"] .reactions`);
    if (reactions) reactions.textContent = `👍 by ${event.userId ?? "?"}`;
  } else if (event.action === "typing" && event.userId !== me?.id) {
    el("typing").textContent = `${event.userId ?? "someone"} is typing…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (el("typing").textContent = ""), 3000);
  }
}

async function enterRoom(room: RoomSummary): Promise<void> {
  await openRoom?.off();
  el("messages").replaceChildren();
  el("typing").textContent = "";
  el("room-name").textContent = room.name;
  el("room").hidden = false;
  // subscribe first, then load history: a message sent in between shows once either way
  const off = await backend.realtime.subscribeToRoom(room.id, (event) => {
    onRoomEvent(event);
    if (event.action === "create") void backend.rooms.markAsRead(room.id).catch(() => undefined);
  });
  openRoom = { id: room.id, off };
  const history = await backend.messages.getMessages(room.id, 50);
  for (const message of [...history].reverse()) showMessage(message);
  await backend.rooms.markAsRead(room.id);
  renderRooms();
}

async function showChat(user: User): Promise<void> {
  me = user;
  el("signin").hidden = true;
  el("chat").hidden = false;
  el("me").textContent = user.username;
  el("me").dataset.userId = user.id;
  await backend.realtime.subscribeToRoomUpdates((room, action) => {
    if (action === "remove") rooms.delete(room.id);
    else rooms.set(room.id, room as RoomSummary);
    renderRooms();
  });
  for (const room of await backend.rooms.getRooms()) rooms.set(room.id, room);
  renderRooms();
  document.body.dataset.ready = "1";
}

el("signin").addEventListener("submit", (event) => {
  event.preventDefault();
  const login = el<HTMLInputElement>("login").value;
  const password = el<HTMLInputElement>("password").value;
  void backend.auth
    .signin(login, password)
    .then((session) => showChat(session.user))
    .catch(showError);
});

el("signout").addEventListener("click", () => {
  void backend.auth.signout().then(() => location.reload());
});

let lastTyping = 0;
el("text").addEventListener("input", () => {
  if (!openRoom || Date.now() - lastTyping < 2000) return;
  lastTyping = Date.now();
  void backend.messages.sendTyping(openRoom.id).catch(() => undefined);
});

el("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = el<HTMLInputElement>("text");
  const text = input.value.trim();
  if (!openRoom || !text) return;
  input.value = "";
  window.konvert.sent[text] = Date.now();
  void backend.messages.sendMessage(openRoom.id, text).then(showMessage).catch(showError);
});

// the SDK keeps the session in localStorage: a reload comes back signed in
void backend.auth
  .getMe()
  .then((user) => {
    if (user) return showChat(user);
    el("signin").hidden = false;
    document.body.dataset.ready = "1";
  })
  .catch(showError);

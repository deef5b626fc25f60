// R13–R14, R47–R53: friends, friend requests and notifications over the legacy API. Requests
// keep their legacy key `friend_request:<from>:<to>`; the friend, block and notification actions
// (jsvm/friends.ts, blocks.ts, notifications.ts) do the work.
import {
  friendRequestKey,
  legacyNotification,
  parseFriendRequestKey,
} from "../rules/compat-shapes.ts";
import * as blocks from "../jsvm/blocks.ts";
import * as friends from "../jsvm/friends.ts";
import * as notifications from "../jsvm/notifications.ts";
import { asActionError } from "../actions/errors.ts";
import { handle, legacy, legacyCaller } from "./http.ts";
import { sqlRows } from "../jsvm/sql-scalar.ts";
import { otherUser } from "./user-shape.ts";

/** POST /friend-requests/{userId} -> {message}; asking back someone who asked is accepting. */
export function sendRequest(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const userId = e.request!.pathValue("userId");
    const outcome = friends.requestFriendship(e.app, me, userId);
    e.json(200, {
      message:
        outcome.status === "accepted"
          ? "Запрос автоматически принят (встречный запрос)"
          : "Запрос в друзья отправлен",
    });
  });
}

/**
 * POST /users/{userId}/friend -> {success:true} (R12, the original's direct add). Friendship
 * here needs the other side's consent, so this sends a friend request (accepting theirs when they
 * asked first); asking again while the request is pending changes nothing.
 */
export function addFriend(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const userId = e.request!.pathValue("userId");
    if (userId === me.id) legacy(400, "Нельзя добавить себя в друзья");
    const pending = friends.pendingRequest(e.app, me.id, userId);
    if (!pending || pending.getString("from") !== me.id) {
      friends.requestFriendship(e.app, me, userId);
    }
    e.json(200, { success: true });
  });
}

/** GET /friend-requests/{userId}/check -> {pending, requestKey?}; never an error. */
export function check(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const userId = e.request!.pathValue("userId");
    const pending = friends.pendingRequest(e.app, me.id, userId);
    if (pending && pending.getString("from") === me.id) {
      e.json(200, { pending: true, requestKey: friendRequestKey(me.id, userId) });
      return;
    }
    e.json(200, { pending: false });
  });
}

/** The pending request behind a legacy key, or null. */
function requestOf(app: CoreApp, key: string): core.Record | null {
  const parsed = parseFriendRequestKey(key);
  if (!parsed) return null;
  const pending = friends.pendingRequest(app, parsed.from, parsed.to);
  return pending && pending.getString("from") === parsed.from ? pending : null;
}

/** POST /friend-requests/{requestKey}/accept -> {message} */
export function accept(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const key = e.request!.pathValue("requestKey");
    const request = requestOf(e.app, key);
    if (!request) {
      const parsed = parseFriendRequestKey(key);
      if (parsed && friends.findFriendship(e.app, parsed.from, parsed.to)) {
        e.json(200, { message: "Запрос уже обработан" });
        return;
      }
      legacy(400, "Запрос не найден");
    }
    if (request.getString("to") !== me.id) legacy(400, "Нет доступа к этому запросу");
    friends.acceptFriendRequest(e.app, me, request.id);
    e.json(200, { message: "Запрос принят" });
  });
}

/** POST /friend-requests/{requestKey}/reject -> {message}; a missing request counts as done. */
export function reject(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const request = requestOf(e.app, e.request!.pathValue("requestKey"));
    if (request) {
      if (request.getString("to") !== me.id) legacy(400, "Нет доступа к этому запросу");
      friends.closeFriendRequest(e.app, me, request.id, "rejected");
    }
    e.json(200, { message: "Запрос отклонен" });
  });
}

/** DELETE /users/{userId}/friend -> {success:true} */
export function unfriend(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    friends.endFriendship(e.app, me, e.request!.pathValue("userId"));
    e.json(200, { success: true });
  });
}

/** POST /users/{userId}/block -> {success:true}; ends a friendship and pending requests. */
export function block(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    blocks.blockUser(e.app, me, e.request!.pathValue("userId"));
    e.json(200, { success: true });
  });
}

/** POST /users/{userId}/unblock -> {success:true} */
export function unblock(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    blocks.unblockUser(e.app, me, e.request!.pathValue("userId"));
    e.json(200, { success: true });
  });
}

/** GET /users/friends/list -> {friends}; deleted accounts are left out. */
export function friendList(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const ids = sqlRows(
      e.app,
      { id: "" },
      "SELECT CASE WHEN userA = {:me} THEN userB ELSE userA END AS id FROM friendships WHERE userA = {:me} OR userB = {:me}",
      { me: me.id },
    ).map((r) => r.id);
    const users = e.app
      .findRecordsByIds("users", ids)
      .filter((u) => u!.getString("deletedAt") === "");
    e.json(200, { friends: users.map((u) => otherUser(e, me, u!, true)) });
  });
}

const NOTIFICATION_ROW = {
  id: "",
  recipient: "",
  type: "",
  actor: "",
  actorName: "",
  room: "",
  roomName: "",
  message: "",
  readAt: "",
  created: "",
  data: "",
};

/** GET /notifications -> {notifications}: newest first, read and unread, at most 100. */
export function listNotifications(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e, {
      missing: "Missing authorization header",
      invalid: "Недействительный токен",
    });
    const rows = sqlRows(
      e.app,
      NOTIFICATION_ROW,
      `SELECT n.id, n.recipient, n.type, n.actor, n.room, n.message, n.readAt, n.created,
         COALESCE(CAST(n.data AS TEXT), '') AS data,
         COALESCE(CASE WHEN u.displayName != '' THEN u.displayName ELSE u.username END, '') AS actorName,
         COALESCE(r.name, '') AS roomName
       FROM notifications n
       LEFT JOIN users u ON u.id = n.actor
       LEFT JOIN rooms r ON r.id = n.room
       WHERE n.recipient = {:me}
       ORDER BY n.created DESC, n.id DESC LIMIT 100`,
      { me: me.id },
    );
    e.json(200, {
      notifications: rows.map((n) =>
        legacyNotification({
          id: n.id,
          recipient: n.recipient,
          type: n.type,
          actorId: n.actor,
          actorName: n.actorName,
          roomId: n.room,
          roomName: n.roomName,
          messageId: n.message,
          readAt: n.readAt,
          created: n.created,
          data: parseData(n.data),
        }),
      ),
    });
  });
}

function parseData(raw: string): Record<string, unknown> {
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** POST /notifications/{id}/read -> {message} */
export function readNotification(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    friends.readNotification(e.app, me, e.request!.pathValue("notificationId"));
    e.json(200, { message: "Уведомление отмечено как прочитанное" });
  });
}

/** DELETE /notifications/{id} -> {message}; deleting twice is fine, others' look missing. */
export function deleteNotification(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    try {
      notifications.deleteNotification(e.app, me, e.request!.pathValue("notificationId"));
    } catch (err) {
      if (asActionError(err)?.code !== "notification.not_found") throw err;
      e.json(200, { message: "Уведомление уже удалено" });
      return;
    }
    e.json(200, { message: "Уведомление удалено" });
  });
}

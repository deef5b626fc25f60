// Friend requests and friendships. Every decision runs inside one transaction: PocketBase has a
// single writer, so two people sending each other requests at once are serialised and the
// second one finds the first's request and accepts it. The unique pending-pair index backs this.
import { pairKey, sortedPair } from "../rules/friends.ts";
import { callerOf, findActiveUser, isBlockedEitherWay } from "./access.ts";
import { fail } from "../actions/errors.ts";
import { realNowDate } from "./clock.ts";
import { allowOnly } from "./people.ts";
import { friendsOf } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";

export function findFriendship(app: CoreApp, a: string, b: string): core.Record | null {
  const [userA, userB] = sortedPair(a, b);
  try {
    return app.findFirstRecordByFilter("friendships", "userA = {:userA} && userB = {:userB}", {
      userA,
      userB,
    });
  } catch {
    return null;
  }
}

export function pendingRequest(app: CoreApp, a: string, b: string): core.Record | null {
  try {
    return app.findFirstRecordByFilter(
      "friend_requests",
      "pairKey = {:key} && status = 'pending'",
      {
        key: pairKey(a, b),
      },
    );
  } catch {
    return null;
  }
}

function notify(app: CoreApp, recipient: string, type: string, actor: string, data: object): void {
  const row = new Record(app.findCachedCollectionByNameOrId("notifications"));
  row.set("recipient", recipient);
  row.set("type", type);
  row.set("actor", actor);
  row.set("data", data);
  app.save(row);
}

/** Removes the friend-request notifications two users sent each other (handled or void now). */
export function forgetFriendNotifications(app: CoreApp, a: string, b: string): void {
  const rows = app.findRecordsByFilter(
    "notifications",
    "type = 'friend_request' && ((recipient = {:a} && actor = {:b}) || (recipient = {:b} && actor = {:a}))",
    "",
    0,
    0,
    { a, b },
  );
  for (const row of rows) app.delete(row!);
}

/** Accepts a pending request: one friendship row, the request closed, both sides told. */
function acceptInTx(tx: CoreApp, request: core.Record): void {
  const from = request.getString("from");
  const to = request.getString("to");
  if (isBlockedEitherWay(tx, from, to)) fail("friend.blocked");
  request.set("status", "accepted");
  tx.save(request);
  if (!findFriendship(tx, from, to)) {
    const [userA, userB] = sortedPair(from, to);
    const friendship = new Record(tx.findCachedCollectionByNameOrId("friendships"));
    friendship.set("userA", userA);
    friendship.set("userB", userB);
    tx.save(friendship);
  }
  forgetFriendNotifications(tx, from, to);
  notify(tx, from, "friend_accepted", to, { requestId: request.id });
  for (const user of [from, to]) track(tx, user, friendsOf(tx, user));
}

export interface FriendRequestOutcome {
  status: "pending" | "accepted";
  request: core.Record | null;
}

/** The friend-request action: asking back someone who asked first is accepting. */
export function requestFriendship(
  app: CoreApp,
  caller: core.Record,
  userId: unknown,
): FriendRequestOutcome {
  const me = caller.id;
  if (typeof userId !== "string" || userId === "") {
    return fail("input.required", "userId is required.", "userId");
  }
  if (userId === me) return fail("friend.self");
  let outcome: FriendRequestOutcome = { status: "pending", request: null };
  app.runInTransaction((tx) => {
    const target = findActiveUser(tx, userId);
    if (isBlockedEitherWay(tx, me, target.id)) fail("friend.forbidden");
    if (findFriendship(tx, me, target.id)) fail("friend.already");
    const pending = pendingRequest(tx, me, target.id);
    if (pending && pending.getString("from") === me) fail("friend.request.pending");
    if (pending) {
      acceptInTx(tx, pending); // they asked first: asking back is accepting
      outcome = { status: "accepted", request: pending };
      return;
    }
    const request = new Record(tx.findCachedCollectionByNameOrId("friend_requests"));
    request.set("from", me);
    request.set("to", target.id);
    request.set("pairKey", pairKey(me, target.id));
    request.set("status", "pending");
    tx.save(request);
    notify(tx, target.id, "friend_request", me, { requestId: request.id });
    outcome = { status: "pending", request };
  });
  return outcome;
}

/** POST /api/konvert/friends/requests {userId} */
export function sendRequest(e: core.RequestEvent): void {
  const me = callerOf(e);
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, ["userId"]);
  e.json(200, requestFriendship(e.app, me, body["userId"]));
}

/** The request `id`, pending, and addressed to (or sent by) the caller. */
function requestFor(tx: CoreApp, me: string, id: string, side: "from" | "to"): core.Record {
  let request: core.Record;
  try {
    request = tx.findRecordById("friend_requests", id);
  } catch {
    return fail("friend.request.not_found");
  }
  if (request.getString("from") !== me && request.getString("to") !== me) {
    fail("friend.request.not_found");
  }
  if (request.getString(side) !== me) {
    fail(
      "friend.request.not_recipient",
      side === "to"
        ? "Only the recipient can answer this request."
        : "Only the sender can cancel this request.",
    );
  }
  if (request.getString("status") !== "pending") fail("friend.request.handled");
  return request;
}

/** The accept action: the recipient accepts a pending request. */
export function acceptFriendRequest(app: CoreApp, me: core.Record, requestId: string): void {
  app.runInTransaction((tx) => acceptInTx(tx, requestFor(tx, me.id, requestId, "to")));
}

/** POST /api/konvert/friends/requests/{id}/accept */
export function accept(e: core.RequestEvent): void {
  const me = callerOf(e); // anonymous callers get 401 before any input check
  allowOnly(e.requestInfo().body, []);
  acceptFriendRequest(e.app, me, e.request!.pathValue("id"));
  e.json(200, { status: "accepted" });
}

/** Closes a pending request: the recipient rejects it, or the sender cancels it. */
export function closeFriendRequest(
  app: CoreApp,
  me: core.Record,
  requestId: string,
  status: "rejected" | "cancelled",
): void {
  app.runInTransaction((tx) => {
    const request = requestFor(tx, me.id, requestId, status === "rejected" ? "to" : "from");
    request.set("status", status);
    tx.save(request);
    forgetFriendNotifications(tx, request.getString("from"), request.getString("to"));
  });
}

function close(e: core.RequestEvent, status: "rejected" | "cancelled"): void {
  const me = callerOf(e);
  allowOnly(e.requestInfo().body, []);
  closeFriendRequest(e.app, me, e.request!.pathValue("id"), status);
  e.json(200, { status });
}

/** POST /api/konvert/friends/requests/{id}/reject */
export function reject(e: core.RequestEvent): void {
  close(e, "rejected");
}

/** POST /api/konvert/friends/requests/{id}/cancel */
export function cancel(e: core.RequestEvent): void {
  close(e, "cancelled");
}

/** The unfriend action: ends the friendship for both. */
export function endFriendship(app: CoreApp, me: core.Record, userId: string): void {
  app.runInTransaction((tx) => {
    const other = findActiveUser(tx, userId);
    const friendship = findFriendship(tx, me.id, other.id);
    if (!friendship) return fail("friend.not_friends");
    tx.delete(friendship);
  });
}

/** DELETE /api/konvert/friends/{id} */
export function remove(e: core.RequestEvent): void {
  endFriendship(e.app, callerOf(e), e.request!.pathValue("id"));
  e.json(200, { friends: false });
}

/** The read-notification action: one of the caller's own notifications is read now. */
export function readNotification(app: CoreApp, me: core.Record, id: string): core.Record {
  let row: core.Record;
  try {
    row = app.findRecordById("notifications", id);
  } catch {
    return fail("notification.not_found");
  }
  if (row.getString("recipient") !== me.id) return fail("notification.not_found");
  if (row.getString("readAt") === "") {
    row.set("readAt", realNowDate()); // an event stamp: real time (jsvm/clock.ts)
    app.save(row);
  }
  return row;
}

/** POST /api/konvert/notifications/{id}/read */
export function markNotificationRead(e: core.RequestEvent): void {
  e.json(200, readNotification(e.app, callerOf(e), e.request!.pathValue("id")));
}

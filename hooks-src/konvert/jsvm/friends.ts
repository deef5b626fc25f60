// Friend requests and friendships. Every decision runs inside one transaction: PocketBase has a
// single writer, so two people sending each other requests at once are serialised and the
// second one finds the first's request and accepts it. The unique pending-pair index backs this.
import { pairKey, sortedPair } from "../rules/friends.ts";
import { callerOf, findActiveUser, isBlockedEitherWay } from "./access.ts";
import { badRequest, forbidden, notFound } from "./errors.ts";
import { realNowDate } from "./clock.ts";
import { allowOnly, targetOf } from "./people.ts";
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
  if (isBlockedEitherWay(tx, from, to)) forbidden("You cannot become friends with this user.");
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

/** POST /api/konvert/friends/requests {userId} */
export function sendRequest(e: core.RequestEvent): void {
  const me = callerOf(e).id;
  const body = e.requestInfo().body as Record<string, unknown>;
  allowOnly(body, ["userId"]);
  const userId = body["userId"];
  if (typeof userId !== "string" || userId === "")
    return badRequest("userId", "userId is required.");
  if (userId === me) return badRequest("userId", "You cannot send a friend request to yourself.");

  let outcome: { status: string; request: core.Record | null } = { status: "", request: null };
  e.app.runInTransaction((tx) => {
    const target = findActiveUser(tx, userId);
    if (isBlockedEitherWay(tx, me, target.id))
      forbidden("You cannot send a friend request to this user.");
    if (findFriendship(tx, me, target.id)) badRequest("userId", "You are already friends.");
    const pending = pendingRequest(tx, me, target.id);
    if (pending && pending.getString("from") === me) {
      badRequest("userId", "You have already sent a friend request to this user.");
    }
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
  e.json(200, outcome);
}

/** The `{id}` request, pending, and addressed to (or sent by) the caller. */
function requestFor(tx: CoreApp, e: core.RequestEvent, side: "from" | "to"): core.Record {
  const me = callerOf(e).id;
  let request: core.Record;
  try {
    request = tx.findRecordById("friend_requests", e.request!.pathValue("id"));
  } catch {
    return notFound("Friend request not found.");
  }
  if (request.getString("from") !== me && request.getString("to") !== me) {
    notFound("Friend request not found.");
  }
  if (request.getString(side) !== me) {
    forbidden(
      side === "to"
        ? "Only the recipient can answer this request."
        : "Only the sender can cancel this request.",
    );
  }
  if (request.getString("status") !== "pending")
    badRequest("id", "This request was already handled.");
  return request;
}

/** POST /api/konvert/friends/requests/{id}/accept */
export function accept(e: core.RequestEvent): void {
  callerOf(e); // anonymous callers get 401 before any input check
  allowOnly(e.requestInfo().body, []);
  e.app.runInTransaction((tx) => acceptInTx(tx, requestFor(tx, e, "to")));
  e.json(200, { status: "accepted" });
}

function close(e: core.RequestEvent, side: "from" | "to", status: string): void {
  callerOf(e);
  allowOnly(e.requestInfo().body, []);
  e.app.runInTransaction((tx) => {
    const request = requestFor(tx, e, side);
    request.set("status", status);
    tx.save(request);
    forgetFriendNotifications(tx, request.getString("from"), request.getString("to"));
  });
  e.json(200, { status });
}

/** POST /api/konvert/friends/requests/{id}/reject */
export function reject(e: core.RequestEvent): void {
  close(e, "to", "rejected");
}

/** POST /api/konvert/friends/requests/{id}/cancel */
export function cancel(e: core.RequestEvent): void {
  close(e, "from", "cancelled");
}

/** DELETE /api/konvert/friends/{id} — ends the friendship for both. */
export function remove(e: core.RequestEvent): void {
  const me = callerOf(e).id;
  e.app.runInTransaction((tx) => {
    const other = targetOf(e, tx);
    const friendship = findFriendship(tx, me, other.id);
    if (!friendship) badRequest("id", "You are not friends with this user.");
    tx.delete(friendship);
  });
  e.json(200, { friends: false });
}

/** POST /api/konvert/notifications/{id}/read */
export function markNotificationRead(e: core.RequestEvent): void {
  const me = callerOf(e).id;
  let row: core.Record;
  try {
    row = e.app.findRecordById("notifications", e.request!.pathValue("id"));
  } catch {
    return notFound("Notification not found.");
  }
  if (row.getString("recipient") !== me) return notFound("Notification not found.");
  if (row.getString("readAt") === "") {
    row.set("readAt", realNowDate()); // an event stamp: real time (jsvm/clock.ts)
    e.app.save(row);
  }
  e.json(200, row);
}

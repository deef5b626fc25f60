// Who may hear what: decided once per connection when it subscribes, and again for the user's
// connections whenever their rights change (leave, removal, ban, deletion, block), before the
// response of the action that changed them.
import {
  allowedSubscriptions,
  indexKey,
  collectionHolders,
  isCollectionTopic,
  QUIET_COLLECTIONS,
  type QuietCollection,
  keyChanges,
  keysFor,
  parseTopic,
  type Grants,
} from "../../rules/realtime.ts";
import { bindWith, roomScope, userScope } from "../../rules/scopes.ts";
import { nowDate } from "../clock.ts";
import { sqlTextPrepared } from "../sql-scalar.ts";
import { clientsOf, idsOf, join, leave } from "./index-store.ts";

/** The index keys a connection is in, as it last recorded them (connection store). */
const KEYS = "konvert.rt";

const NO_GRANTS: Grants = { rooms: new Set(), people: new Set() };

/**
 * Rooms whose events the user may hear: rules/scopes.ts roomScope.hearableBy, the read rule of
 * `messages` (member of a live room; while banned only the jail) less DMs while either side
 * blocks the other (nobody may write there then).
 */
function roomsOf(app: CoreApp, userId: string): Set<string> {
  const hearable = roomScope.hearableBy(userId, nowDate()).where("r.id");
  const ids = sqlTextPrepared(
    app,
    `SELECT COALESCE(json_group_array(r.id), '[]') AS v FROM rooms r WHERE ${hearable.sql}`,
    hearable.params,
  );
  return new Set(JSON.parse(ids) as string[]);
}

/**
 * Of `ids`, the users whose profile events the user may hear (rules/scopes.ts
 * userScope.presenceVisibleTo, the `users` read rule for realtime).
 */
function peopleOf(app: CoreApp, userId: string, ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const visible = userScope.presenceVisibleTo(userId).where("t.value");
  const allowed = sqlTextPrepared(
    app,
    "SELECT COALESCE(json_group_array(t.value), '[]') AS v FROM json_each({:ids}) t " +
      `WHERE ${visible.sql}`,
    bindWith(visible, { ids: JSON.stringify(ids) }),
  );
  return new Set(JSON.parse(allowed) as string[]);
}

function grantsFor(app: CoreApp, userId: string, subscriptions: readonly string[]): Grants {
  const people: string[] = [];
  let rooms = false;
  for (const s of subscriptions) {
    const topic = parseTopic(s);
    if (topic === null) continue;
    if (topic.kind === "presence") people.push(topic.id);
    else rooms = true;
  }
  return {
    rooms: rooms ? roomsOf(app, userId) : new Set(),
    people: peopleOf(app, userId, people),
  };
}

function userOf(client: subscriptions.Client): string {
  const auth = client.get("auth") as core.Record | null | undefined;
  return auth && auth.collection().name === "users" ? auth.id : "";
}

function recordedKeys(client: subscriptions.Client): string[] {
  const text = (client.get(KEYS) as string | null | undefined) ?? "";
  return text === "" ? [] : text.split(" ");
}

/** Moves a connection into exactly the index keys `keys`. */
function place(app: CoreApp, client: subscriptions.Client, keys: readonly string[]): void {
  const { leave: gone, join: added } = keyChanges(recordedKeys(client), keys);
  client.set(KEYS, keys.join(" "));
  join(app, added, client);
  leave(app, gone, [client.id()]);
}

function grantsKey(grants: Grants): string {
  return [...grants.rooms].sort().join(",") + "|" + [...grants.people].sort().join(",");
}

/**
 * onRealtimeSubscribeRequest: drops our topics the caller may not hear, lets PocketBase store
 * the rest, then files the connection in the index. Other topics (collections') are left to
 * PocketBase and its API rules.
 */
export function onSubscribe(e: core.RealtimeSubscribeRequestEvent): void {
  subscribe(e);
  noteCollectionHolders(e);
}

/**
 * Keeps, per collection of QUIET_COLLECTIONS, the connections that hold one of its own topics:
 * while none does, its busiest writes skip PocketBase's record events, whose broadcast walks
 * every open connection.
 */
function noteCollectionHolders(e: core.RealtimeSubscribeRequestEvent): void {
  for (const name of QUIET_COLLECTIONS) {
    const collection = e.app.findCachedCollectionByNameOrId(name);
    const key = collectionHolders(name);
    if (e.subscriptions.some((s) => isCollectionTopic(s, collection.name, collection.id))) {
      join(e.app, [key], e.client);
    } else if (e.app.store().has(key)) leave(e.app, [key], [e.client.id()]);
  }
}

/** True when some open connection holds one of the collection's own topics. */
export function collectionHeard(app: CoreApp, collection: QuietCollection): boolean {
  return clientsOf(app, collectionHolders(collection)).some((c) => !c.isDiscarded());
}

function subscribe(e: core.RealtimeSubscribeRequestEvent): void {
  const auth = e.auth;
  const userId = auth && auth.collection().name === "users" ? auth.id : "";
  const requested = e.subscriptions;
  const ours = requested.some((s) => parseTopic(s) !== null);
  if (!ours) {
    e.next();
    if (recordedKeys(e.client).length > 0) place(e.app, e.client, []);
    return;
  }
  let grants = userId === "" ? NO_GRANTS : grantsFor(e.app, userId, requested);
  e.subscriptions = allowedSubscriptions(requested, grants);
  // filed before PocketBase answers the subscribe request: a client that sends right after
  // its subscription was confirmed must hear the answer's events
  if (userId !== "") place(e.app, e.client, keysFor(userId, e.subscriptions, grants));
  e.next();
  if (userId === "") return;
  // A right revoked while the grants above were read would be missed by the revoker, which
  // looks at the keys recorded before this connection was placed: read them again after
  // placing, and settle on what the database says now.
  const again = grantsFor(e.app, userId, requested);
  if (grantsKey(again) !== grantsKey(grants)) {
    grants = again;
    reauthorizeClient(e.app, e.client, userId, grants);
  }
}

/** Applies fresh grants to one connection: revoked topics are unsubscribed and unindexed. */
function reauthorizeClient(
  app: CoreApp,
  client: subscriptions.Client,
  userId: string,
  grants?: Grants,
): void {
  const subscriptions = Object.keys(client.subscriptions());
  const current = grants ?? grantsFor(app, userId, subscriptions);
  const allowed = new Set(allowedSubscriptions(subscriptions, current));
  const revoked = subscriptions.filter((s) => !allowed.has(s));
  if (revoked.length > 0) client.unsubscribe(...revoked);
  place(app, client, keysFor(userId, [...allowed], current));
}

/**
 * Re-decides every connection of the user from the database (call after the change committed).
 * A connection that lost a room is removed from that room's keys by id as well, whatever it
 * recorded, so a concurrent subscribe cannot leave it behind.
 */
export function reauthorizeUser(
  app: CoreApp,
  userId: string,
  lostRooms: readonly string[] = [],
): void {
  const key = indexKey.user(userId);
  const ids = idsOf(app, key);
  if (lostRooms.length > 0 && ids.length > 0) {
    leave(app, lostRooms.flatMap(indexKey.ofRoom), ids);
  }
  for (const client of clientsOf(app, key)) {
    if (client.isDiscarded()) place(app, client, []);
    else if (userOf(client) === userId) reauthorizeClient(app, client, userId);
    else {
      // PocketBase signs a connection out when its user's token key changes (password change,
      // account deletion): it keeps no topic of ours until it subscribes again, signed in
      const ours = Object.keys(client.subscriptions() as Record<string, unknown>).filter(
        (s) => parseTopic(s) !== null,
      );
      if (ours.length > 0) client.unsubscribe(...ours);
      place(app, client, []);
    }
  }
}

/** Re-decides every connection in a room's keys (the room was deleted). */
export function reauthorizeRoom(app: CoreApp, roomId: string): void {
  const users = new Set<string>();
  for (const key of indexKey.ofRoom(roomId)) {
    const ids = idsOf(app, key);
    for (const client of clientsOf(app, key)) {
      const user = userOf(client);
      if (user !== "") users.add(user);
    }
    leave(app, [key], ids);
  }
  for (const user of users) reauthorizeUser(app, user);
}

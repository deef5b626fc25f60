// Direct conversations: one room of type 'dm' per unordered pair of users, keyed by the sorted
// pair (unique index), so concurrent "open" requests from both sides meet in the same room.
import { dmKey } from "../rules/rooms.ts";
import {
  callerOf,
  findActiveUser,
  findMembership,
  findRoom,
  isBanned,
  isBlockedEitherWay,
} from "./access.ts";
import { fail } from "../actions/errors.ts";
import { bodyOf, pathParam, requiredString } from "./http.ts";
import { addMember } from "./membership.ts";
import { roomSummaries, type RoomSummary } from "./room-list.ts";
import { roomListScope, visibleDms } from "../rules/scopes.ts";

/** Public profile fields shown next to a conversation. */
const PEER_FIELDS = ["id", "username", "displayName", "avatar", "lastActiveAt"] as const;

/** GET /api/konvert/dms — visible conversations with counts and the other participant. */
export function list(e: core.RequestEvent): void {
  const me = callerOf(e);
  if (isBanned(me)) {
    e.json(200, []);
    return;
  }
  const rooms = roomSummaries(e.app, me.id, visibleDms(me.id));
  e.json(200, withPeers(e.app, rooms));
}

function withPeers(app: CoreApp, rooms: RoomSummary[]): (RoomSummary & { peer: unknown })[] {
  const ids = rooms.map((r) => r.otherUser).filter((id) => id !== "");
  const peers = new Map<string, Record<string, unknown>>();
  for (const user of app.findRecordsByIds("users", ids)) {
    const profile: Record<string, unknown> = {};
    for (const field of PEER_FIELDS) profile[field] = user!.get(field);
    if (user!.getString("deletedAt") !== "") profile["deleted"] = true;
    peers.set(user!.id, profile);
  }
  return rooms.map((r) => ({ ...r, peer: peers.get(r.otherUser) ?? null }));
}

/** The open-DM action: the conversation's room id, the room created on first use. */
export function openDm(app: CoreApp, me: core.Record, otherId: string): string {
  if (otherId === me.id) fail("dm.open.self");
  if (isBanned(me)) fail("user.banned");
  findActiveUser(app, otherId);
  if (isBlockedEitherWay(app, me.id, otherId)) fail("dm.open.forbidden");
  let roomId = "";
  app.runInTransaction((tx) => {
    const room = findOrCreateDm(tx, dmKey(me.id, otherId), me.id);
    roomId = room.id;
    addMember(tx, room.id, me.id, "member");
    addMember(tx, room.id, otherId, "member");
    const mine = findMembership(tx, room.id, me.id)!;
    if (mine.getBool("hidden")) {
      mine.set("hidden", false);
      tx.save(mine);
    }
  });
  return roomId;
}

/** POST /api/konvert/dms {userId} */
export function open(e: core.RequestEvent): void {
  const me = callerOf(e);
  const roomId = openDm(e.app, me, requiredString(bodyOf(e), "userId"));
  const [summary] = withPeers(e.app, roomSummaries(e.app, me.id, roomListScope.byId(roomId)));
  e.json(200, summary);
}

function findOrCreateDm(tx: CoreApp, key: string, creator: string): core.Record {
  const existing = findDm(tx, key);
  if (existing) return existing;
  const room = new Record(tx.findCachedCollectionByNameOrId("rooms"));
  room.load({ type: "dm", dmKey: key, createdBy: creator, keyVersion: 0, name: "" });
  try {
    tx.save(room);
    return room;
  } catch (err) {
    const raced = findDm(tx, key); // the other side created it a moment earlier
    if (raced) return raced;
    throw err;
  }
}

function findDm(app: CoreApp, key: string): core.Record | null {
  try {
    return app.findFirstRecordByFilter("rooms", "dmKey = {:key}", { key });
  } catch {
    return null;
  }
}

/** The hide-DM action: the conversation is hidden for the caller until a new message. */
export function hideDm(app: CoreApp, me: core.Record, roomId: string): void {
  const room = findRoom(app, roomId);
  const membership = room.getString("type") === "dm" ? findMembership(app, room.id, me.id) : null;
  if (!membership) return fail("dm.hide.not_yours");
  membership.set("hidden", true);
  app.save(membership);
}

/** DELETE /api/konvert/dms/{id} */
export function hide(e: core.RequestEvent): void {
  hideDm(e.app, callerOf(e), pathParam(e, "id"));
  e.noContent(204);
}

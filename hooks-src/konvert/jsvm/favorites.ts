// Each user's private favorites room: exactly one (unique index on the owner), created on first use.
import { callerOf } from "./access.ts";
import { addMember } from "./membership.ts";
import { roomSummaries } from "./room-list.ts";
import { roomListScope } from "../rules/scopes.ts";

/** The open-favorites action: the caller's favorites room id, the room created if missing. */
export function openFavorites(app: CoreApp, me: core.Record): string {
  let roomId = "";
  app.runInTransaction((tx) => {
    const room = findFavorites(tx, me.id) ?? createFavorites(tx, me.id);
    roomId = room.id;
    addMember(tx, room.id, me.id, "owner");
  });
  return roomId;
}

/** POST /api/konvert/favorites */
export function open(e: core.RequestEvent): void {
  const me = callerOf(e);
  const roomId = openFavorites(e.app, me);
  const [summary] = roomSummaries(e.app, me.id, roomListScope.byId(roomId));
  e.json(200, summary);
}

function findFavorites(app: CoreApp, owner: string): core.Record | null {
  try {
    return app.findFirstRecordByFilter("rooms", "type = 'favorites' && createdBy = {:owner}", {
      owner,
    });
  } catch {
    return null;
  }
}

function createFavorites(tx: CoreApp, owner: string): core.Record {
  const room = new Record(tx.findCachedCollectionByNameOrId("rooms"));
  room.load({ type: "favorites", name: "⭐ Избранное", createdBy: owner, keyVersion: 0 });
  try {
    tx.save(room);
    return room;
  } catch (err) {
    const raced = findFavorites(tx, owner);
    if (raced) return raced;
    throw err;
  }
}

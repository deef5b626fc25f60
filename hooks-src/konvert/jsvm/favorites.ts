// Each user's private favorites room: exactly one (unique index on the owner), created on first use.
import { callerOf } from "./access.ts";
import { addMember } from "./membership.ts";
import { roomSummaries } from "./room-list.ts";
import { roomListScope } from "../rules/scopes.ts";

/** POST /api/konvert/favorites — the caller's favorites room, created if missing. */
export function open(e: core.RequestEvent): void {
  const me = callerOf(e);
  let roomId = "";
  e.app.runInTransaction((tx) => {
    const room = findFavorites(tx, me.id) ?? createFavorites(tx, me.id);
    roomId = room.id;
    addMember(tx, room.id, me.id, "owner");
  });
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

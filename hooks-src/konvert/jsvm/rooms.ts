// Room hooks: creation through the records API.
import { unexpectedFieldsProblem } from "../rules/fields.ts";
import { asRole } from "../rules/roles.ts";
import { ROOM_CREATE_FIELDS, roomCreateProblem } from "../rules/rooms.ts";
import { isActiveUntil } from "./clock.ts";
import { badRequest, forbidden } from "./errors.ts";

/** Creating a room makes the caller its owner member in the same transaction. */
export function onRoomCreateRequest(e: core.RecordRequestEvent): void {
  if (e.hasSuperuserAuth()) {
    e.next();
    return;
  }
  const caller = e.auth!; // the createRule admits authenticated users only
  if (isActiveUntil(caller, "bannedUntil")) forbidden("Banned users cannot create rooms.");

  const body = e.requestInfo().body;
  const extra = unexpectedFieldsProblem(body, ROOM_CREATE_FIELDS);
  if (extra) badRequest("body", extra);
  const problem = roomCreateProblem(body["name"], body["type"], asRole(caller.get("role")));
  if (problem)
    badRequest(body["type"] === "public" || body["type"] === "private" ? "name" : "type", problem);

  const room = e.record!;
  room.set("name", String(body["name"]).trim());
  room.set("createdBy", caller.id);
  room.set("keyVersion", 0);

  e.app.runInTransaction((tx) => {
    e.app = tx; // the response is written only after this transaction commits
    e.next();
    const owner = new Record(tx.findCollectionByNameOrId("room_members"));
    owner.set("room", room.id);
    owner.set("user", caller.id);
    owner.set("role", "owner");
    owner.set("lastReadAt", room.getDateTime("created"));
    tx.save(owner);
  });
}

// Room creation: the caller becomes the owner member and the invited members join, all in the
// insert's transaction. The records API's create hook and the legacy route call the same action.
import { nonTextField, unexpectedFieldsProblem } from "../rules/fields.ts";
import { initialMembersProblem, ROOM_CREATE_FIELDS, roomCreateProblem } from "../rules/rooms.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { callerOf, findActiveUser, isBanned, isBlockedEitherWay, roleOf } from "./access.ts";
import { addMember } from "./membership.ts";
import { bodyAsSent } from "./raw-body.ts";
import { track } from "./achievements/track.ts";

export interface NewRoom {
  /** The room to insert (the records API's own record, or a new one). */
  record: core.Record;
  name: unknown;
  type: unknown;
  memberIds?: unknown;
}

/**
 * The create-room action. `save` is the route's way to insert the record (the records API's own
 * create, or a plain save); it runs in the transaction that adds the members.
 */
export function createRoom(
  app: CoreApp,
  caller: core.Record,
  input: NewRoom,
  save: (tx: core.App) => void,
): core.Record {
  if (isBanned(caller)) fail("room.create.banned");
  refuseIf(roomCreateProblem(input.name, input.type, roleOf(caller)));
  refuseIf(initialMembersProblem(input.memberIds));
  const invited = distinctOthers(input.memberIds, caller.id);
  for (const id of invited) {
    findActiveUser(app, id);
    if (isBlockedEitherWay(app, caller.id, id)) fail("room.members.blocked");
  }
  const room = input.record;
  room.set("name", String(input.name).trim());
  room.set("type", input.type);
  room.set("createdBy", caller.id);
  room.set("keyVersion", 0);
  app.runInTransaction((tx) => {
    save(tx);
    addMember(tx, room.id, caller.id, "owner");
    for (const id of invited) addMember(tx, room.id, id, "member");
    track(tx, caller.id, { kind: "group_created", invited: invited.length });
  });
  return room;
}

/** POST /api/collections/rooms/records */
export function onRoomCreateRequest(e: core.RecordRequestEvent): void {
  if (e.hasSuperuserAuth()) {
    e.next();
    return;
  }
  const caller = callerOf(e);
  if (isBanned(caller)) fail("room.create.banned");
  const body = e.requestInfo().body as Record<string, unknown>;
  const extra = unexpectedFieldsProblem(body, ROOM_CREATE_FIELDS);
  if (extra !== null) fail("input.invalid", extra, "body");
  // PocketBase turns a number or boolean sent as the name into its text
  const nonText = nonTextField(bodyAsSent(e) ?? {}, ["name", "type"]);
  if (nonText !== null) fail("input.invalid", `${nonText} must be text.`, nonText);
  const input = {
    record: e.record!,
    name: body["name"],
    type: body["type"],
    memberIds: body["memberIds"],
  };
  createRoom(e.app, caller, input, (tx) => {
    e.app = tx; // the response is written only after this transaction commits
    e.next();
  });
}

function distinctOthers(ids: unknown, callerId: string): string[] {
  if (!Array.isArray(ids)) return [];
  return [...new Set(ids as string[])].filter((id) => id !== callerId);
}

// Room creation through the records API: the caller becomes the owner member and the invited
// members join, all in the insert's transaction.
import { nonTextField, unexpectedFieldsProblem } from "../rules/fields.ts";
import { initialMembersProblem, ROOM_CREATE_FIELDS, roomCreateProblem } from "../rules/rooms.ts";
import { callerOf, findActiveUser, isBanned, isBlockedEitherWay, roleOf } from "./access.ts";
import { badRequest, forbidden, refuse } from "./errors.ts";
import { addMember } from "./membership.ts";
import { bodyAsSent } from "./raw-body.ts";
import { track } from "./achievements/track.ts";

export function onRoomCreateRequest(e: core.RecordRequestEvent): void {
  if (e.hasSuperuserAuth()) {
    e.next();
    return;
  }
  const caller = callerOf(e);
  if (isBanned(caller)) forbidden("Banned users cannot create rooms.");

  const body = e.requestInfo().body as Record<string, unknown>;
  refuse("body", unexpectedFieldsProblem(body, ROOM_CREATE_FIELDS));
  // PocketBase turns a number or boolean sent as the name into its text
  const nonText = nonTextField(bodyAsSent(e) ?? {}, ["name", "type"]);
  if (nonText !== null) badRequest(nonText, `${nonText} must be text.`);
  const type = body["type"];
  const problem = roomCreateProblem(body["name"], type, roleOf(caller));
  if (problem) badRequest(type === "public" || type === "private" ? "name" : "type", problem);
  refuse("memberIds", initialMembersProblem(body["memberIds"]));
  const invited = distinctOthers(body["memberIds"], caller.id);
  for (const id of invited) {
    findActiveUser(e.app, id);
    if (isBlockedEitherWay(e.app, caller.id, id))
      badRequest("memberIds", "You cannot invite this user.");
  }

  const room = e.record!;
  room.set("name", String(body["name"]).trim());
  room.set("createdBy", caller.id);
  room.set("keyVersion", 0);
  e.app.runInTransaction((tx) => {
    e.app = tx; // the response is written only after this transaction commits
    e.next();
    addMember(tx, room.id, caller.id, "owner");
    for (const id of invited) addMember(tx, room.id, id, "member");
    track(tx, caller.id, { kind: "group_created", invited: invited.length });
  });
}

function distinctOthers(ids: unknown, callerId: string): string[] {
  if (!Array.isArray(ids)) return [];
  return [...new Set(ids as string[])].filter((id) => id !== callerId);
}

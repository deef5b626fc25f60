// Sending (records API create), editing, deleting and forwarding messages.
import { nonTextField, unexpectedFieldsProblem } from "../rules/fields.ts";
import { mentionIdsProblem } from "../rules/mentions.ts";
import {
  bodyProblem,
  contentProblem,
  deleteProblem,
  MESSAGE_CREATE_FIELDS,
  typeProblem,
  type MessageType,
} from "../rules/messages.ts";
import {
  callerOf,
  canRead,
  findMembership,
  findRoom,
  memberRoleOf,
  requireWritable,
  roleOf,
} from "./access.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { answerNow, answerTextNow, bodyOf, pathParam, requestEventOf } from "./http.ts";
import { bodyAsSent } from "./raw-body.ts";
import { collectionHeard } from "./realtime/authorize.ts";
import { DEFERRED, publishMessage, publishMessageIn } from "./realtime/publish.ts";
import {
  afterNewMessage,
  notifyMentions,
  replyTargetOk,
  planWrite,
  prepareWrite,
  resolveMentions,
  writeMentions,
} from "./message-write.ts";
import { logModeration } from "./moderation-log.ts";
import { withdraw } from "./notifications.ts";
import { publishTombstones, tombstone } from "./tombstone.ts";
import { realNowDate } from "./clock.ts";
import { chargeSend } from "./rate-limit.ts";
import { createPollFor } from "./polls.ts";
import { earlierSendsInWindow, messageDeleted, messageSent } from "./achievements/events.ts";
import { speedPending, track } from "./achievements/track.ts";
import { ensureWalAutocheckpoint } from "./wal.ts";
import { storageWrite } from "./health.ts";
import { indexAfterSends } from "./search.ts";
import { commonSend, commonSentJson, commonWrite, MESSAGE_ID_ALPHABET } from "./common-send.ts";

/**
 * POST /api/collections/messages/records — the author is always the caller. The hook writes and
 * answers itself instead of continuing PocketBase's chain (`e.next()`): the record form would
 * validate again what the checks below already proved, and it would do so inside the write
 * transaction, holding the single writer.
 */
export function onMessageCreateRequest(e: core.RecordRequestEvent): void {
  if (e.hasSuperuserAuth()) {
    e.next();
    return;
  }
  const request = requestEventOf(e);
  const me = callerOf(e);
  chargeSend(request, me.id);
  const body = e.requestInfo().body as Record<string, unknown>;
  refuseNonText(e, body);
  const input = { body, record: e.record!, files: uploadedFiles(e), publishLater: true };
  answerSent(request, commonSend(e.app, me, input) ?? sendMessage(e.app, me, input));
}

/**
 * POST /api/konvert/messages {room, content, type?, replyTo?, mentions?, poll?}: the same send
 * as the records API's, as JSON only (files go through the records API). The typed client sends
 * here: PocketBase's create route loads a record form from the body and runs the collection's
 * create rule as a query of its own before the hook, work the send does again anyway, and the
 * rule is there for a server without these hooks (1764800000_create_rules_guard).
 */
export function create(e: core.RequestEvent): void {
  const me = callerOf(e);
  chargeSend(e, me.id);
  const body = bodyOf(e);
  // the body as sent (no record form here): text fields must be text
  const field = nonTextField(body, MESSAGE_TEXT_FIELDS);
  if (field !== null) fail("input.invalid", `${field} must be text.`, field);
  // The common send answers from the values it wrote, unless the request asks PocketBase to
  // shape the answer (`?expand=`, `?fields=`): no record to load, enrich and marshal.
  const plain = e.request!.url!.rawQuery === "";
  if (plain) {
    const sent = commonWrite(e.app, me, body, 0);
    if (sent !== null) {
      const text = commonSentJson(e.app, sent);
      answerTextNow(e, 200, text);
      publishMessageIn(e.app, sent.room, "create", text);
      indexAfterSends(e.app);
      return;
    }
  }
  const record = new Record(e.app.findCachedCollectionByNameOrId("messages"));
  record.load({
    room: body["room"] ?? "",
    content: body["content"] ?? "",
    type: body["type"] ?? "text",
    replyTo: body["replyTo"] ?? "",
  });
  const input = { body, record, files: 0, publishLater: true };
  // with a query string the common send still writes, and PocketBase shapes the answer
  answerSent(e, (plain ? null : commonSend(e.app, me, input)) ?? sendMessage(e.app, me, input));
}

/** Answers a new message's sender, then tells the room: the sender does not wait for the fan-out. */
function answerSent(e: core.RequestEvent, message: core.Record): void {
  $apis.enrichRecord(e, message);
  const answered = answerNow(e, 200, message);
  if (answered === null) e.json(200, message);
  publishMessage(e.app, message, "create", answered ?? undefined);
  indexAfterSends(e.app);
}

/** What a new message is made of. */
export interface NewMessage {
  /** The fields as sent: room, content, type, replyTo, mentions, poll, attachments. */
  body: Record<string, unknown>;
  /** The record to save, loaded from the body (the typed route's also carries the uploads). */
  record: core.Record;
  /** How many files were uploaded with it. */
  files: number;
  /** Leave the realtime event to the caller, which answers the sender first. */
  publishLater?: boolean;
}

/**
 * The send action: checks and writes a new message by `me` (the typed create hook and the
 * legacy send route call it). Reads and checks happen before the write transaction; inside it
 * only writes. The typed doors try the common send first (jsvm/common-send.ts), which takes most
 * sends and leaves the rest, refusals included, to this one.
 */
export function sendMessage(app: CoreApp, me: core.Record, input: NewMessage): core.Record {
  const { body, record: message, files } = input;
  const extra = unexpectedFieldsProblem(body, MESSAGE_CREATE_FIELDS);
  if (extra !== null) fail("input.invalid", extra, "body");
  const type = (body["type"] ?? "text") as MessageType;
  refuseIf(typeProblem(type));
  refuseIf(bodyProblem(type, body["content"], files > 0, body["poll"]));
  const mentionsProblem = mentionIdsProblem(body["mentions"]);
  if (mentionsProblem !== null) fail("message.invalid", mentionsProblem, "mentions");
  const roomId = body["room"];
  if (typeof roomId !== "string" || roomId === "")
    return fail("input.required", "Missing room.", "room");
  const replyTo = message.getString("replyTo");
  message.set("author", me.id);
  message.set("type", type);
  // realtime/publish.ts leaves it to the caller, which answers the sender first
  if (input.publishLater) message.set(DEFERRED, true);

  const plan = planWrite(app, me, roomId);
  const room = plan.room;
  if (replyTo !== "" && !replyTargetOk(app, room.id, replyTo)) fail("message.reply.other_room");
  // Files (their types, sizes and count) are PocketBase's to check; every other field the body
  // may carry was checked above. Either way this runs before the writer is taken.
  if (files > 0 || "attachments" in body) validateRecord(app, message);
  const mentions = resolveMentions(
    app,
    room.id,
    me.id,
    message.getString("content"),
    (body["mentions"] as string[] | undefined) ?? [],
  );
  const speed = speedPending(app, me.id);
  // Nobody listens to the collection itself (the typed client uses Konvert's topics): skip
  // PocketBase's record events, whose broadcast walks every open connection; this route
  // publishes the message itself. Files need PocketBase's save to store them.
  const quiet = input.publishLater === true && files === 0 && !collectionHeard(app, "messages");
  ensureWalAutocheckpoint(app);
  // Only writes from here on: PocketBase has one writer, and every other send waits for it.
  storageWrite(app, "a send", () =>
    app.runInTransaction((tx) => {
      prepareWrite(tx, me, plan);
      if (quiet) insertQuietly(tx, message);
      else tx.saveNoValidate(message);
      if (type === "poll") createPollFor(tx, message, body["poll"]);
      const added = writeMentions(tx, message, mentions.users);
      notifyMentions(tx, message, me, added, mentions.summons);
      afterNewMessage(tx, room);
      // inside the transaction: the stats move with the message or not at all (measured: no
      // slower than tracking after the commit in a transaction of its own)
      const recent = speed ? earlierSendsInWindow(tx, me.id) : 0;
      track(tx, me.id, messageSent(tx, me, room, message, mentions.users.length, recent));
    }),
  );
  return message;
}

/** What PocketBase makes of a number, boolean or null sent for a text field. */
const CAST_LOOKING = /^(|true|false|-?[0-9][0-9.eE+-]*)$/;
const MESSAGE_TEXT_FIELDS = ["room", "content", "type", "replyTo"] as const;

/**
 * A number, boolean or null where text belongs is refused, not stored as its text. The body is
 * read again as sent only when a value looks like such a cast (most sends: never).
 */
function refuseNonText(e: core.RecordRequestEvent, body: Record<string, unknown>): void {
  if (!MESSAGE_TEXT_FIELDS.some((f) => f in body && CAST_LOOKING.test(String(body[f])))) return;
  const field = nonTextField(bodyAsSent(e) ?? {}, MESSAGE_TEXT_FIELDS);
  if (field !== null) fail("input.invalid", `${field} must be text.`, field);
}

/**
 * Inserts a checked new message the way PocketBase's save does (its own column export, a
 * 15-character id, the autodates) but without record events: no hooks, no realtime broadcast.
 * The database's triggers (room sequence, preview, search index) run as for any insert.
 */
function insertQuietly(tx: CoreApp, message: core.Record): void {
  if (message.id === "")
    message.set("id", $security.randomStringWithAlphabet(15, MESSAGE_ID_ALPHABET));
  const now = new DateTime();
  message.setRaw("created", now);
  message.setRaw("updated", now);
  const app = tx as unknown as Parameters<core.Record["dbExport"]>[0];
  tx.db().insert("messages", message.dbExport(app)).execute();
  message.markAsNotNew();
}

/** PocketBase's own field validation, answered the way its create route answers. */
function validateRecord(app: CoreApp, message: core.Record): void {
  try {
    app.validate(message);
  } catch (err) {
    throw new BadRequestError("Failed to create record.", err);
  }
}

/** Files sent with the request (new uploads are not record values until the record is saved). */
function uploadedFiles(e: core.RecordRequestEvent): number {
  // only multipart bodies carry files; asking a JSON request throws, and a JS exception per
  // message costs more than this check
  const headers = e.requestInfo().headers as Record<string, string | undefined>;
  if (!(headers["content_type"] ?? "").toLowerCase().startsWith("multipart/")) return 0;
  let count = 0;
  for (const key of ["attachments", "attachments+"]) {
    try {
      count += e.findUploadedFiles(key).length;
    } catch {
      // not a multipart request, or no such key
    }
  }
  return count;
}

/** A live (not deleted) message, or a 404. */
export function liveMessage(app: CoreApp, id: string): core.Record {
  let message: core.Record;
  try {
    message = app.findRecordById("messages", id);
  } catch {
    return fail("message.not_found");
  }
  if (message.getString("deletedAt") !== "") fail("message.not_found");
  return message;
}

/**
 * The edit action: the author changes the text; mentions follow. Editing is writing in the room:
 * the checks of a send (ban confinement, global and room mutes, membership, DM blocks), except
 * that editing never joins a public room.
 */
export function editMessage(
  app: CoreApp,
  me: core.Record,
  input: { id: string; content: unknown; mentions?: unknown },
): core.Record {
  refuseIf(contentProblem(input.content, true));
  const mentionsProblem = mentionIdsProblem(input.mentions);
  if (mentionsProblem !== null) fail("message.invalid", mentionsProblem, "mentions");
  const original = liveMessage(app, input.id);
  if (original.getString("author") !== me.id) fail("message.edit.not_author");
  if (original.getString("type") === "poll") fail("message.edit.poll");
  requireWritable(app, me, original.getString("room"));
  const content = input.content as string;
  let edited: core.Record | undefined;
  app.runInTransaction((tx) => {
    const message = liveMessage(tx, original.id);
    const room = findRoom(tx, message.getString("room"));
    message.set("content", content);
    message.set("editedAt", new DateTime());
    tx.save(message);
    const mentions = resolveMentions(
      tx,
      room.id,
      me.id,
      content,
      (input.mentions as string[] | undefined) ?? [],
    );
    // Mentions no longer in the text go (with their unread notification); new ones are told once.
    for (const old of tx.findRecordsByFilter("mentions", "message = {:id}", "", 0, 0, {
      id: message.id,
    })) {
      if (!mentions.users.includes(old!.getString("user"))) {
        withdraw(tx, "type = 'mention' && message = {:id} && recipient = {:user}", {
          id: message.id,
          user: old!.getString("user"),
        });
        tx.delete(old!);
      }
    }
    const added = writeMentions(tx, message, mentions.users);
    notifyMentions(tx, message, me, added, []);
    edited = message;
  });
  return edited!;
}

/** PATCH /api/konvert/messages/{id} {content, mentions?} */
export function edit(e: core.RequestEvent): void {
  const me = callerOf(e);
  const body = bodyOf(e);
  const input = { id: pathParam(e, "id"), content: body["content"], mentions: body["mentions"] };
  e.json(200, editMessage(e.app, me, input));
}

/**
 * The delete action: a tombstone (tombstone.ts): content and files go, and with them the
 * message's mentions, reactions, poll and pins, so derived counters drop at once.
 */
export function deleteMessage(app: CoreApp, me: core.Record, id: string): void {
  let quiet: string[] = [];
  app.runInTransaction((tx) => {
    const message = liveMessage(tx, id);
    const room = findRoom(tx, message.getString("room"));
    const isAuthor = message.getString("author") === me.id;
    const isOwner = memberRoleOf(findMembership(tx, room.id, me.id)) === "owner";
    refuseIf(deleteProblem(isAuthor, roleOf(me), isOwner));
    quiet = tombstone(tx, { id: message.id }, realNowDate());
    if (isAuthor) track(tx, me.id, messageDeleted(tx, message));
    if (!isAuthor) {
      logModeration(tx, {
        actor: me.id,
        target: message.getString("author"),
        room: room.id,
        action: "delete_message",
        data: { message: message.id },
      });
    }
  });
  publishTombstones(app, quiet);
}

/** DELETE /api/konvert/messages/{id} */
export function remove(e: core.RequestEvent): void {
  deleteMessage(e.app, callerOf(e), pathParam(e, "id"));
  e.noContent(204);
}

/** The forward action: a copy of a message into `roomId`, files included, marked forwarded. */
export function forwardMessage(
  app: CoreApp,
  me: core.Record,
  input: { id: string; roomId: string },
): core.Record {
  let copy: core.Record | undefined;
  storageWrite(app, "a forward", () =>
    app.runInTransaction((tx) => {
      const source = liveMessage(tx, input.id);
      const sourceRoom = findRoom(tx, source.getString("room"));
      if (!canRead(tx, me, sourceRoom)) fail("message.not_found");
      if (source.getString("type") === "poll") fail("message.forward.poll");
      const plan = planWrite(tx, me, input.roomId);
      const room = plan.room;
      const message = new Record(tx.findCachedCollectionByNameOrId("messages"));
      prepareWrite(tx, me, plan);
      message.load({
        room: room.id,
        author: me.id,
        content: source.getString("content"),
        type: source.getString("type"),
        forwardedFrom: source.id,
      });
      // The copies read from the source files lazily, when the new record is saved.
      const fsys = tx.newFilesystem();
      try {
        message.set("attachments", copiesOf(fsys, source));
        tx.save(message);
      } finally {
        fsys.close();
      }
      afterNewMessage(tx, room);
      const recent = speedPending(tx, me.id) ? earlierSendsInWindow(tx, me.id) : 0;
      track(tx, me.id, messageSent(tx, me, room, message, 0, recent));
      copy = message;
    }),
  );
  return copy!;
}

/** POST /api/konvert/messages/{id}/forward {roomId} */
export function forward(e: core.RequestEvent): void {
  const me = callerOf(e);
  chargeSend(e, me.id);
  const roomId = bodyOf(e)["roomId"];
  if (typeof roomId !== "string" || roomId === "") {
    return fail("input.required", "Missing roomId.", "roomId");
  }
  e.json(200, forwardMessage(e.app, me, { id: pathParam(e, "id"), roomId }));
}

function copiesOf(fsys: filesystem.System, source: core.Record): unknown[] {
  return source
    .getStringSlice("attachments")
    .map((name) => fsys.getReuploadableFile(source.baseFilesPath() + "/" + name, false));
}

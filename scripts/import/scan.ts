// Pass 1: reads every KV row once and keeps only what later phases need to resolve relations —
// whole values for the small kinds (users, rooms, DMs, polls, requests, achievements), compact
// metadata for messages in typed arrays (message-index.ts), ~50 bytes a message.
import { classifyKey, INDEX_KINDS, shapeFits, type KeyKind } from "./classify.ts";
import { decodeValue, isObject, str, strings, toMs } from "./convert.ts";
import { objectUrls, refKey, type ObjectRef } from "./files.ts";
import type { Report } from "./report.ts";
import { decryptSessionContent } from "./session-crypto.ts";
import { IdTable, MessageIndex, type MessageMeta } from "./message-index.ts";
import type { KvRow } from "./sources/types.ts";

export type { MessageMeta };

type Obj = Record<string, unknown>;

export class Scan {
  users = new Map<string, Obj>();
  rooms = new Map<string, Obj>();
  dms = new Map<string, Obj>();
  dmHidden: { dm: string; user: string; at: string }[] = [];
  friendRequests: { key: string; value: Obj }[] = [];
  polls = new Map<string, Obj>();
  achievements = new Map<string, Obj>();
  streaks = new Map<string, Obj>();
  readonly messages: MessageIndex;
  /**
   * Ids named by room_messages / dm_messages before their message was scanned (a message
   * scanned earlier is marked in the index instead: no second table of every message id).
   */
  private readonly listedAhead = new IdTable();
  /** Per source room and user: times of mentions of that user. */
  roomMentions = new Map<string, Map<string, number[]>>();
  /** Per source room and message author: times of others' reactions on their messages. */
  roomReactions = new Map<string, Map<string, number[]>>();
  /** Reactions each user gave. */
  reactionsGiven = new Map<string, number>();
  /** Per source room: its newest non-deleted message. */
  lastInRoom = new Map<string, { id: string; created: number }>();

  /** Per source message: the Storage objects its content links to (distinct, in order). */
  fileRefs = new Map<string, ObjectRef[]>();

  constructor(
    private readonly report: Report,
    private readonly options: { decrypt?: boolean; rows?: number } = {},
  ) {
    // messages are at most the source's rows
    this.messages = new MessageIndex(options.rows);
  }

  /** KV rows seen, to check against the source's own count. */
  rowsRead = 0;

  add(row: KvRow): void {
    this.rowsRead++;
    const { kind, parts } = classifyKey(row.key);
    const decoded = decodeValue(row.value);
    if (decoded.decoded) this.report.decodedStrings++;
    const value = decoded.value;
    this.report.count(kind, "read");
    if (!shapeFits(kind, value)) {
      this.report.shapeDrift(row.key, `expected the ${kind} shape, got ${describe(value)}`);
      return; // pass 2 sends it to kv_legacy
    }
    if (INDEX_KINDS.has(kind)) {
      this.report.count(kind, "index");
      if (kind === "room_messages" || kind === "dm_messages") {
        for (const id of strings(value)) {
          const n = this.messages.find(id);
          if (n >= 0) this.messages.setListed(n);
          else this.listedAhead.add(id);
        }
      }
      return;
    }
    const obj = value as Obj;
    switch (kind) {
      case "user":
        this.users.set(parts[0] ?? "", obj);
        break;
      case "room":
        this.rooms.set(parts[0] ?? "", obj);
        break;
      case "dm":
        this.dms.set(`${parts[0] ?? ""}:${parts[1] ?? ""}`, obj);
        break;
      case "dm_hidden":
        this.dmHidden.push({
          dm: `${parts[0] ?? ""}:${parts[1] ?? ""}`,
          user: parts[2] ?? "",
          at: str(obj["hidden_at"]),
        });
        break;
      case "friend_request":
        this.friendRequests.push({ key: row.key, value: obj });
        break;
      case "poll":
        this.polls.set(parts[0] ?? "", obj);
        break;
      case "achievements":
        this.achievements.set(parts[0] ?? "", obj);
        break;
      case "activity_streak":
        this.streaks.set(parts[0] ?? "", obj);
        break;
      case "message":
        this.addMessage(parts[0] ?? "", obj);
        break;
      default:
        break; // notifications and legacy rows are handled in pass 2 only
    }
  }

  private addMessage(id: string, m: Obj): void {
    const room = str(m["room_id"]);
    const author = str(m["sender_id"]);
    const created = toMs(m["created_at"]) ?? 0;
    const deleted = m["deleted"] === true;
    const n = this.messages.set(id, { room, author, created, deleted, type: str(m["type"]) });
    if (this.listedAhead.size > 0 && this.listedAhead.has(id)) this.messages.setListed(n);
    const urls = objectUrls(messageText(m, this.options.decrypt));
    if (urls.length > 0) {
      const refs = new Map<string, ObjectRef>();
      for (const { ref } of urls) refs.set(refKey(ref), ref);
      this.fileRefs.set(id, [...refs.values()]);
    }
    const last = this.lastInRoom.get(room);
    if (
      !deleted &&
      (!last || created > last.created || (created === last.created && id > last.id))
    ) {
      this.lastInRoom.set(room, { id, created });
    }
    for (const user of new Set(strings(m["mentions"]))) {
      if (user !== author) push(this.roomMentions, room, user, created);
    }
    if (isObject(m["reactions"])) {
      for (const users of Object.values(m["reactions"])) {
        for (const user of new Set(strings(users))) {
          this.reactionsGiven.set(user, (this.reactionsGiven.get(user) ?? 0) + 1);
          if (user !== author) push(this.roomReactions, room, author, created);
        }
      }
    }
  }
}

/** A message's content as text, decrypted when asked (the links may be inside the ciphertext). */
export function messageText(m: Obj, decrypt = false): string {
  const content = m["content"];
  const text = typeof content === "string" ? content : JSON.stringify(content ?? "");
  return decrypt ? decryptSessionContent(text).text : text;
}

function push(
  map: Map<string, Map<string, number[]>>,
  room: string,
  user: string,
  t: number,
): void {
  let perRoom = map.get(room);
  if (!perRoom) map.set(room, (perRoom = new Map<string, number[]>()));
  const list = perRoom.get(user);
  if (list) list.push(t);
  else perRoom.set(user, [t]);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
}

export type { KeyKind };

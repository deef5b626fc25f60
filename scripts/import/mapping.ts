// Turns the scanned KV store into PocketBase rows (raw column values). Every id is derived from
// the source key (convert.ts pbId), so the same input always yields the same rows.
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { searchTextFor } from "../../hooks-src/konvert/rules/profile.ts";
import { Attachments, MAX_ATTACHMENTS } from "./attach.ts";
import { classifyKey, INDEX_KINDS, shapeFits } from "./classify.ts";
import {
  decodeValue,
  FOREVER,
  isObject,
  JAIL_ROOM_ID,
  pairKey,
  pbDate,
  pbId,
  str,
  strings,
  toMs,
} from "./convert.ts";
import { objectUrls, refKey, storedName } from "./files.ts";
import type { Report } from "./report.ts";
import type { Scan } from "./scan.ts";
import { decryptSessionContent } from "./session-crypto.ts";
import type { AuthUser, KvRow } from "./sources/types.ts";
import { RoomSequence } from "./sequence.ts";
import { watermark } from "./watermark.ts";

export type Row = Record<string, string | number | boolean>;
export interface Rows {
  collection: string;
  row: Row;
  /** Columns written only when the row is new (secrets PocketBase owns afterwards). */
  insertOnly?: string[];
}
type Obj = Record<string, unknown>;

const JAIL_NAME = "🔒 Азкабан";
const ROLES = new Set(["admin", "moderator", "vip", "user"]);
const MESSAGE_TYPES = new Set([
  "text",
  "image",
  "audio",
  "voice",
  "video",
  "file",
  "poll",
  "system",
]);
const NOTIFICATION_TYPES = new Set([
  "friend_request",
  "friend_accepted",
  "mention",
  "reaction",
  "room_invite",
  "achievement",
  "admin_call",
  "moderator_call",
  "system",
]);
const BCRYPT = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

const KNOWN: Record<string, Set<string>> = {
  user: new Set(
    "id email username display_name role avatar_url status last_activity created_at banned ban_until muted mute_until muted_until friends blocked_users deleted deleted_at public_key room_keys avatar avatar_path gender age interests privacySettings".split(
      " ",
    ),
  ),
  room: new Set(
    "id name type created_by created_at members pinned_message_id pinned_message_ids dm_participants unread_mentions unread_reactions unread_count last_read last_activity last_message is_favorites deleted deleted_at".split(
      " ",
    ),
  ),
  message: new Set(
    "id room_id sender_id sender_username sender_display_name sender_avatar content type reply_to created_at reactions mentions edited edited_at deleted deleted_at forwarded".split(
      " ",
    ),
  ),
  dm: new Set(
    "id participants created_at last_message last_activity unread_count last_read".split(" "),
  ),
  poll: new Set(
    "id message_id question options votes anonymous created_by created_at deleted deleted_at".split(
      " ",
    ),
  ),
};

interface Member {
  role: "owner" | "admin" | "member";
  lastReadAt: string;
  /** lastReadAt in ms (undefined: never read). */
  readMs: number | undefined;
  mentionsReadAt: string;
  reactionsReadAt: string;
  encryptedKey: string;
  hidden: boolean;
  created: string;
}

export interface MapperOptions {
  /** Decrypt content sealed with the old client's global session key. */
  decrypt?: boolean;
  /** Storage objects found by the files phase. */
  attachments?: Attachments;
  /** Prefix of rewritten file URLs ("" = relative /api/files/… URLs). */
  fileBaseUrl?: string;
}

const NO_ATTACHMENTS = new Attachments();

export class Mapper {
  /** source user uuid -> PocketBase id (only users that are imported). */
  readonly userIds = new Map<string, string>();
  /** source room id (uuid, or "a:b" for dm: conversations) -> PocketBase room id. */
  readonly roomIds = new Map<string, string>();
  private readonly roomRows: Row[] = [];
  /** target room id -> the source's current pin (source message id). */
  private readonly pinnedOf = new Map<string, string>();
  private readonly members = new Map<string, Map<string, Member>>();
  private readonly userCreated = new Map<string, string>();

  constructor(
    private readonly scan: Scan,
    private readonly auth: AuthUser[],
    private readonly report: Report,
    private readonly catalogue: Map<string, string>,
    private readonly options: MapperOptions = {},
  ) {}

  private numbering: RoomSequence | undefined;

  /** Built on first use, once pass 1 and the room mapping are complete. */
  private get sequence(): RoomSequence {
    this.numbering ??= new RoomSequence(
      this.scan.messages,
      (room) => this.roomIds.get(room),
      this.messagesByRoom(),
    );
    return this.numbering;
  }

  private byRoom: Map<string, Uint32Array> | undefined;

  /** Source room -> its messages' numbers in the scan's index, built once pass 1 is complete. */
  private messagesByRoom(): Map<string, Uint32Array> {
    this.byRoom ??= this.scan.messages.byRoom();
    return this.byRoom;
  }

  private get attachments(): Attachments {
    return this.options.attachments ?? NO_ATTACHMENTS;
  }

  // ---- users ----------------------------------------------------------------------------------

  /** Users to import (profiles and auth rows, before skipping deleted auth-only users). */
  userCount(): number {
    return new Set([...this.scan.users.keys(), ...this.auth.map((a) => a.id)]).size;
  }

  /** Source items behind each later phase, for progress totals (rows written may differ a bit). */
  phaseTotal(phase: "rooms" | "members" | "polls" | "achievements"): number {
    switch (phase) {
      case "rooms":
        return this.scan.rooms.size + this.scan.dms.size;
      case "members":
        return [...this.members.values()].reduce((n, m) => n + m.size, 0);
      case "polls":
        return this.scan.polls.size;
      case "achievements":
        return this.scan.achievements.size;
    }
  }

  *users(): Generator<Rows> {
    const authById = new Map(this.auth.map((a) => [a.id, a]));
    const ids = [...new Set([...this.scan.users.keys(), ...authById.keys()])];
    const entries = ids.map((id) => {
      const profile = this.scan.users.get(id);
      const auth = authById.get(id);
      const created = pbDate(profile?.["created_at"]) || pbDate(auth?.createdAt);
      return { id, profile, auth, created };
    });
    entries.sort((a, b) => (a.created === b.created ? cmp(a.id, b.id) : cmp(a.created, b.created)));

    const takenNames = new Set<string>();
    const takenEmails = new Set<string>();
    for (const { id, profile, auth, created } of entries) {
      const key = `user:${id}`;
      if (auth?.deletedAt && !profile) {
        this.report.merged.push({
          key,
          reason: "auth user deleted in Supabase and without profile: skipped",
        });
        continue;
      }
      const p = profile ?? {};
      const pbUser = pbId(key);
      const deleted = p["deleted"] === true || Boolean(auth?.deletedAt);
      const freed = deleted ? erased(pbUser) : undefined;
      let email: string;
      let username: string;
      let password: string;
      if (freed) {
        // as the app's own deletion leaves the row (jsvm/account.ts erase): e-mail and username
        // freed for others, the password replaced by a random one nobody knows
        ({ email, username, password } = freed);
        takenEmails.add(email);
        takenNames.add(username.toLowerCase());
      } else {
        const emailSource = str(p["email"]) || auth?.email || "";
        email = (auth?.email || emailSource).trim().toLowerCase();
        if (!email) email = `${id}@users.import.invalid`;
        email = unique(email, takenEmails, (base, n) => base.replace("@", `+dup${n}@`));
        if (email !== (auth?.email || emailSource).trim().toLowerCase()) {
          this.report.emailChanges.push({ user: key, from: auth?.email ?? emailSource, to: email });
        }
        const wanted =
          str(p["username"]).trim() ||
          str(auth?.metadata["username"]).trim() ||
          email.split("@")[0] ||
          `user_${id.slice(0, 8)}`;
        username = unique(wanted.slice(0, 32), takenNames, (base, n) => {
          const suffix = `_${n}`;
          return base.slice(0, 32 - suffix.length) + suffix;
        });
        if (username !== wanted)
          this.report.usernameChanges.push({ user: key, from: wanted, to: username });

        const hash = auth?.encryptedPassword ?? "";
        password = "";
        if (BCRYPT.test(hash)) password = hash;
        else {
          const reason = !auth
            ? "no Supabase Auth account"
            : hash === ""
              ? "no password (OAuth or magic link)"
              : `password hash kind ${hash.split("$")[1] ?? "unknown"} cannot be verified by PocketBase`;
          this.report.usersNeedingReset.push({ user: key, email, reason });
        }
      }

      this.userIds.set(id, pbUser);
      this.userCreated.set(id, created);
      const banned = p["banned"] === true || toMs(auth?.bannedUntil) !== undefined;
      const muted = p["muted"] === true;
      const mutedUntil = pbDate(p["mute_until"]) || pbDate(p["muted_until"]);
      const age = typeof p["age"] === "number" ? Math.round(p["age"]) : Number(p["age"]);
      const role = str(p["role"]);
      const displayName = str(p["display_name"], 64);
      if (role && !ROLES.has(role)) this.report.shapeDrift(key, `unknown role "${role}"`);

      const row: Row = {
        id: pbUser,
        email,
        emailVisibility: false,
        verified: Boolean(auth?.emailConfirmedAt),
        password,
        tokenKey: randomToken(),
        username,
        displayName,
        avatar: this.avatarName(id),
        // raw SQL bypasses the people hook that keeps this hidden field
        searchText: searchTextFor(username, displayName),
        role: ROLES.has(role) ? role : "user",
        status: p["status"] === "online" ? "online" : "offline",
        lastActiveAt: pbDate(p["last_activity"]) || pbDate(auth?.lastSignInAt),
        bannedUntil: banned ? pbDate(p["ban_until"]) || pbDate(auth?.bannedUntil) || FOREVER : "",
        banReason: "",
        mutedUntil: muted ? mutedUntil || FOREVER : "",
        publicKey: str(p["public_key"], 8192),
        timezone: "",
        gender: str(p["gender"], 32),
        age: Number.isInteger(age) && age >= 0 && age <= 150 ? age : 0,
        interests: Array.isArray(p["interests"])
          ? strings(p["interests"]).join(", ").slice(0, 500)
          : str(p["interests"], 500),
        privacy: isObject(p["privacySettings"]) ? JSON.stringify(p["privacySettings"]) : "null",
        deletedAt: deleted ? pbDate(p["deleted_at"]) || pbDate(auth?.deletedAt) || created : "",
        legacyId: key,
        created,
        updated: pbDate(auth?.updatedAt) || created,
      };
      if (freed) Object.assign(row, freed.blank);
      yield { collection: "users", insertOnly: ["tokenKey"], row };
      this.report.count("user", "imported");
      yield* this.extras(key, "user", profile);
    }
  }

  // ---- rooms and members ----------------------------------------------------------------------

  /** Decides every room's target first (merges), then yields the room rows. */
  *rooms(): Generator<Rows> {
    const favoritesOf = new Map<string, string>();
    const legacyDmOf = new Map<string, string>();
    for (const [dmId, dm] of sorted(this.scan.dms)) {
      const [a, b] = dmId.split(":") as [string, string];
      const ua = this.userIds.get(a);
      const ub = this.userIds.get(b);
      if (!ua || !ub) {
        this.report.orphan(`dm:${dmId}`, "participant without account");
        continue;
      }
      const id = pbId(`dm:${dmId}`);
      this.roomIds.set(dmId, id);
      this.roomRows.push(
        this.roomRow(`dm:${dmId}`, id, dm, { type: "dm", dmKey: pairKey(ua, ub), createdBy: "" }),
      );
      this.report.count("dm", "imported");
      for (const user of [a, b]) this.addMember(dmId, id, user, dm, "member");
    }
    for (const [roomId, room] of sorted(this.scan.rooms)) {
      const key = `room:${roomId}`;
      const name = str(room["name"]);
      const creator = str(room["created_by"]);
      const type = str(room["type"]);
      let target: string;
      if (name === JAIL_NAME) {
        target = JAIL_ROOM_ID;
        this.report.count("room", "merged");
        this.report.merged.push({ key, reason: "jail room: merged into the single jail room" });
      } else if (room["is_favorites"] === true || name.includes("Избранное")) {
        const existing = favoritesOf.get(creator);
        if (existing) {
          target = existing;
          this.report.count("room", "merged");
          this.report.merged.push({ key, reason: "second favorites room of its owner: merged" });
        } else {
          target = pbId(key);
          favoritesOf.set(creator, target);
          this.pushRoom(key, target, room, {
            type: "favorites",
            createdBy: this.userIds.get(creator) ?? "",
          });
        }
      } else if (type === "dm") {
        const participants =
          strings(room["dm_participants"]).length === 2
            ? strings(room["dm_participants"])
            : strings(room["members"]);
        const [a, b] = [...participants].sort();
        const ua = a && this.userIds.get(a);
        const ub = b && this.userIds.get(b);
        const pair = `${a}:${b}`;
        const existing = this.roomIds.get(pair) ?? legacyDmOf.get(pair);
        if (existing) {
          target = existing;
          this.report.count("room", "merged");
          this.report.merged.push({
            key,
            reason: "legacy DM room of a pair that has a DM: merged",
          });
        } else if (!ua || !ub) {
          target = pbId(key);
          this.pushRoom(key, target, room, {
            type: "private",
            createdBy: this.userIds.get(creator) ?? "",
          });
          this.report.shapeDrift(
            key,
            "legacy DM room without two known participants: kept as private",
          );
        } else {
          target = pbId(key);
          legacyDmOf.set(pair, target);
          this.pushRoom(key, target, room, { type: "dm", dmKey: pairKey(ua, ub), createdBy: "" });
        }
      } else {
        target = pbId(key);
        if (type !== "public" && type !== "private") {
          this.report.shapeDrift(key, `unknown room type "${type}": imported as private`);
        }
        this.pushRoom(key, target, room, {
          type: type === "public" ? "public" : "private",
          createdBy: this.userIds.get(creator) ?? "",
        });
      }
      this.roomIds.set(roomId, target);
      const memberIds = new Set([...strings(room["members"]), ...strings(room["dm_participants"])]);
      for (const user of memberIds) {
        const role = user === creator && target !== JAIL_ROOM_ID ? "owner" : "member";
        this.addMember(roomId, target, user, room, role);
      }
      yield* this.extras(key, "room", room);
    }
    for (const { dm, user } of this.scan.dmHidden) {
      const member = this.members.get(this.roomIds.get(dm) ?? "")?.get(user);
      if (member) member.hidden = true;
      else this.report.orphan(`dm_hidden:${dm}:${user}`, "hidden DM without that membership");
      this.report.count("dm_hidden", member ? "imported" : "legacy");
    }
    for (const row of this.roomRows) {
      // a pin into another room or at nothing is dropped (pins() lists it)
      const pinned = this.pinnedOf.get(String(row["id"]));
      if (pinned && this.outsideRoom(pinned, String(row["id"])) === undefined) {
        row["pinnedMessage"] = pbId(`message:${pinned}`);
      }
      yield { collection: "rooms", row };
    }
  }

  private pushRoom(
    key: string,
    id: string,
    room: Obj,
    fields: { type: string; dmKey?: string; createdBy: string },
  ): void {
    this.roomRows.push(this.roomRow(key, id, room, fields));
    this.report.count("room", "imported");
  }

  private roomRow(
    key: string,
    id: string,
    room: Obj,
    fields: { type: string; dmKey?: string; createdBy: string },
  ): Row {
    const source = key.startsWith("dm:") ? key.slice(3) : key.slice(5);
    const last = this.lastMessage(source);
    const pinned = str(room["pinned_message_id"]);
    if (pinned) this.pinnedOf.set(id, pinned);
    const created = pbDate(room["created_at"]);
    return {
      id,
      name: key.startsWith("dm:") ? "" : str(room["name"], 100),
      type: fields.type,
      system: "",
      createdBy: fields.createdBy,
      lastMessageAt: last ? pbDate(last.created) : pbDate(room["last_activity"]),
      lastMessage: last ? pbId(`message:${last.id}`) : "",
      pinnedMessage: "", // set once every room's target is known (rooms())
      dmKey: fields.dmKey ?? "",
      keyVersion: 0,
      deletedAt: room["deleted"] === true ? pbDate(room["deleted_at"]) || created : "",
      legacyId: key,
      created,
      updated: created,
    };
  }

  private lastMessage(sourceRoom: string): { id: string; created: number } | undefined {
    return this.scan.lastInRoom.get(sourceRoom);
  }

  private addMember(
    sourceRoom: string,
    target: string,
    user: string,
    room: Obj,
    role: Member["role"],
  ): void {
    if (!this.userIds.has(user)) {
      this.report.orphan(`${sourceRoom}#${user}`, "member without account");
      return;
    }
    let perRoom = this.members.get(target);
    if (!perRoom) this.members.set(target, (perRoom = new Map<string, Member>()));
    if (perRoom.has(user)) return;
    const lastRead = toMs(isObject(room["last_read"]) ? room["last_read"][user] : undefined);
    const counter = (field: string): number => {
      const map = room[field];
      const n = isObject(map) ? map[user] : undefined;
      return typeof n === "number" ? n : 0;
    };
    const index = this.scan.messages;
    const others: number[] = [];
    const me = index.stringNumber(user);
    for (const n of this.messagesByRoom().get(sourceRoom) ?? []) {
      if (index.authorNumber(n) !== me && !index.deleted(n)) others.push(index.created(n));
    }
    const read = watermark(others, counter("unread_count"), lastRead);
    const mentions = this.scan.roomMentions.get(sourceRoom)?.get(user) ?? [];
    const reactions = this.scan.roomReactions.get(sourceRoom)?.get(user) ?? [];
    const profile = this.scan.users.get(user);
    const keys = profile?.["room_keys"];
    perRoom.set(user, {
      role,
      lastReadAt: pbDate(read),
      readMs: read,
      mentionsReadAt: pbDate(watermark(mentions, counter("unread_mentions"), read)),
      reactionsReadAt: pbDate(watermark(reactions, counter("unread_reactions"), read)),
      encryptedKey: isObject(keys) ? str(keys[sourceRoom], 8192) : "",
      hidden: false,
      created: pbDate(room["created_at"]),
    });
  }

  *roomMembers(): Generator<Rows> {
    for (const [room, perRoom] of this.members) {
      for (const [user, m] of perRoom) {
        yield {
          collection: "room_members",
          row: {
            id: pbId(`member:${room}:${user}`),
            room,
            user: this.userIds.get(user) ?? "",
            role: m.role,
            lastReadAt: m.lastReadAt,
            readSeq: this.sequence.readSeq(room, m.readMs),
            mentionsReadAt: m.mentionsReadAt,
            reactionsReadAt: m.reactionsReadAt,
            encryptedKey: m.encryptedKey,
            keyVersion: 0,
            hidden: m.hidden,
            mutedUntil: "",
            created: m.created,
            updated: m.created,
          },
        };
      }
    }
  }

  // ---- friends, blocks, requests --------------------------------------------------------------

  *social(): Generator<Rows> {
    const friendPairs = new Set<string>();
    for (const [user, profile] of sorted(this.scan.users)) {
      const me = this.userIds.get(user);
      if (!me) continue;
      for (const friend of strings(profile["friends"])) {
        const other = this.userIds.get(friend);
        if (!other || other === me) {
          this.report.orphan(`user:${user}#friends`, `friend ${friend} has no account`);
          continue;
        }
        const pair = pairKey(me, other);
        if (friendPairs.has(pair)) continue;
        friendPairs.add(pair);
        const [userA, userB] = pair.split(":") as [string, string];
        const created = maxText(this.userCreated.get(user), this.userCreated.get(friend));
        yield {
          collection: "friendships",
          row: { id: pbId(`friendship:${pair}`), userA, userB, created, updated: created },
        };
      }
      for (const blocked of new Set(strings(profile["blocked_users"]))) {
        const other = this.userIds.get(blocked);
        if (!other || other === me) {
          this.report.orphan(`user:${user}#blocked_users`, `blocked ${blocked} has no account`);
          continue;
        }
        const created = this.userCreated.get(user) ?? "";
        yield {
          collection: "blocks",
          row: {
            id: pbId(`block:${me}:${other}`),
            blocker: me,
            blocked: other,
            created,
            updated: created,
          },
        };
      }
    }
    const pending = new Set<string>();
    for (const { key, value } of [...this.scan.friendRequests].sort((a, b) => cmp(a.key, b.key))) {
      const from = this.userIds.get((str(value["fromUserId"]) || key.split(":")[1]) ?? "");
      const to = this.userIds.get((str(value["toUserId"]) || key.split(":")[2]) ?? "");
      const status = str(value["status"]) || "pending";
      if (!from || !to) {
        this.report.orphan(key, "request between unknown users");
        this.report.count("friend_request", "legacy");
        yield this.legacy(key, value, "orphan friend request");
        continue;
      }
      const pair = pairKey(from, to);
      if (status !== "pending" || friendPairs.has(pair) || pending.has(pair)) {
        this.report.count("friend_request", "merged");
        this.report.merged.push({
          key,
          reason: `request ${status}, already friends or duplicate pair: not pending`,
        });
        continue;
      }
      pending.add(pair);
      const created = pbDate(value["createdAt"]);
      this.report.count("friend_request", "imported");
      yield {
        collection: "friend_requests",
        row: {
          id: pbId(key),
          from,
          to,
          pairKey: pair,
          status: "pending",
          created,
          updated: created,
        },
      };
    }
  }

  // ---- pass 2: messages, reactions, mentions, notifications, kv_legacy -------------------------

  *content(row: KvRow): Generator<Rows> {
    const { kind, parts } = classifyKey(row.key);
    const { value } = decodeValue(row.value);
    if (!shapeFits(kind, value)) {
      this.report.count(kind, "legacy");
      yield this.legacy(row.key, row.value, `shape drift: not a ${kind} value`);
      return;
    }
    if (kind === "legacy") {
      this.report.count("legacy", "legacy");
      yield this.legacy(row.key, row.value, "no Konvert key pattern");
    } else if (kind === "message") {
      yield* this.message(row.key, parts[0] ?? "", value as Obj);
    } else if (kind === "notification") {
      yield* this.notification(row.key, value as Obj);
    } else if (INDEX_KINDS.has(kind)) {
      if (kind === "room_messages" || kind === "dm_messages") {
        for (const id of strings(value)) {
          if (!this.scan.messages.has(id))
            this.report.orphan(row.key, `lists message ${id}, which does not exist`);
        }
      }
    }
  }

  private *message(key: string, id: string, m: Obj): Generator<Rows> {
    const sequence = this.sequence; // numbers every message before the first is read
    const index = this.scan.messages;
    const n = index.find(id);
    if (n < 0) return;
    const meta = index.meta(n);
    const room = this.roomIds.get(meta.room);
    if (!room) {
      this.report.orphan(key, `room ${meta.room} does not exist`);
      this.report.count("message", "legacy");
      yield this.legacy(key, m, "orphan message: its room does not exist");
      return;
    }
    if (!index.isListed(n)) this.report.orphan(key, "not listed in its room's message index");
    const msgId = pbId(key);
    const author = this.userIds.get(meta.author) ?? "";
    if (!author) this.report.orphan(key, `sender ${meta.author} has no account`);
    const created = pbDate(meta.created) || pbDate(0);
    const replyTo = str(m["reply_to"]);
    const replyProblem = replyTo ? this.outsideRoom(replyTo, room) : undefined;
    let content =
      typeof m["content"] === "string" ? m["content"] : JSON.stringify(m["content"] ?? "");
    if (this.options.decrypt) {
      const result = decryptSessionContent(content);
      if (result.state === "decrypted") this.report.decryptedContent++;
      if (result.state === "undecryptable") this.report.cannotDecrypt(key);
      content = result.text;
    }
    const files = this.files(msgId, content);
    content = files.content;
    if (content.length > 20000) {
      yield this.legacy(
        `${key}#content`,
        content,
        "content longer than 20000 characters: truncated",
      );
      content = content.slice(0, 20000);
    }
    if (meta.type && !MESSAGE_TYPES.has(meta.type))
      this.report.shapeDrift(key, `unknown type "${meta.type}"`);
    const editedAt = m["edited"] === true ? pbDate(m["edited_at"]) || created : "";
    const deletedAt = m["deleted"] === true ? pbDate(m["deleted_at"]) || created : "";
    this.report.count("message", "imported");
    yield {
      collection: "messages",
      row: {
        id: msgId,
        room,
        seq: sequence.seqOf(meta),
        author,
        replyTo: replyTo && replyProblem === undefined ? pbId(`message:${replyTo}`) : "",
        forwardedFrom: "",
        content,
        type: MESSAGE_TYPES.has(meta.type) ? meta.type : "text",
        attachments: files.names.length > 0 ? JSON.stringify(files.names) : "[]",
        editedAt,
        deletedAt,
        legacyId: key,
        created,
        updated: maxText(created, editedAt, deletedAt),
      },
    };
    if (replyTo && replyProblem !== undefined) {
      this.report.droppedReference(
        `${key}#reply_to`,
        `reply to message:${replyTo}, ${replyProblem}`,
      );
    }
    if (isObject(m["reactions"])) {
      for (const [emoji, users] of Object.entries(m["reactions"])) {
        for (const user of new Set(strings(users))) {
          const pbUser = this.userIds.get(user);
          if (!pbUser || emoji.length > 32) {
            this.report.droppedReference(
              `${key}#reactions`,
              `reaction ${emoji} by user:${user}, ${pbUser ? "emoji longer than 32 characters" : "who has no account"}`,
            );
            continue;
          }
          yield {
            collection: "reactions",
            row: {
              id: pbId(`reaction:${id}:${user}:${emoji}`),
              message: msgId,
              user: pbUser,
              emoji,
              room,
              messageAuthor: author,
              created,
              updated: created,
            },
          };
        }
      }
    }
    for (const user of new Set(strings(m["mentions"]))) {
      const pbUser = this.userIds.get(user);
      if (!pbUser) {
        this.report.droppedReference(
          `${key}#mentions`,
          `mention of user:${user}, who has no account`,
        );
        continue;
      }
      yield {
        collection: "mentions",
        row: {
          id: pbId(`mention:${id}:${user}`),
          message: msgId,
          room,
          user: pbUser,
          created,
          updated: created,
        },
      };
    }
    yield* this.extras(key, "message", m);
  }

  private *notification(key: string, n: Obj): Generator<Rows> {
    const recipient = this.userIds.get(str(n["userId"]));
    if (!recipient) {
      this.report.orphan(key, "recipient has no account");
      this.report.count("notification", "legacy");
      yield this.legacy(key, n, "orphan notification: recipient has no account");
      return;
    }
    const action = isObject(n["actionData"]) ? str(n["actionData"]["type"]) : "";
    let type = str(n["type"]);
    if (action === "admin_call" || action === "moderator_call") type = action;
    if (!NOTIFICATION_TYPES.has(type)) {
      this.report.shapeDrift(key, `unknown notification type "${type}"`);
      type = "system";
    }
    const created = pbDate(n["createdAt"]) || pbDate(Number(key.split(":")[1]));
    const messageId = str(n["messageId"]);
    const roomId = str(n["roomId"]) || str(n["dm_id"]);
    const data: Obj = {};
    for (const [k, v] of Object.entries(n)) {
      if (
        ![
          "id",
          "userId",
          "type",
          "fromUserId",
          "roomId",
          "messageId",
          "read",
          "createdAt",
        ].includes(k)
      )
        data[k] = v;
    }
    this.report.count("notification", "imported");
    yield {
      collection: "notifications",
      row: {
        id: pbId(key),
        recipient,
        type,
        actor: this.userIds.get(str(n["fromUserId"])) ?? "",
        room: this.roomIds.get(roomId) ?? "",
        message:
          messageId &&
          this.scan.messages.has(messageId) &&
          this.roomIds.has(this.scan.messages.get(messageId)?.room ?? "")
            ? pbId(`message:${messageId}`)
            : "",
        data: JSON.stringify(data),
        readAt: n["read"] === true ? created : "",
        legacyId: key,
        created,
        updated: created,
      },
    };
  }

  // ---- after pass 2: pins, polls, achievements, stats --------------------------------------------

  *pins(): Generator<Rows> {
    for (const [roomId, room] of sorted(this.scan.rooms)) {
      const target = this.roomIds.get(roomId);
      if (!target) continue;
      const history = strings(room["pinned_message_ids"]);
      const current = str(room["pinned_message_id"]);
      const order = [
        ...new Set([...history.filter((h) => h !== current), ...(current ? [current] : [])]),
      ];
      const known = order.filter((id) => {
        const problem = this.outsideRoom(id, target);
        if (problem !== undefined) {
          this.report.droppedReference(`room:${roomId}#pins`, `pin of message:${id}, ${problem}`);
        }
        return problem === undefined;
      });
      const base = Math.max(0, ...known.map((id) => this.scan.messages.get(id)?.created ?? 0));
      for (const [i, id] of known.entries()) {
        // the source keeps no pin times: the history order becomes creation order
        const created = pbDate(base + i);
        yield {
          collection: "pins",
          row: {
            id: pbId(`pin:${target}:${id}`),
            room: target,
            message: pbId(`message:${id}`),
            pinnedBy: "",
            created,
            updated: created,
          },
        };
      }
    }
  }

  *polls(): Generator<Rows> {
    for (const [messageId, poll] of sorted(this.scan.polls)) {
      const key = `poll:${messageId}`;
      const meta = this.scan.messages.get(messageId);
      const room = meta && this.roomIds.get(meta.room);
      if (!meta || !room) {
        this.report.orphan(key, "poll without its message");
        this.report.count("poll", "legacy");
        yield this.legacy(key, poll, "orphan poll: its message does not exist");
        continue;
      }
      const pollId = pbId(key);
      const created = pbDate(poll["created_at"]) || pbDate(meta.created);
      this.report.count("poll", "imported");
      yield {
        collection: "polls",
        row: {
          id: pollId,
          message: pbId(`message:${messageId}`),
          room,
          question: str(poll["question"], 500),
          options: JSON.stringify(strings(poll["options"])),
          anonymous: poll["anonymous"] === true,
          multiple: false,
          closedAt: "",
          createdBy: this.userIds.get(str(poll["created_by"])) ?? "",
          created,
          updated: created,
        },
      };
      const votes = poll["votes"];
      if (isObject(votes)) {
        for (const [option, users] of Object.entries(votes)) {
          const index = Number(option);
          for (const user of new Set(strings(users))) {
            const pbUser = this.userIds.get(user);
            if (!pbUser || !Number.isInteger(index) || index < 0 || index > 9) {
              this.report.droppedReference(
                `${key}#votes`,
                `vote for option ${option} by user:${user}, ${pbUser ? "no such option" : "who has no account"}`,
              );
              continue;
            }
            yield {
              collection: "poll_votes",
              row: {
                id: pbId(`poll_vote:${messageId}:${user}:${index}`),
                poll: pollId,
                user: pbUser,
                option: index,
                created,
                updated: created,
              },
            };
          }
        }
      }
      yield* this.extras(key, "poll", poll);
    }
  }

  *achievements(): Generator<Rows> {
    for (const [user, profile] of sorted(this.scan.achievements)) {
      const key = `achievements:${user}`;
      const pbUser = this.userIds.get(user);
      if (!pbUser) {
        this.report.orphan(key, "user has no account");
        this.report.count("achievements", "legacy");
        yield this.legacy(key, profile, "achievements of a user without account");
        continue;
      }
      const entries: [string, Obj][] = isObject(profile["achievements"])
        ? Object.entries(profile["achievements"]).map(([k, v]) => [k, isObject(v) ? v : {}])
        : strings(profile["unlocked"]).map((k) => [k, { isUnlocked: true }]);
      const unknown: Obj = {};
      const fallback = pbDate(profile["lastUpdated"]) || this.userCreated.get(user) || "";
      for (const [achKey, a] of entries) {
        const achievement = this.catalogue.get(achKey);
        if (!achievement) {
          unknown[achKey] = a;
          continue;
        }
        const unlockedAt = a["isUnlocked"] === true ? pbDate(a["unlockedAt"]) || fallback : "";
        const progress =
          typeof a["progress"] === "number" ? Math.max(0, Math.floor(a["progress"])) : 0;
        yield {
          collection: "user_achievements",
          row: {
            id: pbId(`user_achievement:${user}:${achKey}`),
            user: pbUser,
            achievement,
            progress,
            unlockedAt,
            created: fallback,
            updated: maxText(fallback, unlockedAt),
          },
        };
      }
      this.report.count("achievements", "imported");
      if (Object.keys(unknown).length > 0) {
        yield this.legacy(key, unknown, "achievement ids not in the catalogue");
      }
    }
  }

  *stats(): Generator<Rows> {
    const index = this.scan.messages;
    const byAuthor = new Map<number, number>();
    for (let n = 0; n < index.size; n++) {
      const a = index.authorNumber(n);
      byAuthor.set(a, (byAuthor.get(a) ?? 0) + 1);
    }
    const sent = new Map<string, number>();
    for (const [a, count] of byAuthor) sent.set(index.string(a), count);
    const received = new Map<string, number>();
    for (const perRoom of this.scan.roomReactions.values()) {
      for (const [author, times] of perRoom)
        received.set(author, (received.get(author) ?? 0) + times.length);
    }
    const given = this.scan.reactionsGiven;
    for (const [user, pbUser] of this.userIds) {
      const streak = this.scan.streaks.get(user) ?? {};
      if (this.scan.streaks.has(user)) this.report.count("activity_streak", "imported");
      const created = this.userCreated.get(user) ?? "";
      const count = (v: unknown): number => (typeof v === "number" && v >= 0 ? Math.floor(v) : 0);
      yield {
        collection: "user_stats",
        row: {
          id: pbId(`user_stats:${user}`),
          user: pbUser,
          messagesSent: sent.get(user) ?? 0,
          reactionsGiven: given.get(user) ?? 0,
          reactionsReceived: received.get(user) ?? 0,
          currentStreak: count(streak["currentStreak"]),
          longestStreak: count(streak["longestStreak"]),
          lastActiveDay: /^\d{4}-\d{2}-\d{2}$/.test(str(streak["lastActivityDate"]))
            ? str(streak["lastActivityDate"])
            : "",
          counters: "{}",
          created,
          updated: created,
        },
      };
    }
    for (const user of this.scan.streaks.keys()) {
      if (!this.userIds.has(user)) {
        this.report.count("activity_streak", "legacy");
        yield this.legacy(
          `activity_streak:${user}`,
          this.scan.streaks.get(user),
          "streak of a user without account",
        );
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * Why a message cannot be referenced from the target room `room` (a pin, a reply), or
   * undefined when it can: it must exist and be imported into that same room.
   */
  private outsideRoom(message: string, room: string): string | undefined {
    const meta = this.scan.messages.get(message);
    if (!meta) return "which does not exist";
    const target = this.roomIds.get(meta.room);
    if (target === room) return undefined;
    return target ? `which is in another room (room:${meta.room})` : "whose room does not exist";
  }

  private avatarName(user: string): string {
    const ref = this.attachments.avatars.get(user);
    return ref && this.attachments.available.has(refKey(ref)) ? storedName(ref) : "";
  }

  /**
   * The message's stored files, and its content with each link to one of them pointing at the
   * PocketBase file instead of the expiring Supabase URL. Links to missing objects stay as they
   * were (and were reported by the files phase).
   */
  private files(msgId: string, content: string): { content: string; names: string[] } {
    const urls = objectUrls(content);
    if (urls.length === 0) return { content, names: [] };
    const names: string[] = [];
    const seen: string[] = [];
    let rewritten = content;
    for (const { url, ref } of urls) {
      const key = refKey(ref);
      if (!seen.includes(key)) seen.push(key);
      // the files phase stored the first MAX_ATTACHMENTS distinct objects, like here
      if (seen.indexOf(key) >= MAX_ATTACHMENTS || !this.attachments.available.has(key)) continue;
      const name = storedName(ref);
      if (!names.includes(name)) names.push(name);
      const base = this.options.fileBaseUrl ?? "";
      rewritten = rewritten.split(url).join(`${base}/api/files/messages/${msgId}/${name}`);
    }
    return { content: rewritten, names };
  }

  legacy(key: string, value: unknown, reason: string): Rows {
    return {
      collection: "kv_legacy",
      row: {
        id: pbId(`kv_legacy:${key}`),
        key: key.slice(0, 1000),
        value: JSON.stringify(value ?? null),
        reason,
      },
    };
  }

  /** Fields the schema has no place for are kept in kv_legacy under the record's key. */
  private *extras(key: string, kind: string, value: Obj | undefined): Generator<Rows> {
    if (!value) return;
    const known = KNOWN[kind] ?? new Set<string>();
    // runs for every message: look for an unknown field before building the list of them
    let any = false;
    for (const k in value) {
      if (!known.has(k)) {
        any = true;
        break;
      }
    }
    if (!any) return;
    const extra = Object.entries(value).filter(([k]) => !known.has(k));
    if (extra.length > 0) {
      yield this.legacy(
        key,
        Object.fromEntries(extra),
        `fields without a place in the schema: ${extra.map(([k]) => k).join(", ")}`,
      );
    }
  }
}

/**
 * What the app's account deletion (hooks-src/konvert/jsvm/account.ts erase) leaves in a user
 * row: the e-mail and username freed, a random password (bcrypt, so PocketBase treats it like
 * any other; 256 random bits, so the low cost factor changes nothing), personal fields empty.
 */
function erased(pbUser: string): {
  email: string;
  username: string;
  password: string;
  blank: Row;
} {
  return {
    email: `deleted_${pbUser}@deleted.invalid`,
    username: `deleted_${pbUser}`,
    password: bcrypt.hashSync(randomBytes(32).toString("base64url"), 4),
    blank: {
      verified: false,
      displayName: "",
      searchText: searchTextFor(`deleted_${pbUser}`, ""),
      avatar: "",
      publicKey: "",
      gender: "",
      interests: "",
      timezone: "",
      banReason: "",
      lastActiveAt: "",
      bannedUntil: "",
      mutedUntil: "",
      age: 0,
      privacy: "null",
      role: "user",
      status: "offline",
    },
  };
}

function unique(
  wanted: string,
  taken: Set<string>,
  variant: (base: string, n: number) => string,
): string {
  let candidate = wanted;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = variant(wanted, n);
  taken.add(candidate.toLowerCase());
  return candidate;
}

function sorted<V>(map: Map<string, V>): [string, V][] {
  return [...map.entries()].sort((a, b) => cmp(a[0], b[0]));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function maxText(...values: (string | undefined)[]): string {
  return values.reduce<string>((best, v) => (v && v > best ? v : best), "");
}

function randomToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(50));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

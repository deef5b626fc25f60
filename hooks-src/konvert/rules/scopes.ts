// Named scopes: the access predicates of rules/access.ts as SQL, for Konvert's own queries. A
// scope is an object carrying its SQL and its parameters; callers pass scopes, never SQL text,
// and only the query that runs a scope says which of its columns the scope applies to. Every
// scope keeps its tables under its own aliases (`acc_*`) inside a subquery, so it cannot capture
// or clash with the aliases of the query it joins.

/** SQL text with the parameters it binds (`{:name}` placeholders). */
export interface Fragment {
  readonly sql: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export const TRUE: Fragment = { sql: "1", params: {} };

/** Joins fragments with AND; a parameter named twice must carry the same value. */
export function allOf(...parts: readonly Fragment[]): Fragment {
  const params: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [name, value] of Object.entries(part.params)) {
      if (name in params && params[name] !== value) {
        throw new Error(`SQL parameter ${name} bound to two values`);
      }
      params[name] = value;
    }
  }
  return { sql: parts.map((p) => `(${p.sql})`).join(" AND "), params };
}

/** Joins fragments with OR (same parameter rule as allOf). */
export function anyOf(...parts: readonly Fragment[]): Fragment {
  const joined = allOf(...parts);
  return { sql: parts.map((p) => `(${p.sql})`).join(" OR "), params: joined.params };
}

/** The query's parameters plus a fragment's, checked the same way. */
export function bindWith(
  fragment: Fragment,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { ...allOf(fragment, { sql: "1", params }).params };
}

/** A set of rooms; `where(column)` is the condition "column is one of them". */
export interface RoomScope {
  where(roomColumn: string): Fragment;
}

function roomsIn(select: string, params: Record<string, unknown>): RoomScope {
  return { where: (column) => ({ sql: `${column} IN (${select})`, params }) };
}

/** Live rooms' conditions on the ban of the member row `acc_m` (user row `acc_u`). */
const CONFINED_TO_JAIL =
  "(acc_u.bannedUntil = '' OR acc_u.bannedUntil <= {:acc_now} OR acc_r.system = 'jail')";

const READABLE =
  "SELECT acc_m.room FROM room_members acc_m JOIN rooms acc_r ON acc_r.id = acc_m.room " +
  "JOIN users acc_u ON acc_u.id = acc_m.user " +
  `WHERE acc_m.user = {:acc_reader} AND acc_r.deletedAt = '' AND acc_u.deletedAt = '' AND ${CONFINED_TO_JAIL}`;

/** A DM with a block between its two sides. */
const BLOCKED_DM =
  "acc_r.type = 'dm' AND EXISTS (SELECT 1 FROM room_members acc_o JOIN blocks acc_b " +
  "ON (acc_b.blocker = acc_o.user AND acc_b.blocked = acc_m.user) " +
  "OR (acc_b.blocker = acc_m.user AND acc_b.blocked = acc_o.user) " +
  "WHERE acc_o.room = acc_m.room AND acc_o.user != acc_m.user)";

export const roomScope = {
  /** Rooms the user is a member of, whatever their state (joins with the room list's counters). */
  memberOf(userId: string): RoomScope {
    return roomsIn("SELECT acc_m.room FROM room_members acc_m WHERE acc_m.user = {:acc_member}", {
      acc_member: userId,
    });
  },

  /**
   * canReadRoom without god mode: member of a live room, an account that exists, and while
   * banned (`bannedUntil` after `now`) only the jail. The messages/reactions/polls read rule.
   */
  readableBy(userId: string, now: string): RoomScope {
    return roomsIn(READABLE, { acc_reader: userId, acc_now: now });
  },

  /**
   * What a user's connections may hear (realtime topics): readableBy, and a DM not while
   * either side blocks the other (nobody may write there then).
   */
  hearableBy(userId: string, now: string): RoomScope {
    return roomsIn(`${READABLE} AND NOT (${BLOCKED_DM})`, { acc_reader: userId, acc_now: now });
  },
};

/** A condition on the room list's rooms (alias `r` there), built by roomListScope only. */
export interface RoomListScope {
  /** The condition over the list query's room alias. */
  on(roomAlias: string): Fragment;
}

const listScope = (build: (r: string) => Fragment): RoomListScope => ({ on: build });
const SHARED_OR_FAVORITES = (r: string) => `${r}.type IN ('public', 'private', 'favorites')`;

/**
 * Which rooms the room lists show (canSeeRoom, narrowed by kind of list). While banned every
 * list holds the jail only.
 */
export const roomListScope = {
  /** The plain list: shared rooms and favorites the user belongs to. */
  mine(userId: string, banned: boolean): RoomListScope {
    if (banned) return roomListScope.jail(userId);
    return listScope((r) =>
      allOf(
        { sql: `${r}.system = '' AND ${SHARED_OR_FAVORITES(r)}`, params: {} },
        roomScope.memberOf(userId).where(`${r}.id`),
      ),
    );
  },

  /** `mine` plus the public rooms the user has not joined. */
  mineAndPublic(userId: string, banned: boolean): RoomListScope {
    if (banned) return roomListScope.jail(userId);
    return listScope((r) =>
      allOf(
        { sql: `${r}.system = '' AND ${SHARED_OR_FAVORITES(r)}`, params: {} },
        anyOf(roomScope.memberOf(userId).where(`${r}.id`), {
          sql: `${r}.type = 'public'`,
          params: {},
        }),
      ),
    );
  },

  /** The jail, for its banned member. */
  jail(userId: string): RoomListScope {
    return listScope((r) =>
      allOf(
        { sql: `${r}.system = 'jail'`, params: {} },
        roomScope.memberOf(userId).where(`${r}.id`),
      ),
    );
  },

  /** One room the user may see (canSeeRoom): theirs or public; while banned only the jail. */
  one(roomId: string, userId: string, banned: boolean): RoomListScope {
    const which = (r: string): Fragment => ({
      sql: `${r}.id = {:acc_room}`,
      params: { acc_room: roomId },
    });
    if (banned) return listScope((r) => allOf(which(r), roomListScope.jail(userId).on(r)));
    return listScope((r) =>
      allOf(
        which(r),
        { sql: `${r}.system = ''`, params: {} },
        anyOf(roomScope.memberOf(userId).where(`${r}.id`), {
          sql: `${r}.type = 'public'`,
          params: {},
        }),
      ),
    );
  },

  /** One room by id, whatever the user's rights (after an action that checked them). */
  byId(roomId: string): RoomListScope {
    return listScope((r) => ({ sql: `${r}.id = {:acc_room}`, params: { acc_room: roomId } }));
  },

  /** An admin's read-only view of every shared room (the legacy app's god mode). */
  godMode(): RoomListScope {
    return listScope((r) => ({ sql: `${r}.type IN ('public', 'private')`, params: {} }));
  },
};

/** A set of users; `where(column)` is the condition "column is one of them". */
export interface UserScope {
  where(userColumn: string): Fragment;
}

export const userScope = {
  /**
   * canSeeUser as SQL: users whose profile `viewerId` may see (the `users` read rule outside
   * realtime): the viewer themself; others while their account exists and neither blocks the other.
   */
  visibleTo(viewerId: string): UserScope {
    const v = "{:acc_viewer}";
    const select =
      "SELECT acc_t.id FROM users acc_t WHERE acc_t.id = " +
      v +
      " OR (acc_t.deletedAt = '' " +
      "AND NOT EXISTS (SELECT 1 FROM blocks acc_b WHERE (acc_b.blocker = acc_t.id AND acc_b.blocked = " +
      v +
      ") OR (acc_b.blocker = " +
      v +
      " AND acc_b.blocked = acc_t.id)))";
    return {
      where: (column) => ({ sql: `${column} IN (${select})`, params: { acc_viewer: viewerId } }),
    };
  },

  /**
   * canSeePresence as SQL: users whose profile and presence events `viewerId` may hear (the
   * `users` read rule for realtime): the viewer themself; others while both accounts exist,
   * neither blocks the other, and they are friends or share a room.
   */
  presenceVisibleTo(viewerId: string): UserScope {
    const v = "{:acc_viewer}";
    const select =
      "SELECT acc_t.id FROM users acc_t WHERE acc_t.id = " +
      v +
      " OR (acc_t.deletedAt = '' AND (SELECT acc_v.deletedAt FROM users acc_v WHERE acc_v.id = " +
      v +
      ") = '' " +
      "AND NOT EXISTS (SELECT 1 FROM blocks acc_b WHERE (acc_b.blocker = acc_t.id AND acc_b.blocked = " +
      v +
      ") OR (acc_b.blocker = " +
      v +
      " AND acc_b.blocked = acc_t.id)) " +
      "AND (EXISTS (SELECT 1 FROM friendships acc_f WHERE (acc_f.userA = acc_t.id AND acc_f.userB = " +
      v +
      ") OR (acc_f.userB = acc_t.id AND acc_f.userA = " +
      v +
      ")) OR EXISTS (SELECT 1 FROM room_members acc_a JOIN room_members acc_c ON acc_c.room = acc_a.room " +
      "WHERE acc_a.user = acc_t.id AND acc_c.user = " +
      v +
      ")))";
    return {
      where: (column) => ({ sql: `${column} IN (${select})`, params: { acc_viewer: viewerId } }),
    };
  },
};

/**
 * The DM list: the user's conversations they have not hidden and whose other side they have not
 * blocked (banned users have none: the caller answers an empty list).
 */
export function visibleDms(userId: string): RoomListScope {
  const select =
    "SELECT acc_m.room FROM room_members acc_m WHERE acc_m.user = {:acc_member} AND acc_m.hidden = 0 " +
    "AND NOT EXISTS (SELECT 1 FROM blocks acc_b WHERE acc_b.blocker = acc_m.user AND acc_b.blocked IN " +
    "(SELECT acc_o.user FROM room_members acc_o WHERE acc_o.room = acc_m.room AND acc_o.user != acc_m.user))";
  return listScope((r) => ({
    sql: `${r}.type = 'dm' AND ${r}.id IN (${select})`,
    params: { acc_member: userId },
  }));
}

/** A set of messages; `where(alias)` is the condition over the query's messages alias. */
export interface MessageScope {
  where(messageAlias: string): Fragment;
  /** Only messages that are not deleted (tombstones stay in history, not in previews). */
  live(): MessageScope;
  /** Only messages of rooms the user may read (roomScope.readableBy). */
  visibleTo(userId: string, now: string): MessageScope;
}

function messages(build: (m: string) => Fragment): MessageScope {
  const scope: MessageScope = {
    where: build,
    live: () => messages((m) => allOf(build(m), { sql: `${m}.deletedAt = ''`, params: {} })),
    visibleTo: (userId, now) =>
      messages((m) => allOf(build(m), roomScope.readableBy(userId, now).where(`${m}.room`))),
  };
  return scope;
}

export const messageScope = {
  byId(id: string): MessageScope {
    return messages((m) => ({ sql: `${m}.id = {:acc_message}`, params: { acc_message: id } }));
  },
  byIds(ids: readonly string[]): MessageScope {
    return messages((m) => ({
      sql: `${m}.id IN (SELECT value FROM json_each({:acc_messages}))`,
      params: { acc_messages: JSON.stringify(ids) },
    }));
  },
  inRoom(roomId: string): MessageScope {
    return messages((m) => ({
      sql: `${m}.room = {:acc_in_room}`,
      params: { acc_in_room: roomId },
    }));
  },
};

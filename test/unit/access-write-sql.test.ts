// The common send checks who may write inside its INSERT (rules/access.ts memberMayWriteSql)
// instead of loading the facts and asking writeDenial(). The two must agree for a member: the
// SQL must never let through what writeDenial refuses (that would be a leak), and it should take
// every send writeDenial allows (or the common send would never be taken). Checked over every
// combination of the facts either one reads, in SQLite itself.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  memberMayWriteSql,
  writeDenial,
  type Actor,
  type DmAccess,
  type MembershipAccess,
  type RoomAccess,
} from "../../hooks-src/konvert/rules/access.ts";

const NOW = "2026-06-01 12:00:00.000Z";
const PAST = "2026-05-01 12:00:00.000Z";
const FUTURE = "2026-07-01 12:00:00.000Z";
const DEADLINES = ["", PAST, FUTURE] as const;
const isFuture = (until: string) => until !== "" && until > NOW;

interface Case {
  n: number;
  deleted: boolean;
  bannedUntil: string;
  mutedUntil: string;
  room: RoomAccess;
  member: boolean;
  roomMutedUntil: string;
  otherActive: boolean;
  /** who blocks whom in a DM */
  block: "" | "me" | "other";
}

function* cases(): Generator<Case> {
  let n = 0;
  for (const deleted of [false, true])
    for (const bannedUntil of DEADLINES)
      for (const mutedUntil of DEADLINES)
        for (const type of ["public", "private", "dm"] as const)
          for (const system of ["", "jail"])
            for (const roomDeleted of [false, true])
              for (const member of [true, false])
                for (const roomMutedUntil of DEADLINES)
                  for (const otherActive of type === "dm" ? [true, false] : [true])
                    for (const block of type === "dm"
                      ? (["", "me", "other"] as const)
                      : ([""] as const))
                      yield {
                        n: n++,
                        deleted,
                        bannedUntil,
                        mutedUntil,
                        room: { type, system, deleted: roomDeleted },
                        member,
                        roomMutedUntil,
                        otherActive,
                        block,
                      };
}

const q = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The rows of every case: the caller u<n>, the room r<n>, in a DM also the other side o<n>. */
function seed(all: Case[]): string {
  const sql = [
    "CREATE TABLE users (id TEXT PRIMARY KEY, deletedAt TEXT, bannedUntil TEXT, mutedUntil TEXT);",
    "CREATE TABLE rooms (id TEXT PRIMARY KEY, type TEXT, system TEXT, deletedAt TEXT);",
    "CREATE TABLE room_members (room TEXT, user TEXT, mutedUntil TEXT, hidden BOOLEAN);",
    "CREATE TABLE blocks (blocker TEXT, blocked TEXT);",
    "CREATE TABLE cases (n INTEGER, user TEXT, room TEXT);",
  ];
  for (const c of all) {
    const [u, r, o] = [`u${c.n}`, `r${c.n}`, `o${c.n}`];
    const deletedAt = c.deleted ? q(PAST) : "''";
    sql.push(
      `INSERT INTO users VALUES (${q(u)}, ${deletedAt}, ${q(c.bannedUntil)}, ${q(c.mutedUntil)});`,
      `INSERT INTO rooms VALUES (${q(r)}, ${q(c.room.type)}, ${q(c.room.system)}, ` +
        `${c.room.deleted ? q(PAST) : "''"});`,
      `INSERT INTO cases VALUES (${c.n}, ${q(u)}, ${q(r)});`,
    );
    if (c.member) {
      sql.push(`INSERT INTO room_members VALUES (${q(r)}, ${q(u)}, ${q(c.roomMutedUntil)}, 0);`);
    }
    if (c.room.type === "dm") {
      sql.push(
        `INSERT INTO users VALUES (${q(o)}, ${c.otherActive ? "''" : q(PAST)}, '', '');`,
        `INSERT INTO room_members VALUES (${q(r)}, ${q(o)}, '', 0);`,
      );
      if (c.block === "me") sql.push(`INSERT INTO blocks VALUES (${q(u)}, ${q(o)});`);
      if (c.block === "other") sql.push(`INSERT INTO blocks VALUES (${q(o)}, ${q(u)});`);
    }
  }
  return sql.join("\n");
}

function allowedBySql(all: Case[]): Set<number> {
  const query =
    "SELECT c.n FROM cases c JOIN rooms r ON r.id = c.room " +
    "JOIN room_members m ON m.room = r.id AND m.user = c.user JOIN users u ON u.id = c.user " +
    `WHERE ${memberMayWriteSql("c.user", q(NOW))};`;
  const out = execFileSync("sqlite3", [":memory:"], {
    input: `${seed(all)}\n${query}\n`,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Set(out.split("\n").filter(Boolean).map(Number));
}

function allowedByRule(c: Case): boolean {
  const actor: Actor = {
    id: `u${c.n}`,
    role: "user",
    banned: isFuture(c.bannedUntil),
    mutedUntil: isFuture(c.mutedUntil) ? c.mutedUntil : "",
    deleted: c.deleted,
  };
  const membership: MembershipAccess | null = c.member
    ? { role: "member", muted: isFuture(c.roomMutedUntil) }
    : null;
  const dm: DmAccess | null =
    c.room.type === "dm" ? { otherActive: c.otherActive, blocked: c.block !== "" } : null;
  return writeDenial(actor, c.room, membership, dm, { joinPublic: true }) === null;
}

describe("memberMayWriteSql, the SQL twin of writeDenial for a member's message", () => {
  const all = [...cases()];
  const bySql = allowedBySql(all);

  it("never lets through a send writeDenial refuses", () => {
    const leaks = all.filter((c) => bySql.has(c.n) && !allowedByRule(c));
    expect(leaks).toEqual([]);
  });

  it("lets through every member's send writeDenial allows", () => {
    const missed = all.filter((c) => c.member && allowedByRule(c) && !bySql.has(c.n));
    expect(missed).toEqual([]);
  });

  it("covers each kind of refusal and of room", () => {
    expect(all.length).toBeGreaterThan(1000);
    expect(all.filter((c) => bySql.has(c.n)).length).toBeGreaterThan(10);
    // a non-member is the general path's (a public room is joined there)
    expect(all.filter((c) => !c.member && bySql.has(c.n))).toEqual([]);
  });
});

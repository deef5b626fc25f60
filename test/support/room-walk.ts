// A seeded random walk of joins, invites and leaves over a few rooms, for the realtime leak hunts:
// the walk keeps who is a member when, and hands every other step to the test (send, react, …).
import type { RoomsResponse } from "../../types/pocketbase-types.ts";
import { api } from "./api.ts";
import { seededRandom } from "./random.ts";
import { seedRoom } from "./rooms.ts";
import type { TestServer } from "./server.ts";
import { createUser, type TestUser } from "./users.ts";

export interface WalkStep {
  step: number;
  room: RoomsResponse;
  user: TestUser;
  /** the step's die, in [0, 1): the walk joins below 0.3 and leaves below 0.15 */
  roll: number;
}

export interface WalkHooks {
  /** a member's step that was no leave */
  act: (s: WalkStep) => Promise<void>;
  /** how a user joins a public room (default: one join request) */
  joinPublic?: (room: RoomsResponse, user: TestUser) => Promise<void>;
  /** called once the user is a member */
  joined?: (room: RoomsResponse, user: TestUser) => void;
}

export class RoomWalk {
  private readonly member = new Map<string, boolean>();

  private constructor(
    readonly users: TestUser[],
    readonly rooms: RoomsResponse[],
  ) {
    // room i is owned by user i, who never leaves: every room keeps someone to invite
    rooms.forEach((r, i) => this.member.set(this.key(r.id, users[i]!.record.id), true));
  }

  /** 6 users and 4 rooms, private and public by turns, room i owned by user i. */
  static async seed(server: TestServer): Promise<RoomWalk> {
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(server)));
    const rooms = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        seedRoom(server, i % 2 ? "public" : "private", [users[i]!]),
      ),
    );
    return new RoomWalk(users, rooms);
  }

  private key(room: string, user: string): string {
    return `${room}/${user}`;
  }

  isMember(roomId: string, userId: string): boolean {
    return this.member.get(this.key(roomId, userId)) === true;
  }

  /** The users who are members of the room now. */
  membersOf(roomId: string): TestUser[] {
    return this.users.filter((u) => this.isMember(roomId, u.record.id));
  }

  async run(seed: number, steps: number, hooks: WalkHooks): Promise<void> {
    const next = seededRandom(seed);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
    for (let step = 0; step < steps; step++) {
      const room = pick(this.rooms);
      const user = pick(this.users);
      const isMember = this.isMember(room.id, user.record.id);
      const roll = next();
      if (!isMember && roll < 0.3) {
        if (room.type === "public") {
          await (hooks.joinPublic ?? join)(room, user);
        } else {
          const inviter = this.membersOf(room.id)[0];
          if (!inviter) continue;
          await api(inviter.client, "POST", `/rooms/${room.id}/invite`, { userId: user.record.id });
        }
        this.member.set(this.key(room.id, user.record.id), true);
        hooks.joined?.(room, user);
      } else if (isMember && roll < 0.15) {
        if (this.users[this.rooms.indexOf(room)] === user) continue; // owners stay
        await api(user.client, "POST", `/rooms/${room.id}/leave`);
        this.member.set(this.key(room.id, user.record.id), false);
      } else if (isMember) {
        await hooks.act({ step, room, user, roll });
      }
    }
  }

  /**
   * A last message in every room, sent by its owner: what every member's connection must hear,
   * the barrier after which nothing else of the walk can still arrive.
   */
  async sentinels(send: (user: TestUser, roomId: string) => Promise<string>): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, room] of this.rooms.entries()) ids.push(await send(this.users[i]!, room.id));
    return ids;
  }
}

async function join(room: RoomsResponse, user: TestUser): Promise<void> {
  await api(user.client, "POST", `/rooms/${room.id}/join`);
}

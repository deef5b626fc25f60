// Konvert's realtime topics (room/<id>, feed, presence/<id>): who may subscribe, and rights that
// end while a connection is open (leave, removal, ban, account deletion, block) end its events
// before the action's response. Barriers, not sleeps: a later event on the same connection
// proves that an earlier one was not sent (one connection's events arrive in order).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import PocketBase from "pocketbase";
import { createPocketBaseBackend } from "../../client/index.ts";
import {
  eventsOf,
  type RealtimeEvent,
  type RealtimeMessage,
} from "../../hooks-src/konvert/rules/realtime.ts";
import { api, failure } from "../support/api.ts";
import { RoomWalk } from "../support/room-walk.ts";
import { waitUntil } from "../support/realtime.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { startProxy } from "../support/tcp-proxy.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  // chunks of two connections: joins, leaves and fan-outs cross chunk borders (index-store.ts)
  server = await startPocketBase({ env: { KONVERT_TEST_REALTIME_CHUNK: "2" } });
});
afterAll(() => server.stop());

interface Heard {
  topic: string;
  event: RealtimeEvent;
}

/** Subscribes a client to topics, logging every event it hears. */
async function listen(client: PocketBase, topics: string[]): Promise<Heard[]> {
  const log: Heard[] = [];
  for (const topic of topics) {
    await client.realtime.subscribe(topic, (message: RealtimeMessage) => {
      for (const event of eventsOf(message)) log.push({ topic, event });
    });
  }
  return log;
}

function messageIds(log: Heard[]): string[] {
  return log.flatMap(({ event }) => (event.type === "message" ? [String(event.record["id"])] : []));
}

async function send(user: TestUser, roomId: string, content: string): Promise<string> {
  return (await createPocketBaseBackend(user.client).messages.sendMessage(roomId, content)).id;
}

interface Listening {
  open: string[];
  list: string[];
  typing: string[];
}

/** Who the server's index says listens to a room (the superuser stats route). */
async function indexed(roomId: string): Promise<Listening> {
  const stats = await server.admin.send<{ room: Listening }>(
    `/api/konvert/admin/realtime?room=${roomId}`,
    {},
  );
  return stats.room;
}

describe("subscribing", () => {
  it("delivers a room's events only to members who subscribed, once each", async () => {
    const [owner, member, outsider] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [owner, member]);
    const own = await seedRoom(server, "private", [outsider]);
    const memberLog = await listen(member.client, [`room/${room.id}`, "feed"]);
    const outsiderLog = await listen(outsider.client, [`room/${room.id}`, "feed"]);
    const id = await send(owner, room.id, "hello");
    await waitUntil(() => messageIds(memberLog).includes(id), "member hears the message");
    // the outsider's own room is the barrier on the outsider's connection
    const sentinel = await send(outsider, own.id, "mine");
    await waitUntil(() => messageIds(outsiderLog).includes(sentinel), "outsider sentinel");
    expect(messageIds(outsiderLog)).toEqual([sentinel]);
    // with the room open, the member hears it on the room topic and not again on the feed
    expect(memberLog.filter((h) => h.topic === "feed" && h.event.type === "message")).toEqual([]);
    expect(memberLog.find((h) => h.event.type === "message")).toMatchObject({
      topic: `room/${room.id}`,
      event: { type: "message", action: "create", room: room.id, record: { content: "hello" } },
    });
    expect(memberLog[0]?.event).not.toHaveProperty("record.seq");
    await Promise.all([member, outsider].map((u) => u.client.realtime.unsubscribe()));
  });

  it("gives the feed list-level events of every room and personal events of its user only", async () => {
    const [a, b] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [a, b]);
    const feedA = await listen(a.client, ["feed"]);
    const feedB = await listen(b.client, ["feed"]);
    const id = await send(b, room.id, `hi @${a.record.username}`);
    await waitUntil(
      () => feedA.some((h) => h.event.type === "notification"),
      "a's mention notification",
    );
    await waitUntil(() => messageIds(feedB).includes(id), "b's own message on the feed");
    await waitUntil(() => messageIds(feedA).includes(id), "the message on a's feed");
    // b's own notifications (a first-message achievement) may come; none about a's mention
    const mentionsToB = feedB.filter(
      (h) => h.event.type === "notification" && h.event.record["type"] === "mention",
    );
    expect(mentionsToB).toEqual([]);
    await Promise.all([a, b].map((u) => u.client.realtime.unsubscribe()));
  });

  it("refuses topics to the anonymous, banned users outside the jail, and strangers' presence", async () => {
    const [owner, banned, stranger, friendless] = await Promise.all([
      createUser(server),
      createUser(server, { bannedUntil: "2999-01-01 00:00:00.000Z" }),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [owner, banned]);
    const shared = await seedRoom(server, "private", [owner, stranger]);
    const anonymous = createPocketBaseBackend(server.url).pb;
    const anonLog = await listen(anonymous, [`room/${room.id}`, "feed"]);
    const bannedLog = await listen(banned.client, [`room/${room.id}`, `typing/${room.id}`]);
    const presenceLog = await listen(friendless.client, [`presence/${owner.record.id}`]);
    const roommateLog = await listen(stranger.client, [
      `presence/${owner.record.id}`,
      `room/${shared.id}`,
    ]);
    await send(owner, room.id, "not for them");
    await api(owner.client, "POST", `/rooms/${room.id}/typing`);
    await api(owner.client, "POST", "/profile", { displayName: "Renamed" });
    // the roommate hears the presence change; a message in their room is the barrier after it
    await waitUntil(() => roommateLog.some((h) => h.event.type === "user"), "roommate presence");
    const sentinel = await send(owner, shared.id, "barrier");
    await waitUntil(() => messageIds(roommateLog).includes(sentinel), "roommate barrier");
    expect(await indexed(room.id)).toEqual({ open: [], list: [], typing: [] });
    expect(anonLog).toEqual([]);
    expect(bannedLog).toEqual([]);
    expect(presenceLog).toEqual([]);
    await Promise.all(
      [anonymous, banned.client, stranger.client, friendless.client].map((c) =>
        c.realtime.unsubscribe(),
      ),
    );
  });
});

describe("presence", () => {
  it("a heartbeat reaches the watchers of presence/<id>, without the users collection's events", async () => {
    const [a, b] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [a, b]);
    const log = await listen(b.client, [`presence/${a.record.id}`, `room/${room.id}`]);
    const beat = await api<{ written: boolean; lastActiveAt: string }>(
      a.client,
      "POST",
      "/presence/heartbeat",
    );
    expect(beat.written).toBe(true);
    await waitUntil(() => log.some((h) => h.event.type === "user"), "presence event");
    expect(log.find((h) => h.event.type === "user")).toEqual({
      topic: `presence/${a.record.id}`,
      event: { type: "user", action: "update", id: a.record.id },
    });
    const seen = await b.client.collection("users").getOne(a.record.id);
    expect(seen["lastActiveAt"]).toBe(beat.lastActiveAt);
    await b.client.realtime.unsubscribe();
  });
});

describe("a busy room", () => {
  it("delivers 60 concurrent sends once each, in one order for every member", async () => {
    const people = await Promise.all(Array.from({ length: 4 }, () => createUser(server)));
    const room = await seedRoom(server, "private", people);
    const logs = await Promise.all(
      people.map((p, i) => listen(p.client, i % 2 ? [`room/${room.id}`] : ["feed"])),
    );
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        send(people[i % people.length]!, room.id, `burst ${i}: привет 👋`),
      ),
    );
    for (const log of logs) {
      await waitUntil(() => ids.every((id) => messageIds(log).includes(id)), "every message");
    }
    const orders = logs.map((log) => messageIds(log).filter((id) => ids.includes(id)));
    for (const order of orders) {
      expect(order).toHaveLength(60);
      expect(order).toEqual(orders[0]);
    }
    await Promise.all(people.map((p) => p.client.realtime.unsubscribe()));
  });
});

describe("a room with more connections than a chunk of the index", () => {
  // the server runs with chunks of two connections: seven members span four chunks
  it("delivers once to each, and keeps doing so as members leave and come back", async () => {
    const people = await Promise.all(Array.from({ length: 7 }, () => createUser(server)));
    const room = await seedRoom(server, "private", people);
    const topic = `room/${room.id}`;
    const logs = await Promise.all(people.map((p) => listen(p.client, [topic])));
    expect((await indexed(room.id)).open).toHaveLength(7);
    const first = await send(people[0]!, room.id, "to everyone");
    for (const log of logs) await waitUntil(() => messageIds(log).includes(first), "first");

    // two members of middle chunks leave; their places fill with the next subscriptions
    await api(people[2]!.client, "POST", `/rooms/${room.id}/leave`);
    await api(people[3]!.client, "POST", `/rooms/${room.id}/leave`);
    expect((await indexed(room.id)).open).toHaveLength(5);
    const second = await send(people[0]!, room.id, "without two");
    await seedMembership(server, room.id, people[2]!);
    await people[2]!.client.realtime.unsubscribe();
    const back = await listen(people[2]!.client, [topic]);
    expect((await indexed(room.id)).open).toHaveLength(6);
    const third = await send(people[0]!, room.id, "one is back");
    const hearing = [...logs.filter((_, i) => i !== 2 && i !== 3), back];
    for (const [i, log] of hearing.entries()) {
      await waitUntil(() => messageIds(log).includes(third), `listener ${i} hears the third`);
    }
    for (const [i, log] of logs.entries()) {
      const mine = messageIds(log).filter((id) => [first, second, third].includes(id));
      if (i === 3) expect(mine).toEqual([first]);
      else if (i === 2) expect(mine).toEqual([first]);
      else expect(mine).toEqual([first, second, third]);
    }
    expect(messageIds(back)).toEqual([third]);

    // a typing ping skips the typist's own connection, whichever chunk holds it
    await api(people[4]!.client, "POST", `/rooms/${room.id}/typing`);
    const typed = (log: Heard[]) => log.some(({ event }) => event.type === "typing");
    for (const [i, log] of hearing.entries()) {
      if (log !== logs[4]) await waitUntil(() => typed(log), `listener ${i} hears the typing`);
    }
    const fourth = await send(people[0]!, room.id, "after typing");
    await waitUntil(
      () => messageIds(logs[4]!).includes(fourth),
      "the typist hears the next message",
    );
    expect(typed(logs[4]!)).toBe(false);
    await Promise.all(people.map((p) => p.client.realtime.unsubscribe()));
  });
});

describe("revocation before the response", () => {
  /** owner + victim + witness in `room`; victim and witness also share `other` (the barrier). */
  async function scene(victimFields = {}) {
    const [owner, victim, witness] = await Promise.all([
      createUser(server),
      createUser(server, victimFields),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [owner, victim, witness]);
    const other = await seedRoom(server, "private", [witness, victim]);
    const victimLog = await listen(victim.client, [`room/${room.id}`, `typing/${room.id}`, "feed"]);
    const witnessLog = await listen(witness.client, [`room/${room.id}`]);
    const before = await send(owner, room.id, "before");
    await waitUntil(() => messageIds(victimLog).includes(before), "victim hears before");
    return { owner, victim, witness, room, other, victimLog, witnessLog };
  }

  /** After the action: a message in the room reaches the witness, never the victim. */
  async function expectCutOff(
    s: Awaited<ReturnType<typeof scene>>,
    barrier: () => Promise<string>,
  ) {
    const after = await send(s.owner, s.room.id, "after");
    await waitUntil(() => messageIds(s.witnessLog).includes(after), "witness hears after");
    await api(s.owner.client, "POST", `/rooms/${s.room.id}/typing`);
    const sentinel = await barrier();
    await waitUntil(() => messageIds(s.victimLog).includes(sentinel), "victim barrier");
    expect(messageIds(s.victimLog)).not.toContain(after);
    expect(
      s.victimLog.filter((h) => h.event.type === "typing" || h.topic.startsWith("typing/")),
    ).toEqual([]);
    const listening = await indexed(s.room.id);
    expect([...listening.open, ...listening.list, ...listening.typing]).not.toContain(
      s.victim.record.id,
    );
    await Promise.all([s.victim, s.witness].map((u) => u.client.realtime.unsubscribe()));
  }

  it("on leaving", async () => {
    const s = await scene();
    await api(s.victim.client, "POST", `/rooms/${s.room.id}/leave`);
    await expectCutOff(s, () => send(s.witness, s.other.id, "barrier"));
  });

  it("on removal", async () => {
    const s = await scene();
    await api(s.owner.client, "POST", `/rooms/${s.room.id}/remove`, { userId: s.victim.record.id });
    await waitUntil(
      () =>
        s.victimLog.some(
          (h) =>
            h.topic === "feed" &&
            h.event.type === "membership" &&
            h.event.action === "delete" &&
            h.event.room === s.room.id,
        ),
      "the victim's feed tells the membership ended",
    );
    await expectCutOff(s, () => send(s.witness, s.other.id, "barrier"));
  });

  it("on a ban (the jail stays audible)", async () => {
    const s = await scene();
    const moderator = await createUser(server, { role: "moderator" });
    await api(moderator.client, "POST", `/users/${s.victim.record.id}/ban`, { hours: 1 });
    const jail = await server.admin.collection("rooms").getFirstListItem("system = 'jail'");
    await expectCutOff(s, async () => {
      // the witness's room is out of reach too; the jail is where the victim still hears
      const other = await send(s.witness, s.other.id, "not while banned");
      const sentinel = (
        await server.admin.collection("messages").create({
          room: jail.id,
          author: moderator.record.id,
          type: "text",
          content: "jail sentinel",
        })
      ).id;
      await waitUntil(() => messageIds(s.victimLog).includes(sentinel), "jail sentinel");
      expect(messageIds(s.victimLog)).not.toContain(other);
      return sentinel;
    });
  });

  it("on account deletion (the connection keeps no topic)", async () => {
    const s = await scene();
    await api(s.victim.client, "POST", "/account/delete", { password: s.victim.password });
    const after = await send(s.owner, s.room.id, "after");
    await waitUntil(() => messageIds(s.witnessLog).includes(after), "witness hears after");
    const listening = await indexed(s.room.id);
    expect([...listening.open, ...listening.list]).toEqual([s.witness.record.id]);
    const other = await indexed(s.other.id);
    expect([...other.open, ...other.list]).toEqual([]);
    expect(messageIds(s.victimLog)).not.toContain(after);
    await s.witness.client.realtime.unsubscribe();
  });

  it("on a block: presence and DM typing stop both ways", async () => {
    const [a, b] = await Promise.all([createUser(server), createUser(server)]);
    const dm = await api<{ id: string }>(a.client, "POST", "/dms", { userId: b.record.id });
    const barrierRoom = await seedRoom(server, "private", [a, b]);
    const logB = await listen(b.client, [
      `presence/${a.record.id}`,
      `room/${dm.id}`,
      `room/${barrierRoom.id}`,
    ]);
    await api(a.client, "POST", "/profile", { displayName: "Before block" });
    await waitUntil(() => logB.some((h) => h.event.type === "user"), "presence before the block");
    await api(a.client, "POST", `/blocks/${b.record.id}`);
    const heard = logB.length;
    await api(a.client, "POST", "/profile", { displayName: "After block" });
    // a blocked DM takes no writes, typing included (access.ts requireWritable)
    expect(await failure(api(a.client, "POST", `/rooms/${dm.id}/typing`))).toMatchObject({
      status: 403,
    });
    const sentinel = await send(a, barrierRoom.id, "barrier");
    await waitUntil(() => messageIds(logB).includes(sentinel), "barrier after the block");
    const since = logB.slice(heard).map((h) => h.event.type);
    expect(since.filter((t) => t === "user" || t === "typing")).toEqual([]);
    await b.client.realtime.unsubscribe();
  });

  it("a subscribe racing a leave never leaves the connection listening", async () => {
    const [owner, racer] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "public", [owner]);
    const topic = `room/${room.id}`;
    await listen(racer.client, ["feed"]);
    for (let round = 0; round < 12; round++) {
      await api(racer.client, "POST", `/rooms/${room.id}/join`);
      // the SDK submits the whole topic set again when a topic gains its first listener
      const resubscribe = async () => {
        await racer.client.realtime.unsubscribe(topic);
        await racer.client.realtime.subscribe(topic, () => undefined);
      };
      await Promise.all([resubscribe(), api(racer.client, "POST", `/rooms/${room.id}/leave`)]);
      const listening = await indexed(room.id);
      expect(
        [...listening.open, ...listening.list, ...listening.typing],
        `round ${round}`,
      ).not.toContain(racer.record.id);
    }
    await racer.client.realtime.unsubscribe();
  });

  it("re-authorizes a connection that subscribes again", async () => {
    const [owner, joiner] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "public", [owner]);
    const log = await listen(joiner.client, [`room/${room.id}`, "feed"]);
    await api(joiner.client, "POST", `/rooms/${room.id}/join`);
    // joined: the feed hears the room at once; the room topic after the client asks again
    const first = await send(owner, room.id, "first");
    await waitUntil(() => messageIds(log).includes(first), "feed after joining");
    expect(log.find((h) => messageIds([h]).includes(first))?.topic).toBe("feed");
    // the SDK submits a topic again only when it gains its first listener
    await joiner.client.realtime.unsubscribe(`room/${room.id}`);
    await joiner.client.realtime.subscribe(`room/${room.id}`, (message: RealtimeMessage) => {
      for (const event of eventsOf(message)) log.push({ topic: `room/${room.id}`, event });
    });
    const second = await send(owner, room.id, "second");
    await waitUntil(() => messageIds(log).includes(second), "room topic after resubscribing");
    expect(log.filter((h) => messageIds([h]).includes(second)).map((h) => h.topic)).toContain(
      `room/${room.id}`,
    );
    await joiner.client.realtime.unsubscribe();
  });
});

describe("catch-up", () => {
  it("replays what was created, edited and deleted while the connection was cut, once each", async () => {
    const [a, b] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [a, b]);
    const proxy = await startProxy(server.url);
    const viaProxy = new PocketBase(proxy.url);
    viaProxy.autoCancellation(false);
    viaProxy.authStore.save(b.client.authStore.token, b.client.authStore.record);
    const events: { action: string; content: string; deleted: boolean }[] = [];
    const backendB = createPocketBaseBackend(viaProxy);
    const stopRoom = await backendB.realtime.subscribeToRoom(room.id, (e) => {
      if (e.message) {
        events.push({
          action: e.action,
          content: e.message.content,
          deleted: e.message.deletedAt !== "",
        });
      }
    });
    const upserts: string[] = [];
    const stopList = await backendB.realtime.subscribeToRoomUpdates((r, action) =>
      upserts.push(`${action}:${r.id}`),
    );
    const sender = createPocketBaseBackend(a.client).messages;
    const kept = await sender.sendMessage(room.id, "kept");
    const doomed = await sender.sendMessage(room.id, "doomed");
    await waitUntil(() => events.length === 2, "two messages live");
    proxy.cut(); // the stream drops; all of this happens while b is away
    await sender.sendMessage(room.id, "while away");
    await sender.editMessage(kept.id, "kept, edited");
    await sender.deleteMessage(doomed.id);
    await waitUntil(() => events.some((e) => e.content === "while away"), "replay", 15_000);
    await waitUntil(() => events.some((e) => e.content === "kept, edited"), "edit replayed");
    await waitUntil(() => events.some((e) => e.deleted), "tombstone replayed");
    expect(events.filter((e) => e.content === "while away")).toEqual([
      { action: "create", content: "while away", deleted: false },
    ]);
    expect(events.filter((e) => e.content === "kept, edited")).toHaveLength(1);
    expect(events.filter((e) => e.deleted)).toHaveLength(1);
    // the room list was refetched after the reconnect
    await waitUntil(() => upserts.includes(`upsert:${room.id}`), "room list refreshed");
    await stopRoom();
    await stopList();
    viaProxy.realtime.unsubscribe().catch(() => undefined);
    await proxy.close();
  });
});

describe("random walk", () => {
  it("never delivers an event of a room to a connection while its user is not a member", async () => {
    const walk = await RoomWalk.seed(server);
    const { users, rooms } = walk;
    // message ids each user may hear: sent while they were a member
    const allowed = new Map<string, Set<string>>(users.map((u) => [u.record.id, new Set()]));
    const allow = (roomId: string, id: string) => {
      for (const u of walk.membersOf(roomId)) allowed.get(u.record.id)!.add(id);
    };
    const sentIn = new Map<string, string[]>();
    const logs = new Map<string, Heard[]>();
    const topics = ["feed", ...rooms.map((r) => `room/${r.id}`)];
    for (const u of users) logs.set(u.record.id, await listen(u.client, topics));
    await walk.run(7, 100, {
      // a message is fanned out after its sender has the answer, so one sent just before the
      // join may still reach the newcomer, who may read the room's history anyway
      joined: (room, user) => {
        for (const id of sentIn.get(room.id) ?? []) allowed.get(user.record.id)!.add(id);
      },
      act: async ({ step, room, user, roll }) => {
        if (roll < 0.25) {
          // as the typed client does when its room list changes: submit its topics again
          await user.client.realtime.unsubscribe(`room/${room.id}`);
          await user.client.realtime.subscribe(`room/${room.id}`, (message: RealtimeMessage) => {
            for (const event of eventsOf(message)) {
              logs.get(user.record.id)!.push({ topic: `room/${room.id}`, event });
            }
          });
          return;
        }
        const id = await send(user, room.id, `step ${step}`);
        sentIn.set(room.id, [...(sentIn.get(room.id) ?? []), id]);
        allow(room.id, id);
        if (roll > 0.8) await createPocketBaseBackend(user.client).messages.addReaction(id, "👍");
        if (roll > 0.9) await api(user.client, "POST", `/rooms/${room.id}/typing`);
      },
    });
    // a last message in every room reaches every member: the barrier for each connection
    const sentinels = await walk.sentinels((owner, roomId) => send(owner, roomId, "end"));
    rooms.forEach((room, i) => allow(room.id, sentinels[i]!));
    for (const u of users) {
      const expected = sentinels.filter((id) => allowed.get(u.record.id)!.has(id));
      await waitUntil(
        () => expected.every((id) => messageIds(logs.get(u.record.id)!).includes(id)),
        `sentinels for ${u.record.username}`,
      );
    }
    let checked = 0;
    for (const u of users) {
      const mine = allowed.get(u.record.id)!;
      for (const { event } of logs.get(u.record.id)!) {
        checked += 1;
        if (event.type === "message") expect(mine.has(String(event.record["id"]))).toBe(true);
        else if (event.type === "reaction") expect(mine.has(event.message)).toBe(true);
        else if (event.type === "membership" || event.type === "read") {
          expect(event.room).toBeTruthy();
        } else if (event.type === "notification") {
          expect(event.record["recipient"]).toBe(u.record.id);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    await Promise.all(users.map((u) => u.client.realtime.unsubscribe()));
  });
});

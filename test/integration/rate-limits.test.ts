// Konvert's own budgets, with the production rate limits on for 127.0.0.1: one send budget per
// user across every send route, and one failure budget per account and per IP across both
// sign-in routes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { legacyFetch } from "../support/legacy-api.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase({ rateLimits: true });
});
afterAll(() => server.stop());

const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e as { status: number }).status,
  );

describe("sending", () => {
  it("shares one budget of 60 messages per 10 s between the records API and the legacy route", async () => {
    const sender = await createUser(server);
    const room = await seedRoom(server, "private", [sender]);
    const token = sender.client.authStore.token;
    for (let i = 0; i < 30; i++) {
      await sender.client.collection("messages").create({ room: room.id, content: `api ${i}` });
    }
    const legacy = [];
    for (let i = 0; i < 30; i++) {
      legacy.push(
        (
          await legacyFetch(server, "POST", "/messages", token, {
            roomId: room.id,
            content: `l${i}`,
          })
        ).status,
      );
    }
    expect(legacy.every((s) => s === 200)).toBe(true);
    const over = await legacyFetch<{ error: string }>(server, "POST", "/messages", token, {
      roomId: room.id,
      content: "one too many",
    });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatch(/at most 60 every 10 seconds/);
    const viaApi = sender.client.collection("messages").create({ room: room.id, content: "no" });
    await expect(viaApi).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/Too many messages/) as unknown,
    });
    // nothing past the budget was written
    const stored = await server.admin
      .collection("messages")
      .getList(1, 1, { filter: `room = "${room.id}"` });
    expect(stored.totalItems).toBe(60);
    // another user's budget is their own
    const other = await createUser(server);
    const theirs = await seedRoom(server, "private", [other]);
    await other.client.collection("messages").create({ room: theirs.id, content: "fine" });
  });
});

describe("signing in", () => {
  it("stops guessing one account after 10 failures across both routes, not its neighbours", async () => {
    const [victim, neighbour] = await Promise.all([createUser(server), createUser(server)]);
    const email = `${victim.record.username.toLowerCase()}@konvert.test`;
    const viaApi = (password: string) =>
      statusOf(anonymousClient(server).collection("users").authWithPassword(email, password));
    const viaLegacy = async (password: string) =>
      (await legacyFetch(server, "POST", "/auth/signin", null, { email, password })).status;
    // alternating routes: each has its own PocketBase limit, the failures are counted once
    for (let i = 0; i < 5; i++) {
      expect(await viaApi(`wrong-${i}`)).toBe(400);
      expect(await viaLegacy(`wrong-${i}`)).toBe(400);
    }
    expect(await viaApi(victim.password)).toBe(429);
    const legacy = await legacyFetch<{ error: string }>(server, "POST", "/auth/signin", null, {
      email,
      password: victim.password,
    });
    expect(legacy.status).toBe(429);
    expect(legacy.body.error).toMatch(/this account/);
    // the same IP signs other people in
    const neighbourEmail = `${neighbour.record.username.toLowerCase()}@konvert.test`;
    await anonymousClient(server)
      .collection("users")
      .authWithPassword(neighbourEmail, neighbour.password);
    const ok = await legacyFetch(server, "POST", "/auth/signin", null, {
      email: neighbourEmail,
      password: neighbour.password,
    });
    expect(ok.status).toBe(200);
  });
});

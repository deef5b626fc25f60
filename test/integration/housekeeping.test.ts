// The hourly housekeeping cron: expired legacy refresh tokens go, live ones stay (issue #16).
import { afterAll, beforeAll, expect, it } from "vitest";
import { legacySignup } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const DAY_MS = 24 * 3_600_000;

async function tokensOf(userId: string): Promise<number> {
  const list = await server.admin
    .collection("compat_refresh_tokens")
    .getList(1, 1, { filter: `user = '${userId}'` });
  return list.totalItems;
}

it("drops expired refresh tokens and keeps live ones", async () => {
  const before = server.clockNow();
  // signed up 61 days ago: its 60-day refresh token has expired
  await server.setClock({ at: new Date(before.getTime() - 61 * DAY_MS) });
  const old = await legacySignup(server);
  await server.setClock({ at: before });
  const fresh = await legacySignup(server);
  expect(await tokensOf(old.id)).toBe(1);
  const jobs = await server.admin.crons.getFullList();
  expect(jobs.map((j) => j.id)).toContain("konvert-housekeeping");
  await server.admin.crons.run("konvert-housekeeping");
  expect(await tokensOf(old.id)).toBe(0);
  expect(await tokensOf(fresh.id)).toBe(1);
});

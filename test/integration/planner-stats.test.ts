// SQLite's planner statistics follow the data: a database analyzed while nearly empty (a fresh
// install, a data dir the import just filled) says "a few rooms", and the planner then scans
// every room in each subscribe's authorization and read check instead of seeking the caller's
// memberships. The hourly housekeeping (and the start of the server, and an admin route after an
// import into a running server) bring the statistics up to date (jsvm/db-maintenance.ts).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { api, failure } from "../support/api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

function sql(statement: string): string {
  return execFileSync(
    "sqlite3",
    ["-cmd", ".timeout 5000", join(server.dataDir, "data.db"), statement],
    { encoding: "utf8" },
  ).trim();
}

/** How many rows the statistics say the rooms table has (0 when it was never analyzed). */
function roomsPerStats(): number {
  const stat = sql("SELECT stat FROM sqlite_stat1 WHERE idx = 'sqlite_autoindex_rooms_1'");
  return Number(stat.split(" ")[0] ?? 0) || 0;
}

it("the hourly housekeeping re-analyzes a table that outgrew its statistics", async () => {
  sql("ANALYZE rooms");
  const before = roomsPerStats();
  sql(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) " +
      "INSERT INTO rooms (id, name, type) SELECT printf('plannerstat%04d', i), 'stats', 'public' FROM n",
  );
  expect(roomsPerStats()).toBe(before);
  await server.admin.crons.run("konvert-housekeeping");
  expect(roomsPerStats()).toBeGreaterThanOrEqual(600);
});

it("an import into a running server can ask for it: superusers only", async () => {
  const user = await createUser(server);
  const refused = await failure(api(user.client, "POST", "/admin/db/optimize"));
  expect([401, 403]).toContain(refused.status);
  sql("ANALYZE rooms");
  sql(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000) " +
      "INSERT INTO rooms (id, name, type) SELECT printf('plannermore%04d', i), 'stats', 'public' FROM n",
  );
  const stale = roomsPerStats();
  await server.admin.send("/api/konvert/admin/db/optimize", { method: "POST" });
  expect(roomsPerStats()).toBeGreaterThan(stale * 5);
});

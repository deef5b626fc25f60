// The schema applies on a fresh data dir, rolls back completely and applies again.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { SUPERUSER } from "../support/constants.ts";
import { API_RULES } from "../../hooks-src/konvert/rules/access.ts";
import { MIGRATIONS_DIR, pocketBaseArgs } from "../support/paths.ts";
import { startPocketBase } from "../support/server.ts";

const root = mkdtempSync(join(tmpdir(), "konvert-migrations-"));
const dataDir = join(root, "pb_data");
const noMigrations = join(root, "no-migrations");
mkdirSync(noMigrations);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const migrationFiles = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".js"));
const pocketbase = (args: string[], input?: string) =>
  execFileSync(inject("pbBinary"), [...args, ...pocketBaseArgs(dataDir)], {
    encoding: "utf8",
    input,
  });

/** Serves a copy of the data dir without our migrations, so serve cannot re-apply them. */
async function appCollections(): Promise<string[]> {
  const server = await startPocketBase({ fromDataDir: dataDir, migrationsDir: noMigrations });
  try {
    const all = await server.admin.collections.getFullList();
    return all
      .filter((c) => !c.system)
      .map((c) => c.name)
      .sort();
  } finally {
    await server.stop();
  }
}

describe("migrations", () => {
  it("apply, roll back completely and apply again", async () => {
    pocketbase(["migrate", "up"]);
    pocketbase(["superuser", "upsert", SUPERUSER.email, SUPERUSER.password]);
    const applied = await appCollections();
    expect(applied).toEqual(
      expect.arrayContaining(["users", "rooms", "room_members", "messages", "achievements"]),
    );

    const reverted = pocketbase(["migrate", "down", String(migrationFiles.length)], "y\n");
    for (const file of migrationFiles) expect(reverted).toContain(file);
    expect(await appCollections()).toEqual(["users"]);

    const reapplied = pocketbase(["migrate", "up"]);
    for (const file of migrationFiles) expect(reapplied).toContain(`Applied ${file}`);
    expect(await appCollections()).toEqual(applied);
  });

  it("end with the access module's API rules (what the unit test's replay computes)", async () => {
    const server = await startPocketBase();
    try {
      const all = await server.admin.collections.getFullList();
      const actual = Object.fromEntries(
        all
          .filter((c) => c.name in API_RULES)
          .map((c) => [
            c.name,
            {
              listRule: c.listRule,
              viewRule: c.viewRule,
              createRule: c.createRule,
              updateRule: c.updateRule,
              deleteRule: c.deleteRule,
            },
          ]),
      );
      expect(actual).toEqual(API_RULES);
    } finally {
      await server.stop();
    }
  });

  it("seeds the 28 achievements with thresholds", async () => {
    const server = await startPocketBase();
    try {
      const catalogue = await server.admin.collection("achievements").getFullList();
      expect(catalogue).toHaveLength(28);
      const byKey = Object.fromEntries(catalogue.map((a) => [a.key as string, a]));
      expect(byKey["chatterbox"]).toMatchObject({ maxProgress: 10000, rarity: "legendary" });
      expect(byKey["striker"]).toMatchObject({ maxProgress: 30, category: "challenges" });
      expect(byKey["beacon"]).toMatchObject({ secret: true });
    } finally {
      await server.stop();
    }
  });

  it("enable rate limiting and the batch API", async () => {
    const server = await startPocketBase({ rateLimits: true });
    try {
      const settings = await server.admin.settings.getAll();
      expect(settings["rateLimits"]).toMatchObject({ enabled: true });
      expect(settings["batch"]).toMatchObject({ enabled: true });
    } finally {
      await server.stop();
    }
  });
});

// The API rules PocketBase enforces are the access module's text: every migration in
// pb_migrations/ is replayed in order and each collection's final rules are compared with
// rules/access.ts API_RULES, so a migration cannot drift from the module, nor the module from
// what a fresh install ends up with.
import { describe, expect, it } from "vitest";
import { API_RULES } from "../../hooks-src/konvert/rules/access.ts";
import { replayMigrationRules } from "../support/migration-replay.ts";

const replayed = replayMigrationRules();

describe("API rules after every migration", () => {
  it("name the same collections as the access module (superusers aside)", () => {
    expect([...replayed.keys()].filter((name) => name !== "_superusers").sort()).toEqual(
      Object.keys(API_RULES).sort(),
    );
  });
  for (const [name, rules] of Object.entries(API_RULES)) {
    it(`${name}: list, view, create, update and delete rules are the module's`, () => {
      expect(replayed.get(name)).toEqual(rules);
    });
  }
});

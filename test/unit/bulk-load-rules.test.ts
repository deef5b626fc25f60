// Reading PocketBase's index SQL and the search trigger's condition for the import's bulk load.
import { describe, expect, it } from "vitest";
import {
  duplicatesQuery,
  insertTriggerCondition,
  parseIndex,
} from "../../hooks-src/konvert/rules/bulk-load.ts";

describe("parseIndex", () => {
  it("reads unique, partial and collated indexes as PocketBase writes them", () => {
    expect(
      parseIndex("CREATE UNIQUE INDEX `idx_users_username` ON `users` (`username` COLLATE NOCASE)"),
    ).toEqual({
      name: "idx_users_username",
      unique: true,
      table: "users",
      columns: ["`username` COLLATE NOCASE"],
      where: "",
    });
    expect(
      parseIndex(
        "CREATE UNIQUE INDEX `idx_messages_legacyId` ON `messages` (`legacyId`) WHERE `legacyId` != ''",
      ),
    ).toMatchObject({ columns: ["`legacyId`"], where: "`legacyId` != ''" });
    expect(parseIndex("CREATE INDEX idx_x ON t (\n  a DESC,\n  lower(b)\n) WHERE (c) > 0")).toEqual(
      { name: "idx_x", unique: false, table: "t", columns: ["a", "lower(b)"], where: "(c) > 0" },
    );
  });

  it("refuses what it cannot read", () => {
    expect(parseIndex("CREATE TABLE t (a)")).toBeNull();
    expect(parseIndex("CREATE INDEX i ON t (a")).toBeNull();
    expect(parseIndex("CREATE INDEX i ON t (a) junk")).toBeNull();
  });

  it("finds the rows after the first one per key", () => {
    const index = parseIndex("CREATE UNIQUE INDEX i ON `t` (`a`, `b`) WHERE `a` != ''");
    if (!index) throw new Error("unreadable");
    expect(duplicatesQuery(index)).toBe(
      "SELECT id, kept FROM (SELECT id, first_value(id) OVER w AS kept, row_number() OVER w AS n " +
        "FROM `t` WHERE `a` != '' WINDOW w AS (PARTITION BY `a`, `b` ORDER BY rowid)) WHERE n > 1",
    );
  });
});

describe("insertTriggerCondition", () => {
  it("takes the WHEN condition of an insert trigger, for an alias", () => {
    expect(
      insertTriggerCondition(
        "CREATE TRIGGER x AFTER INSERT ON messages WHEN new.deletedAt = '' AND new.content != '' BEGIN INSERT INTO d (m) VALUES (new.id); END",
        "m",
      ),
    ).toBe("m.deletedAt = '' AND m.content != ''");
    expect(
      insertTriggerCondition("CREATE TRIGGER x AFTER DELETE ON messages BEGIN END", "m"),
    ).toBeNull();
  });
});

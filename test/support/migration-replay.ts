// Replays every migration in pb_migrations/ (the `up` side, in file order) against a stand-in
// `app` that keeps only what the API rules need: collections by name and id with their five
// rules. Everything else a migration touches (fields, indexes, SQL, settings, records) is
// accepted and ignored, so the replay needs no PocketBase and sees each rule change as written.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

export const RULE_NAMES = [
  "listRule",
  "viewRule",
  "createRule",
  "updateRule",
  "deleteRule",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];
export type Rules = Record<RuleName, string | null>;

interface FakeCollection extends Rules {
  id: string;
  name: string;
  [key: string]: unknown;
}

/** A value that accepts any property read, call or `new`, and returns itself. */
function anything(): unknown {
  const target = function () {
    // callable stand-in
  };
  const proxy: unknown = new Proxy(target, {
    get: (_t, key) => {
      if (key === Symbol.iterator) return [][Symbol.iterator].bind([]);
      if (key === Symbol.toPrimitive) return () => "";
      if (key === "length") return 0;
      return proxy;
    },
    set: () => true,
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

const fields = () => ({
  getByName: () => anything(),
  add: () => undefined,
  addAt: () => undefined,
  removeByName: () => undefined,
  fieldNames: () => [],
});

function collection(init: Record<string, unknown>): FakeCollection {
  const made: FakeCollection = {
    id: "",
    name: "",
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    indexes: [],
    addIndex: () => undefined,
    removeIndex: () => undefined,
    ...init,
    fields: fields(),
  };
  // anything else a migration reads on a collection (auth options, OAuth2, …) is a stand-in
  return new Proxy(made, {
    get: (target, key) => (key in target ? target[key as string] : anything()),
  });
}

/** The final rules of every collection after all migrations, by collection name. */
export function replayMigrationRules(dir = join(REPO_ROOT, "pb_migrations")): Map<string, Rules> {
  const byName = new Map<string, FakeCollection>();
  const users = collection({ id: "_pb_users_auth_", name: "users", createRule: "" });
  const superusers = collection({ id: "pbc_3142635823", name: "_superusers" });
  for (const c of [users, superusers]) byName.set(c.name, c);
  let made = 0;
  const find = (nameOrId: string): FakeCollection => {
    for (const c of byName.values()) if (c.name === nameOrId || c.id === nameOrId) return c;
    throw new Error(`no collection ${nameOrId}`);
  };
  const app = {
    findCollectionByNameOrId: find,
    findCachedCollectionByNameOrId: find,
    save: (model: unknown) => {
      const c = model as FakeCollection;
      if (!byName.has(c.name) && [...byName.values()].includes(c)) {
        // renamed: re-key it
        for (const [key, value] of byName) if (value === c) byName.delete(key);
      }
      if (typeof c.name === "string" && c.name !== "" && "listRule" in c) {
        if (c.id === "") c.id = `pbc_fake_${++made}`;
        byName.set(c.name, c);
      }
    },
    saveNoValidate: () => undefined,
    delete: (model: unknown) => {
      const c = model as FakeCollection;
      if (byName.get(c.name) === c) byName.delete(c.name);
    },
    findAllRecords: () => [],
    findRecordById: () => {
      throw new Error("no records in the replay");
    },
    findFirstRecordByFilter: () => {
      throw new Error("no records in the replay");
    },
    db: () => anything(),
    settings: () => anything(),
  };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .sort();
  for (const file of files) {
    const ups: ((app: unknown) => void)[] = [];
    runInNewContext(readFileSync(join(dir, file), "utf8"), {
      migrate: (up: (app: unknown) => void) => ups.push(up),
      Collection: function (this: unknown, init: Record<string, unknown>) {
        return collection(init);
      },
      Field: function (this: unknown, init: unknown) {
        return init;
      },
      TextField: function (this: unknown, init: unknown) {
        return init;
      },
      NumberField: function (this: unknown, init: unknown) {
        return init;
      },
      Record: function () {
        return anything();
      },
      DynamicModel: function () {
        return anything();
      },
      arrayOf: () => [],
      $security: anything(),
      $os: anything(),
      $dbx: anything(),
      console,
      // settings are stand-ins: their JSON round-trip (a deep copy) yields a stand-in again
      JSON: {
        stringify: JSON.stringify,
        parse: (text: unknown) =>
          typeof text === "string" ? (JSON.parse(text) as unknown) : anything(),
      },
    });
    for (const up of ups) up(app);
  }
  const rules = new Map<string, Rules>();
  for (const [name, c] of byName) {
    rules.set(name, {
      listRule: c.listRule,
      viewRule: c.viewRule,
      createRule: c.createRule,
      updateRule: c.updateRule,
      deleteRule: c.deleteRule,
    });
  }
  return rules;
}

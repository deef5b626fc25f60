// CSV exports (`\copy … with (format csv, header)` or the dashboard's "Download CSV"): one file of
// the KV table (columns key,value; extra columns ignored) and optionally one of auth.users.
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import {
  authUserFromColumns,
  parseJsonText,
  type AuthUser,
  type KvRow,
  type Source,
} from "./types.ts";

export function csvSource(kvPath: string, usersPath?: string): Source {
  return {
    describe: `CSV ${kvPath}${usersPath ? ` + ${usersPath}` : ""}`,
    kv: () => csvKv(kvPath),
    authUsers: async () => {
      if (!usersPath) return [];
      const users: AuthUser[] = [];
      for await (const record of csvRecords(usersPath)) {
        const user = authUserFromColumns((c) => (record[c] === "" ? null : record[c]));
        if (user) users.push(user);
      }
      return users;
    },
    close: () => Promise.resolve(),
  };
}

async function* csvKv(path: string): AsyncIterable<KvRow> {
  for await (const record of csvRecords(path)) {
    const key = record["key"];
    if (key === undefined) throw new Error(`${path} has no "key" column.`);
    yield { key, value: parseJsonText(record["value"] ?? "null", key) };
  }
}

function csvRecords(path: string): AsyncIterable<Record<string, string>> {
  return createReadStream(path).pipe(
    parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }),
  ) as AsyncIterable<Record<string, string>>;
}

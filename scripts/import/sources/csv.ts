// CSV exports (`\copy … with (format csv, header)` or the dashboard's "Download CSV"): one file of
// the KV table (columns key,value; extra columns ignored) and optionally one of auth.users.
// A CSV has no terminator or trailer, so a file cut on a row boundary looks complete: the run
// checks the number of rows against --expect-rows (Source.uncounted). A record whose column count
// differs from the header, an unclosed quote, a row without key or value are problems naming the
// line.
import { createReadStream } from "node:fs";
import { parse, type CsvError } from "csv-parse";
import {
  authUserFromColumns,
  IncompleteSourceError,
  parseJsonText,
  STRICT,
  type AuthUser,
  type KvRow,
  type Source,
  type SourceChecks,
} from "./types.ts";

export function csvSource(kvPath: string, usersPath?: string, checks = STRICT): Source {
  return {
    describe: `CSV ${kvPath}${usersPath ? ` + ${usersPath}` : ""}`,
    uncounted: true,
    kv: () => csvKv(kvPath, checks),
    authUsers: async () => {
      if (!usersPath) return [];
      const users: AuthUser[] = [];
      for await (const { record } of csvRecords(usersPath, checks)) {
        const user = authUserFromColumns((c) => (record[c] === "" ? null : record[c]));
        if (user) users.push(user);
      }
      return users;
    },
    close: () => Promise.resolve(),
  };
}

async function* csvKv(path: string, checks: SourceChecks): AsyncIterable<KvRow> {
  for await (const { record, line } of csvRecords(path, checks)) {
    const key = record["key"];
    const value = record["value"];
    if (key === undefined || value === undefined) {
      throw new Error(`${path} has no "key" and "value" columns in its header line.`);
    }
    const where = `${path}:${line}`;
    if (key === "" || value === "") {
      checks.problem(`${where}: a KV row without ${key === "" ? "key" : "value"}.`);
      continue;
    }
    const parsed = parseJsonText(value, key, where, checks);
    if (parsed.ok) yield { key, value: parsed.value };
  }
}

async function* csvRecords(
  path: string,
  checks: SourceChecks,
): AsyncIterable<{ record: Record<string, string>; line: number }> {
  const parser = createReadStream(path).pipe(
    parse({
      columns: true,
      bom: true,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined) => {
        if (err) checks.problem(`${path}:${err.lines}: ${err.message}.`);
      },
    }),
  ) as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    for await (const { record, info } of parser) yield { record, line: info.lines };
  } catch (err) {
    if (err instanceof IncompleteSourceError) throw err;
    // what cannot be skipped (a quote still open at the end of the file) ends the file here
    const e = err as CsvError;
    checks.problem(`${path}:${e.lines ?? "?"}: ${e.message}: the rest of the file is unreadable.`);
  }
}

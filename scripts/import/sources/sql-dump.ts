// Plain SQL dumps from pg_dump / `supabase db dump`: COPY blocks and (multi-row) INSERT
// statements, streamed line by line. psql meta-lines (\restrict, \unrestrict), SET/SELECT
// preambles and comments are skipped. Custom-format dumps are refused with the pg_restore command.
// A dump is complete only when it ends the way pg_dump ends one: every COPY block closed by its
// `\.` line, every INSERT by its `;`, and the completion trailer comment present; a row with the
// wrong number of fields is malformed. Each is a SourceChecks problem naming the line.
import { createReadStream, openSync, readSync, closeSync } from "node:fs";
import { createInterface } from "node:readline";
import {
  authUserFromColumns,
  KV_TABLE,
  parseJsonText,
  preview,
  STRICT,
  type AuthUser,
  type SourceChecks,
  type KvRow,
  type Source,
} from "./types.ts";

export interface DumpRow {
  schema: string;
  table: string;
  columns: string[];
  values: (string | null)[];
  /** 1-based line where the row starts. */
  line: number;
}

/** pg_dump's last comment, written only after every table's data went out. */
export const DUMP_TRAILER = "-- PostgreSQL database dump complete";

export function refuseCustomFormat(path: string): void {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(5);
  readSync(fd, head, 0, 5, 0);
  closeSync(fd);
  if (head.toString("latin1") === "PGDMP") {
    throw new Error(
      `${path} is a custom-format pg_dump archive. Convert it to plain SQL first:\n` +
        `  pg_restore --data-only --no-owner -f ${path}.sql ${path}\n` +
        `then run the import with --from ${path}.sql`,
    );
  }
}

export function sqlDumpSource(path: string, table?: string, checks: SourceChecks = STRICT): Source {
  refuseCustomFormat(path);
  return {
    describe: `SQL dump ${path}`,
    kv: () => dumpKv(path, table, checks),
    authUsers: async () => {
      const users: AuthUser[] = [];
      for await (const row of dumpRows(path, checks)) {
        if (row.schema === "auth" && row.table === "users") {
          const user = authUserFromColumns((c) => row.values[row.columns.indexOf(c)] ?? null);
          if (user) users.push(user);
        }
      }
      return users;
    },
    close: () => Promise.resolve(),
  };
}

async function* dumpKv(
  path: string,
  wanted: string | undefined,
  checks: SourceChecks,
): AsyncIterable<KvRow> {
  let chosen: string | undefined;
  for await (const row of dumpRows(path, checks)) {
    const name = row.table;
    const isKv = wanted
      ? name === wanted || `${row.schema}.${name}` === wanted
      : KV_TABLE.test(name);
    if (!isKv) continue;
    if (chosen !== undefined && chosen !== name) {
      throw new Error(
        `Several KV tables in the dump (${chosen}, ${name}); choose one with --table.`,
      );
    }
    chosen = name;
    const key = row.values[row.columns.indexOf("key")];
    const value = row.values[row.columns.indexOf("value")];
    const where = `${path}:${row.line}`;
    if (key === null || key === undefined || value === null || value === undefined) {
      // both columns are NOT NULL in the KV table: this row was not written by pg_dump
      checks.problem(`${where}: a KV row without ${key == null ? "key" : "value"}.`);
      continue;
    }
    const parsed = parseJsonText(value, key, where, checks);
    if (parsed.ok) yield { key, value: parsed.value };
  }
  if (chosen === undefined) {
    throw new Error(
      wanted ? `Table ${wanted} is not in the dump.` : "No kv_store_<8 hex> table in the dump.",
    );
  }
}

const COPY_START = /^COPY\s+(.+?)\s*\((.*)\)\s+FROM\s+stdin;\s*$/i;
const INSERT_START = /^INSERT\s+INTO\s+(.+?)\s*\((.*?)\)\s*VALUES\s*(.*)$/i;

export async function* dumpRows(
  path: string,
  checks: SourceChecks = STRICT,
): AsyncIterable<DumpRow> {
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let copy: { schema: string; table: string; columns: string[]; start: number } | undefined;
  let insert:
    | { schema: string; table: string; columns: string[]; parser: TupleParser; start: number }
    | undefined;
  let lineNo = 0;
  let trailer = false;
  const wrongWidth = (
    block: { schema: string; table: string; columns: string[]; start: number },
    n: number,
    text: string,
  ) =>
    checks.problem(
      `${path}:${lineNo}: a row of ${block.schema}.${block.table} (statement at line ${block.start}) ` +
        `has ${n} fields, the column list ${block.columns.length}: ${preview(text)}.`,
    );
  for await (const line of lines) {
    lineNo++;
    if (copy) {
      if (line === "\\.") {
        copy = undefined;
        continue;
      }
      const fields = line.split("\t");
      if (fields.length !== copy.columns.length) {
        wrongWidth(copy, fields.length, line);
        continue;
      }
      yield { ...tableOf(copy), values: fields.map(unescapeCopy), line: lineNo };
      continue;
    }
    if (insert) {
      yield* insertRows(insert, insert.parser.feed(line + "\n"));
      if (insert.parser.done) insert = undefined;
      continue;
    }
    if (line.startsWith(DUMP_TRAILER)) {
      trailer = true;
      continue;
    }
    const copyMatch = COPY_START.exec(line);
    if (copyMatch) {
      const name = tableName(copyMatch[1] ?? "");
      copy = { ...name, columns: identList(copyMatch[2] ?? ""), start: lineNo };
      continue;
    }
    const insertMatch = INSERT_START.exec(line);
    if (insertMatch) {
      const parser = new TupleParser();
      insert = {
        ...tableName(insertMatch[1] ?? ""),
        columns: identList(insertMatch[2] ?? ""),
        parser,
        start: lineNo,
      };
      yield* insertRows(insert, parser.feed((insertMatch[3] ?? "") + "\n"));
      if (parser.done) insert = undefined;
    }
    // everything else (SET, SELECT pg_catalog.set_config, \restrict, comments, DDL) is skipped
  }
  if (copy) {
    checks.problem(
      `${path}:${lineNo}: the file ends inside the COPY block of ${copy.schema}.${copy.table} ` +
        `started at line ${copy.start}, without its "\\." line: the dump is truncated.`,
    );
  } else if (insert) {
    checks.problem(
      `${path}:${lineNo}: the file ends inside the INSERT into ${insert.schema}.${insert.table} ` +
        `started at line ${insert.start}: the dump is truncated.`,
    );
  }
  if (!trailer) {
    checks.problem(
      `${path}:${lineNo}: no "${DUMP_TRAILER}" line: the dump is truncated or was not ` +
        "written by pg_dump to the end (pg_dump writes it after the last table's data).",
    );
  }

  function* insertRows(
    block: { schema: string; table: string; columns: string[]; start: number },
    tuples: (string | null)[][],
  ): Generator<DumpRow> {
    for (const values of tuples) {
      if (values.length !== block.columns.length)
        wrongWidth(block, values.length, values.join(","));
      else yield { ...tableOf(block), values, line: lineNo };
    }
  }
}

function tableOf(block: { schema: string; table: string; columns: string[] }) {
  return { schema: block.schema, table: block.table, columns: block.columns };
}

function tableName(text: string): { schema: string; table: string } {
  const parts = identList(text.replace(/\./g, ","));
  return parts.length >= 2
    ? { schema: parts[parts.length - 2] ?? "", table: parts[parts.length - 1] ?? "" }
    : { schema: "public", table: parts[0] ?? "" };
}

function identList(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m[0] !== "") {
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ""));
  }
  return out;
}

function unescapeCopy(field: string): string | null {
  if (field === "\\N") return null;
  if (!field.includes("\\")) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, esc: string) => {
    switch (esc[0]) {
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "v":
        return "\v";
      case "x":
        return String.fromCharCode(parseInt(esc.slice(1), 16));
      default:
        return /^[0-7]/.test(esc) ? String.fromCharCode(parseInt(esc, 8)) : esc;
    }
  });
}

/**
 * Streams the tuples of `VALUES (…), (…);`: string literals ('' escapes; E'' with backslash
 * escapes), NULL, numbers, booleans, optional `::type` casts. Literals may span lines.
 */
export class TupleParser {
  done = false;
  private depth = 0;
  private values: (string | null)[] = [];
  private token = "";
  private quoted = false;
  private inString = false;
  private escapes = false;
  private pendingQuote = false;
  private inCast = false;

  feed(text: string): (string | null)[][] {
    const out: (string | null)[][] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charAt(i);
      if (this.inString) {
        if (this.pendingQuote) {
          this.pendingQuote = false;
          if (ch === "'") {
            this.token += "'";
            continue;
          }
          this.inString = false; // fall through: ch follows the closing quote
        } else if (this.escapes && ch === "\\") {
          const next = text[++i] ?? "";
          this.token += next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : next;
          continue;
        } else if (ch === "'") {
          this.pendingQuote = true;
          continue;
        } else {
          this.token += ch;
          continue;
        }
      }
      if (this.depth === 0) {
        if (ch === "(") {
          this.depth = 1;
          this.values = [];
          this.resetToken();
        } else if (ch === ";") {
          this.done = true;
          return out;
        }
        continue;
      }
      if (ch === "'") {
        this.inString = true;
        this.quoted = true;
        this.escapes = this.token.toUpperCase() === "E";
        this.token = "";
      } else if (ch === ":" && text[i + 1] === ":") {
        this.inCast = true;
        i++;
      } else if (ch === "(" && this.inCast) {
        this.depth++; // varchar(255) and the like
      } else if (ch === ")" && this.depth > 1) {
        this.depth--;
      } else if (ch === "," || ch === ")") {
        this.values.push(this.tokenValue());
        this.resetToken();
        if (ch === ")") {
          this.depth = 0;
          out.push(this.values);
        }
      } else if (!this.inCast && !/\s/.test(ch)) {
        this.token += ch;
      }
    }
    return out;
  }

  private tokenValue(): string | null {
    if (this.quoted) return this.token;
    return this.token.toUpperCase() === "NULL" ? null : this.token;
  }

  private resetToken(): void {
    this.token = "";
    this.quoted = false;
    this.inCast = false;
    this.escapes = false;
  }
}

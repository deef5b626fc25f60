// Pure SQL text work for the import's bulk-load mode (jsvm/import-bulk.ts): reading the index
// definitions PocketBase keeps in a collection's `indexes`, and the search rule out of the
// message search trigger, so neither is written down a second time here.

export interface IndexDefinition {
  name: string;
  unique: boolean;
  table: string;
  /** Indexed expressions as written (collations kept, ASC/DESC dropped). */
  columns: string[];
  /** The partial index condition, or "" for a full index. */
  where: string;
}

const HEAD =
  /^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?(\w+)[`"\]]?\s+ON\s+[`"[]?(\w+)[`"\]]?\s*\(/i;

/** Parses PocketBase's index SQL (`CREATE [UNIQUE] INDEX name ON table (cols) [WHERE …]`). */
export function parseIndex(sql: string): IndexDefinition | null {
  const head = HEAD.exec(sql);
  if (!head) return null;
  // the column list ends at the parenthesis that closes the one HEAD ended with
  let depth = 1;
  let end = head[0].length;
  for (; end < sql.length && depth > 0; end++) {
    if (sql[end] === "(") depth++;
    else if (sql[end] === ")") depth--;
  }
  if (depth !== 0) return null;
  const rest = sql.slice(end).trim();
  const where = /^WHERE\s+([\s\S]+)$/i.exec(rest);
  if (rest !== "" && !where) return null;
  return {
    name: head[2] ?? "",
    unique: Boolean(head[1]),
    table: head[3] ?? "",
    columns: splitTopLevel(sql.slice(head[0].length, end - 1)).map((c) =>
      c.replace(/\s+(ASC|DESC)$/i, ""),
    ),
    where: where?.[1]?.trim() ?? "",
  };
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of list) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

/**
 * Rows that keep a unique index from being built: every row after the first (by rowid, i.e. the
 * one written first) with the same key. Answers `id` and `kept` (the id of that first row).
 */
export function duplicatesQuery(index: IndexDefinition): string {
  const where = index.where === "" ? "" : `WHERE ${index.where} `;
  return (
    "SELECT id, kept FROM (SELECT id, first_value(id) OVER w AS kept, row_number() OVER w AS n " +
    `FROM \`${index.table}\` ${where}WINDOW w AS (PARTITION BY ${index.columns.join(", ")} ` +
    "ORDER BY rowid)) WHERE n > 1"
  );
}

/**
 * The "this message belongs in the search index" condition of the insert trigger
 * (`… AFTER INSERT ON messages WHEN <condition> BEGIN …`, pb_migrations/*_message_search*.js),
 * rewritten for a table alias instead of `new`. Null when the trigger does not have that shape.
 */
export function insertTriggerCondition(triggerSql: string, alias: string): string | null {
  const when = /\bAFTER\s+INSERT\s+ON\s+[`"]?\w+[`"]?\s+WHEN\s+([\s\S]+?)\s+BEGIN\b/i.exec(
    triggerSql,
  );
  return when?.[1] ? when[1].replace(/\bnew\./g, `${alias}.`) : null;
}

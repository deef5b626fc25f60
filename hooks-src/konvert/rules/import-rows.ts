// The import's write statement, as pure SQL text: the JSVM route (jsvm/import.ts) binds the batch
// as a parameter, the import tool's direct data-dir writer (scripts/import/direct.ts) pipes the
// same statement with the batch as a string literal into the sqlite3 CLI. One builder, so both
// paths store exactly the same values.

/**
 * INSERT … SELECT over json_each: element i of each row array goes to column i. JSON objects and
 * arrays become their JSON text (how PocketBase stores json fields), null becomes "" (PocketBase
 * columns are NOT NULL), booleans 1/0. `rows` is the SQL expression of the batch's JSON text
 * (`{:rows}` for a bound parameter, or `sqlString(json)`).
 */
export function upsertStatement(
  table: string,
  columns: string[],
  conflict: string[],
  insertOnly: string[],
  rows: string,
): string {
  const values = columns.map((_, i) => `coalesce(value ->> ${i}, '')`);
  const updates = columns
    .filter((c) => !conflict.includes(c) && !insertOnly.includes(c))
    .map((c) => `\`${c}\` = excluded.\`${c}\``);
  const target = conflict.map((c) => `\`${c}\``).join(",");
  const onConflict =
    updates.length > 0
      ? `ON CONFLICT (${target}) DO UPDATE SET ${updates.join(", ")}`
      : `ON CONFLICT (${target}) DO NOTHING`;
  // "WHERE true" resolves SQLite's parsing ambiguity between a join's ON and the upsert's ON
  return (
    `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(",")}) ` +
    `SELECT ${values.join(", ")} FROM json_each(${rows}) WHERE true ${onConflict}`
  );
}

/** A SQL string literal: SQLite needs only the single quote doubled. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

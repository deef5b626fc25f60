// Batched lookups for the legacy shapes: one query per kind of fact, whatever the batch size.
import { sqlRows } from "../jsvm/sql-scalar.ts";

/** `{:p0}, {:p1}, …` and their bindings, for `IN (…)` over a list of ids. */
function inList(ids: string[]): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const names = ids.map((id, i) => {
    params[`p${i}`] = id;
    return `{:p${i}}`;
  });
  return { sql: names.join(", "), params };
}

/** Runs `sql` with its `(:ids)` placeholder bound to `ids`; rows shaped like `zero`. */
export function rowsFor<T extends Record<string, string | number | boolean>>(
  app: CoreApp,
  zero: T,
  sql: string,
  ids: string[],
): T[] {
  if (ids.length === 0) return [];
  const list = inList(ids);
  return sqlRows(app, zero, sql.replace("(:ids)", `(${list.sql})`), list.params);
}

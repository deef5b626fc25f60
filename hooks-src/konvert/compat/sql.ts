// Batched lookups for the legacy shapes: one query per kind of fact, whatever the batch size.
import { sqlRows } from "../jsvm/sql-scalar.ts";

/**
 * Runs `sql` with its `(:ids)` placeholder standing for the list `ids` (one JSON parameter, so
 * the statement's text does not change with the list's length); rows shaped like `zero`.
 */
export function rowsFor<T extends Record<string, string | number | boolean>>(
  app: CoreApp,
  zero: T,
  sql: string,
  ids: string[],
): T[] {
  if (ids.length === 0) return [];
  return sqlRows(app, zero, sql.replace("(:ids)", "(SELECT value FROM json_each({:ids}))"), {
    ids: JSON.stringify(ids),
  });
}

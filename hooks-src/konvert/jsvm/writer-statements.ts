// Writes through statements prepared once for the whole process, on PocketBase's single writer
// connection. PocketBase prepares every statement anew, and preparing an INSERT into `messages`
// compiles every trigger on the table with it (sequence, preview, search index, room-list
// counters): that compilation cost more than running the statement, and it ran while the send
// held the writer. A `database/sql` statement prepared on the writer pool is kept on its one
// connection, and `Tx.Stmt` reuses it inside a transaction on that connection.
//
// The transaction here is database/sql's own, not PocketBase's `runInTransaction`: nothing inside
// it may go through the app (a record save, `app.db()` on the writer) or it would wait for the
// connection this transaction holds. Only the statements given to `write` run in it.

import { sharedStatement } from "./sql-scalar.ts";

/** What a writer transaction can run: a kept statement with its positional (`?1`…) arguments. */
export type WriterExec = (sql: string, ...args: unknown[]) => sql.Result;

const STORE_KEY = "konvert.writer-statement.";

function writerPool(app: CoreApp): sql.DB {
  return (app.nonconcurrentDB() as unknown as dbx.DB).db();
}

/** The process-wide statement for `text` on the writer (one per SQL text, shared by every VM). */
function statement(app: CoreApp, text: string): sql.Stmt {
  return sharedStatement(app, () => writerPool(app), STORE_KEY + text, text);
}

/**
 * Runs `write` in a transaction on the writer connection; it commits when `write` returns true
 * and rolls back when it returns false (the caller then takes its general path) or throws.
 * `write` may run only the statements named in `texts`: they are prepared before the
 * transaction begins (preparing one on the pool inside it would wait for the connection the
 * transaction holds). `app` must not be inside a PocketBase transaction either.
 */
export function inWriterTransaction(
  app: CoreApp,
  texts: readonly string[],
  write: (exec: WriterExec) => boolean,
): boolean {
  for (const text of texts) statement(app, text);
  const tx = writerPool(app).begin();
  let done = false;
  try {
    const exec: WriterExec = (text, ...args) => {
      if (!texts.includes(text)) throw new Error(`Not prepared for this transaction: ${text}`);
      return tx.stmt(statement(app, text)).exec(...args);
    };
    if (!write(exec)) return false;
    tx.commit();
    done = true;
    return true;
  } finally {
    if (!done) {
      try {
        tx.rollback();
      } catch {
        // already ended (a failed commit ends the transaction)
      }
    }
  }
}

// Users the import could not give a usable password (an empty, OAuth-only or non-bcrypt hash):
// they can only get back in through a password reset, which `npm run reset-passwords` sends.
import { sqlRows } from "./sql-scalar.ts";

/**
 * PocketBase stores bcrypt hashes (`$2a$`, `$2b$`, `$2y$`); anything else can never match a
 * password. The condition lives here once: the superuser list and the sign-in hint share it.
 */
const UNUSABLE = "(password = '' OR password NOT LIKE '$2_$%')";

/** True when the user can never sign in with a password until it is reset. */
export function needsPasswordReset(app: CoreApp, userId: string): boolean {
  return (
    sqlRows(app, { id: "" }, `SELECT id FROM users WHERE id = {:id} AND ${UNUSABLE}`, {
      id: userId,
    }).length > 0
  );
}

/** GET /api/konvert/admin/users-without-password (superusers): who needs a reset e-mail. */
export function list(e: core.RequestEvent): void {
  const users = sqlRows(
    e.app,
    { id: "", email: "", username: "" },
    `SELECT id, email, username FROM users WHERE deletedAt = '' AND email != '' AND ${UNUSABLE} ` +
      "ORDER BY created, id",
  );
  e.json(200, { users });
}

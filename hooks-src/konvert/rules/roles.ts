// Global roles. An empty or unknown stored role counts as "user" so that records created
// outside signup (dashboard, import) never gain rights by accident.

export const ROLES = ["admin", "moderator", "vip", "user"] as const;
export type Role = (typeof ROLES)[number];

export function asRole(value: unknown): Role {
  return (ROLES as readonly unknown[]).includes(value) ? (value as Role) : "user";
}

/** The first account ever created administers the instance. */
export function roleForNewAccount(existingAccounts: number): Role {
  return existingAccounts === 0 ? "admin" : "user";
}

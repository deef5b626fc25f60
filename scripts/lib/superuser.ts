// The local superuser: from PB_ADMIN_EMAIL / PB_ADMIN_PASSWORD, else generated once and kept in a
// git-ignored .env (owner-readable only) so restarts reuse it.
import { randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { REPO_ROOT } from "./repo.ts";

export const ENV_FILE = join(REPO_ROOT, ".env");

export interface Superuser {
  email: string;
  password: string;
  /** true when this call generated the credentials. */
  generated: boolean;
}

export function superuserCredentials(
  env: NodeJS.ProcessEnv = process.env,
  envFile: string = ENV_FILE,
): Superuser {
  const saved = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  const email = env["PB_ADMIN_EMAIL"] ?? saved["PB_ADMIN_EMAIL"];
  const password = env["PB_ADMIN_PASSWORD"] ?? saved["PB_ADMIN_PASSWORD"];
  if (email && password) return { email, password, generated: false };

  const fresh = {
    email: email ?? "admin@konvert.local",
    password: password ?? randomBytes(18).toString("base64url"),
  };
  appendFileSync(envFile, `PB_ADMIN_EMAIL=${fresh.email}\nPB_ADMIN_PASSWORD=${fresh.password}\n`, {
    mode: 0o600,
  });
  chmodSync(envFile, 0o600);
  return { ...fresh, generated: true };
}

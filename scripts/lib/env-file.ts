// The deployment's `.env`: secrets and settings in one owner-readable file. Keys are only ever
// added, never rewritten, so re-running setup cannot replace a secret the instance depends on
// (a new PB_ENCRYPTION_KEY would make the stored settings unreadable).
import { appendFileSync, chmodSync, existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const parsed = parseEnv(readFileSync(path, "utf8"));
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export interface EnvEntry {
  key: string;
  /** Called only when the key is missing from the file. */
  value: () => string;
  /** A comment written above the key the first time. */
  comment?: string;
}

/** Appends the missing entries (mode 0600) and returns the file's keys plus the ones added. */
export function ensureEnvFile(
  path: string,
  entries: EnvEntry[],
): { values: Record<string, string>; added: string[] } {
  const values = readEnvFile(path);
  const added: string[] = [];
  let text = "";
  for (const entry of entries) {
    if (entry.key in values) continue;
    const value = entry.value();
    if (/[\r\n"]/.test(value)) throw new Error(`${entry.key}: line breaks and " are not allowed`);
    values[entry.key] = value;
    added.push(entry.key);
    if (entry.comment) text += `# ${entry.comment}\n`;
    text += `${entry.key}=${quoteIfNeeded(value)}\n`;
  }
  if (text) appendFileSync(path, text, { mode: 0o600 });
  if (existsSync(path)) chmodSync(path, 0o600);
  return { values, added };
}

/** Loads keys of `path` into `env` that `env` does not set already (the environment wins). */
export function loadEnvFile(path: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, value] of Object.entries(readEnvFile(path))) {
    env[key] ??= value;
  }
}

function quoteIfNeeded(value: string): string {
  return /^[\w@%+=:,./*-]*$/.test(value) ? value : `"${value}"`;
}

// Value conversions shared by every phase: deterministic ids, PocketBase dates, decoded values.
import { hash } from "node:crypto";

/**
 * The PocketBase id of an imported record: derived from its source key, so every run (and every
 * resumed run) writes the same row again instead of a duplicate, and relations can be computed
 * without asking the target.
 */
export function pbId(sourceKey: string): string {
  // one call per imported row: the one-shot hash into a "binary" string (char code = byte; a
  // Buffer per call cost twice as much), and the 15 characters made in one call (a flat
  // string; appending them one by one leaves a chain of string pieces per id that the maps of
  // ids keep alive); the id is the same (byte i of the digest mod 36, in base 36)
  const d = hash("sha256", sourceKey, "binary");
  const c = DIGIT_CODE;
  return String.fromCharCode(
    c[d.charCodeAt(0)] ?? 0,
    c[d.charCodeAt(1)] ?? 0,
    c[d.charCodeAt(2)] ?? 0,
    c[d.charCodeAt(3)] ?? 0,
    c[d.charCodeAt(4)] ?? 0,
    c[d.charCodeAt(5)] ?? 0,
    c[d.charCodeAt(6)] ?? 0,
    c[d.charCodeAt(7)] ?? 0,
    c[d.charCodeAt(8)] ?? 0,
    c[d.charCodeAt(9)] ?? 0,
    c[d.charCodeAt(10)] ?? 0,
    c[d.charCodeAt(11)] ?? 0,
    c[d.charCodeAt(12)] ?? 0,
    c[d.charCodeAt(13)] ?? 0,
    c[d.charCodeAt(14)] ?? 0,
  );
}

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
/** Char code of the base-36 digit of each byte value (byte % 36). */
const DIGIT_CODE = Uint8Array.from({ length: 256 }, (_, b) => BASE36.charCodeAt(b % 36));

/** The id of the single jail room, created by the migrations. */
export const JAIL_ROOM_ID = "jailroom0000000";

/** "2025-11-01T10:00:00Z" -> "2025-11-01 10:00:00.000Z" (PocketBase's storage format); bad -> "". */
export function pbDate(value: unknown): string {
  const ms = toMs(value);
  return ms === undefined ? "" : formatMs(Math.floor(ms));
}

const DAY_MS = 86_400_000;
/** "YYYY-MM-DD " per day number: the import formats a date or two for every row it writes. */
const dayPrefixes = new Map<number, string>();

/**
 * What `new Date(ms).toISOString().replace("T", " ")` returns, for 0 <= ms < year 10000 (toMs's
 * range), at a seventh of the cost: the date part comes from toISOString once per day.
 */
function formatMs(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= 10_000) dayPrefixes.clear(); // bounded for any spread of dates
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 10) + " ";
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${prefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${String(millis).padStart(3, "0")}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function toMs(value: unknown): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  if (value === "") return undefined;
  const ms = typeof value === "number" ? value : Date.parse(isoText(value));
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799999) return undefined;
  return ms;
}

const PG_TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Postgres prints "2025-11-01 10:00:00.123456+00"; JavaScript wants ISO 8601 with milliseconds. */
function isoText(text: string): string {
  const m = PG_TIMESTAMP.exec(text.trim());
  if (!m) return text;
  const fraction = (m[3] ?? ".000").slice(0, 4).padEnd(4, "0");
  let zone = m[4] ?? "Z";
  if (zone !== "Z")
    zone = zone.length === 3 ? `${zone}:00` : zone.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  return `${m[1]}T${m[2]}${fraction}${zone}`;
}

/** Far-future expiry for permanent bans and undated mutes ("until" fields compare against now). */
export const FOREVER = "9999-12-31 23:59:59.999Z";

/**
 * Values written as JSON strings holding JSON (`kv.set(k, JSON.stringify(obj))`) are decoded;
 * anything else is returned as is.
 */
export function decodeValue(value: unknown): { value: unknown; decoded: boolean } {
  if (typeof value === "string") {
    const t = value.trim();
    if ((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"))) {
      try {
        return { value: JSON.parse(t) as unknown, decoded: true };
      } catch {
        // a plain string that merely looks like JSON
      }
    }
  }
  return { value, decoded: false };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown, max = Infinity): string {
  if (typeof value !== "string") return "";
  return value.length > max ? value.slice(0, max) : value;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** "a:b" with the two ids sorted, as rooms.dmKey and friend_requests.pairKey expect. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

// The texts of Konvert's own rate limits (jsvm/rate-limit.ts). Pure, for the hooks and tests.

export interface Budget {
  limit: number;
  windowMs: number;
}

function wait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

/** A sender over their budget: how many messages per how long, and when to try again. */
export function sendLimitText(budget: Budget, waitMs: number): string {
  return (
    `Too many messages: at most ${budget.limit} every ${budget.windowMs / 1000} seconds. ` +
    `Try again in ${wait(waitMs)}.`
  );
}

/** A sign-in paused because of failed attempts, for the account or from the network. */
export function signInLimitText(scope: "account" | "ip", waitMs: number): string {
  const who = scope === "account" ? "for this account" : "from your network";
  return `Too many failed sign-in attempts ${who}. Try again in ${wait(waitMs)}.`;
}

/** An excluded-IPs entry (an IP, or an IPv4 subnet in CIDR form) against the client's IP. */
export function ipMatches(entry: string, ip: string): boolean {
  if (!entry.includes("/")) return entry === ip;
  const [net = "", bits = ""] = entry.split("/");
  const a = ipv4(net);
  const b = ipv4(ip);
  const n = Number(bits);
  if (a === null || b === null || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | null {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    return null;
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

// Presence from heartbeats: writes are coalesced, "online" is derived from the last write.

export const HEARTBEAT_COALESCE_MS = 60_000;
export const ONLINE_WINDOW_MS = 5 * 60_000;

/** A heartbeat writes only when the stored activity is at least a minute old (or unset). */
export function heartbeatShouldWrite(lastActiveMs: number | null, nowMs: number): boolean {
  return lastActiveMs === null || nowMs - lastActiveMs >= HEARTBEAT_COALESCE_MS;
}

export function isOnline(lastActiveMs: number | null, nowMs: number): boolean {
  return lastActiveMs !== null && nowMs - lastActiveMs < ONLINE_WINDOW_MS;
}

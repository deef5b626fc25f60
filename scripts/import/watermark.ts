// Read watermarks that reproduce the source's unread counters: the new backend counts items
// created after a member's watermark, the old one kept a number per user.

/**
 * The time (ms) after which exactly `unread` of `times` lie, when ties allow it: 0 unread -> the
 * newest item (or the last-read time if later); more than there are -> just before the oldest.
 */
export function watermark(
  times: readonly number[],
  unread: number,
  lastRead?: number,
): number | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  const n = Math.max(0, Math.floor(unread));
  if (sorted.length === 0) return lastRead;
  if (n === 0) return Math.max(sorted.at(-1) ?? 0, lastRead ?? -Infinity);
  if (n >= sorted.length) return (sorted[0] ?? 0) - 1;
  return sorted[sorted.length - n - 1] ?? 0;
}

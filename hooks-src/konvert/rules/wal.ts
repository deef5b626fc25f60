// How often SQLite checkpoints the write-ahead log. The checkpoint runs inside whichever commit
// makes the log cross the threshold, fsync included, and PocketBase has a single writer: on a
// slow disk every other write waits for it (measured here: 10–150 ms, several times a minute
// under chat load at SQLite's default of 1 000 pages). A larger threshold means far fewer such
// stalls, for a log of up to threshold × 4 KiB on disk between checkpoints.

/** Pages of log between automatic checkpoints unless the operator says otherwise. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * The threshold for `KONVERT_WAL_AUTOCHECKPOINT`: unset or malformed gives the default, "off"
 * leaves SQLite's own setting alone (null), a positive whole number is taken as is.
 */
export function walAutocheckpointPages(setting: string): number | null {
  const value = setting.trim();
  if (value === "off") return null;
  if (!/^\d+$/.test(value) || Number(value) <= 0) return WAL_AUTOCHECKPOINT_PAGES;
  return Number(value);
}

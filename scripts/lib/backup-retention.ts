// Which local backups to keep: the newest of each of the last N days that have a backup, and the
// newest of each of the last M weeks (ISO weeks, Monday first). Everything else is removed.
export const BACKUP_NAME = /^konvert-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.zip$/;

/** `konvert-YYYYMMDD-HHMMSS.zip` in UTC; PocketBase accepts only [a-z0-9_-] names. */
export function backupName(date: Date): string {
  const iso = date.toISOString(); // 2025-11-25T16:16:00.000Z
  return `konvert-${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}.zip`;
}

export function backupDate(name: string): Date | null {
  const m = BACKUP_NAME.exec(name);
  if (!m) return null;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = m.slice(1).map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Monday of the date's week (UTC) identifies the week. */
function weekKey(date: Date): string {
  const monday = new Date(date);
  monday.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return dayKey(monday);
}

/** Names (among `names`) to delete; names that are not Konvert backups are never touched. */
export function backupsToDelete(names: string[], keepDaily: number, keepWeekly: number): string[] {
  const dated = names
    .map((name) => ({ name, date: backupDate(name) }))
    .filter((b): b is { name: string; date: Date } => b.date !== null)
    .sort((a, b) => b.date.getTime() - a.date.getTime()); // newest first
  const keep = new Set<string>();
  if (dated[0]) keep.add(dated[0].name);
  for (const [key, limit] of [
    [dayKey, keepDaily],
    [weekKey, keepWeekly],
  ] as const) {
    const seen = new Set<string>();
    for (const backup of dated) {
      const k = key(backup.date);
      if (seen.has(k)) continue;
      if (seen.size >= limit) break;
      seen.add(k);
      keep.add(backup.name);
    }
  }
  return dated.filter((b) => !keep.has(b.name)).map((b) => b.name);
}

// The moderation log: who did what to whom, when, why and until when. Written in the same
// transaction as the action it records.

export interface ModerationEntry {
  actor: string;
  action: string;
  target?: string;
  room?: string;
  reason?: string;
  /** A PocketBase date string or DateTime for timed actions. */
  until?: string | DateTime;
  data?: Record<string, unknown>;
}

export function logModeration(app: CoreApp, entry: ModerationEntry): void {
  const record = new Record(app.findCachedCollectionByNameOrId("moderation_log"));
  record.load({
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? "",
    room: entry.room ?? "",
    reason: entry.reason ?? "",
    data: entry.data ?? null,
  });
  if (entry.until !== undefined) record.set("until", entry.until);
  app.save(record);
}

// A member's keys, read positions, hiding, room mute and `updated` are hidden in the schema
// (1764800100_hidden_owner_fields.js), so no one else can read, filter or sort by them; the owner
// of the row sees them in lists, views, expands and realtime.

export const MEMBERSHIP_OWNER_FIELDS: readonly string[] = [
  "encryptedKey",
  "keyVersion",
  "lastReadAt",
  "readSeq",
  "mentionsReadAt",
  "reactionsReadAt",
  "hidden",
  "mutedUntil",
  "updated",
];

export function onMembershipEnrich(e: core.RecordEnrichEvent): void {
  const viewer = e.requestInfo?.auth;
  const record = e.record!;
  if (viewer && viewer.collection().name === "users" && viewer.id === record.getString("user")) {
    record.unhide(...MEMBERSHIP_OWNER_FIELDS);
  }
  e.next();
}

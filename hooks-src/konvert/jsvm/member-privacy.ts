// Members see each other's membership rows (who is in the room, with which role) but not each
// other's wrapped keys or read positions. Runs for list, view and realtime alike.

const PRIVATE_FIELDS = [
  "encryptedKey",
  "lastReadAt",
  "readSeq",
  "mentionsReadAt",
  "reactionsReadAt",
  "hidden",
  "mutedUntil",
];

export function onMembershipEnrich(e: core.RecordEnrichEvent): void {
  const viewer = e.requestInfo?.auth;
  const record = e.record!;
  if (!viewer?.isSuperuser() && viewer?.id !== record.getString("user")) {
    record.hide(...PRIVATE_FIELDS);
  }
  e.next();
}

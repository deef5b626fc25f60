// Notifications: written inside the transaction of the action that causes them, capped at the
// newest 100 per recipient. Recipients read (and hear about) only their own, by API rule.
import { callerOf } from "./access.ts";
import { fail } from "../actions/errors.ts";
import { pathParam } from "./http.ts";

export const KEPT_PER_USER = 100;
const PAGE_MAX = 100;

export interface Notice {
  recipient: string;
  type: string;
  actor?: string;
  room?: string;
  message?: string;
  data?: Record<string, unknown>;
}

export function notify(app: CoreApp, notice: Notice): void {
  const row = new Record(app.findCachedCollectionByNameOrId("notifications"));
  row.load({
    recipient: notice.recipient,
    type: notice.type,
    actor: notice.actor ?? "",
    room: notice.room ?? "",
    message: notice.message ?? "",
    data: notice.data ?? null,
  });
  // Every id comes from a record the caller has just loaded or written: skipping validation
  // saves a look-up per relation on the send path. Hooks and realtime still run.
  app.saveNoValidate(row);
  prune(app, notice.recipient);
}

/**
 * Keeps the newest KEPT_PER_USER notifications of a recipient. Plain SQL: the row that falls
 * off the end is the oldest one, no client shows it, and a record delete per new notification
 * (PocketBase checks every relation pointing at the collection) cost more than the insert.
 */
function prune(app: CoreApp, recipient: string): void {
  app
    .db()
    .newQuery(pruneSql("{:recipient}", "{:kept}"))
    .bind({ recipient, kept: KEPT_PER_USER })
    .execute();
}

/** prune() as SQL; `recipient` and `kept` are SQL expressions (parameters). */
export function pruneSql(recipient: string, kept: string): string {
  // newest first, ties by insertion order: exactly the order of the (recipient, created)
  // index (its entries end with the rowid), so no sort per new notification
  return (
    "DELETE FROM notifications WHERE rowid IN (SELECT rowid FROM notifications " +
    `WHERE recipient=${recipient} ORDER BY created DESC, rowid DESC LIMIT -1 OFFSET ${kept})`
  );
}

/** Deletes unread notifications matching a filter (e.g. a reaction that was taken back). */
export function withdraw(app: CoreApp, filter: string, params: Record<string, unknown>): void {
  for (const row of app.findRecordsByFilter(
    "notifications",
    `readAt = '' && ${filter}`,
    "",
    0,
    0,
    params,
  )) {
    app.delete(row!);
  }
}

/** GET /api/konvert/notifications?page=1&perPage=30 — unread first, newest first. */
export function list(e: core.RequestEvent): void {
  const me = callerOf(e);
  const query = e.request!.url!.query();
  const perPage = Math.min(Math.max(Number.parseInt(query.get("perPage"), 10) || 30, 1), PAGE_MAX);
  const page = Math.max(Number.parseInt(query.get("page"), 10) || 1, 1);
  const rows = e.app.findRecordsByFilter(
    "notifications",
    "recipient = {:me}",
    "readAt,-created,-id",
    perPage,
    (page - 1) * perPage,
    { me: me.id },
  );
  const total = e.app.countRecords("notifications", $dbx.hashExp({ recipient: me.id }));
  const unread = e.app.countRecords(
    "notifications",
    $dbx.hashExp({ recipient: me.id, readAt: "" }),
  );
  $apis.enrichRecords(e, rows);
  e.json(200, { page, perPage, totalItems: total, unreadItems: unread, items: rows });
}

/** POST /api/konvert/notifications/read-all — saved one by one so open clients hear of it. */
export function markAllRead(e: core.RequestEvent): void {
  const me = callerOf(e);
  const now = new DateTime();
  e.app.runInTransaction((tx) => {
    for (const row of tx.findRecordsByFilter(
      "notifications",
      "recipient = {:me} && readAt = ''",
      "",
      0,
      0,
      {
        me: me.id,
      },
    )) {
      row!.set("readAt", now);
      tx.save(row!);
    }
  });
  e.noContent(204);
}

/** The delete-notification action: own notifications only (others look missing). */
export function deleteNotification(app: CoreApp, me: core.Record, id: string): void {
  let row: core.Record | null = null;
  try {
    row = app.findRecordById("notifications", id);
  } catch {
    // reported below
  }
  if (!row || row.getString("recipient") !== me.id) return fail("notification.not_found");
  app.delete(row);
}

/** DELETE /api/konvert/notifications/{id} */
export function remove(e: core.RequestEvent): void {
  deleteNotification(e.app, callerOf(e), pathParam(e, "id"));
  e.noContent(204);
}

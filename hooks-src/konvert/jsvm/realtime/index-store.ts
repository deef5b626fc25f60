// The realtime index: for each key of rules/realtime.ts `indexKey`, the connections events of
// that kind go to, kept in PocketBase's app store (shared by every JS VM of the process).
//
// A value is `[ids, clients]`: the connections' ids (to remove them by id) and the connection
// objects themselves (sending to an object skips a broker look-up per recipient). Values are
// replaced, never changed in place: readers do not hold the store's lock, so a reader keeps the
// snapshot it got while `setFunc` installs a copy.
import { INDEX_PREFIX } from "../../rules/realtime.ts";

type Entry = [string[], subscriptions.Client[]];

function entryOf(value: unknown): Entry | null {
  return (value as Entry | null | undefined) ?? null;
}

/** Adds a connection to the keys (once each). */
export function join(app: CoreApp, keys: readonly string[], client: subscriptions.Client): void {
  const id = client.id();
  for (const key of keys) {
    app.store().setFunc(key, (old: unknown) => {
      const entry = entryOf(old);
      const ids = entry ? Array.from(entry[0]) : [];
      if (ids.includes(id)) return old;
      const clients = entry ? Array.from(entry[1]) : [];
      ids.push(id);
      clients.push(client);
      return [ids, clients];
    });
  }
}

/** Removes the connections with these ids from the keys. */
export function leave(app: CoreApp, keys: readonly string[], clientIds: readonly string[]): void {
  if (clientIds.length === 0) return;
  const gone = new Set(clientIds);
  for (const key of keys) {
    if (!app.store().has(key)) continue;
    app.store().setFunc(key, (old: unknown) => {
      const entry = entryOf(old);
      if (!entry) return old;
      const ids: string[] = [];
      const clients: subscriptions.Client[] = [];
      const n = entry[0].length;
      for (let i = 0; i < n; i++) {
        if (gone.has(entry[0][i]!)) continue;
        ids.push(entry[0][i]!);
        clients.push(entry[1][i]!);
      }
      return ids.length === n ? old : [ids, clients];
    });
  }
}

/** The connections of a key (a snapshot). */
export function clientsOf(app: CoreApp, key: string): subscriptions.Client[] {
  const entry = entryOf(app.store().get(key));
  return entry ? entry[1] : [];
}

/** The connection ids of a key (a snapshot). */
export function idsOf(app: CoreApp, key: string): string[] {
  const entry = entryOf(app.store().get(key));
  return entry ? Array.from(entry[0]) : [];
}

/**
 * Sends one message to every connection of a key: one store read, then a call per recipient.
 * A closed connection ignores it (PocketBase's `send` checks), and the sweep drops it later, so
 * nothing here asks each connection anything first.
 */
export function sendTo(app: CoreApp, key: string, message: SubscriptionMessage): number {
  const entry = entryOf(app.store().get(key));
  if (!entry) return 0;
  const clients = entry[1];
  const n = clients.length;
  for (let i = 0; i < n; i++) clients[i]!.send(message);
  return n;
}

/** sendTo() skipping the connections whose ids are in `except` (the sender's own). */
export function sendToExcept(
  app: CoreApp,
  key: string,
  message: SubscriptionMessage,
  except: ReadonlySet<string>,
): number {
  const entry = entryOf(app.store().get(key));
  if (!entry) return 0;
  const [ids, clients] = entry;
  const n = clients.length;
  let sent = 0;
  for (let i = 0; i < n; i++) {
    if (except.has(ids[i]!)) continue;
    clients[i]!.send(message);
    sent++;
  }
  return sent;
}

/**
 * Drops closed connections from every index key. (An emptied key stays: removing it could race
 * with a connection joining it, and there is at most one per room and user.) PocketBase has no
 * disconnect hook a JS handler could use without holding a VM for each connection's lifetime,
 * so closed connections are found here (a cron) instead.
 */
export function sweep(app: CoreApp): number {
  const all = app.store().getAll() as Record<string, unknown>;
  let dropped = 0;
  for (const key in all) {
    if (!key.startsWith(INDEX_PREFIX)) continue;
    const entry = entryOf(all[key]);
    if (!entry) continue;
    const closed: string[] = [];
    const n = entry[0].length;
    for (let i = 0; i < n; i++) if (entry[1][i]!.isDiscarded()) closed.push(entry[0][i]!);
    if (closed.length > 0) leave(app, [key], closed);
    dropped += closed.length;
  }
  return dropped;
}

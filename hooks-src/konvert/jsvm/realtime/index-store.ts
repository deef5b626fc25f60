// The realtime index: for each key of rules/realtime.ts `indexKey`, the connections events of
// that kind go to, kept in PocketBase's app store (shared by every JS VM of the process).
//
// A key's connections are split into chunks of at most CHUNK: the key itself holds how many
// chunks it has had (they are numbered from 0 and never renumbered), and `${key}#${i}` holds
// chunk i as `[ids, clients, version]`: the connections' ids (to remove them by id), the
// connection objects themselves (sending to an object skips a broker look-up per recipient), and
// a tag that changes with every change of the chunk. Chunks are replaced, never changed in place:
// readers do not hold the store's lock, so a reader keeps the snapshot it got while `setFunc`
// installs a copy. Copying is what chunks bound: every element read from a store value is
// wrapped for JS anew, so with one array per key each join copied the whole key, and 3,000
// connections subscribing to one room cost 9 ms of CPU each (quadratic in the room).
import { INDEX_PREFIX } from "../../rules/realtime.ts";
import { clockAdjustable } from "../clock.ts";

type Entry = [string[], subscriptions.Client[], string];

/** Connections per chunk: what one join copies at most. */
const CHUNK = 256;
// module state: one per JS VM
let chunkSize = 0;

/**
 * CHUNK, or on a test server (KONVERT_TEST_CLOCK=1) KONVERT_TEST_REALTIME_CHUNK, so the
 * realtime tests cross chunk borders with a handful of connections.
 */
function perChunk(): number {
  if (chunkSize === 0) {
    const test = clockAdjustable() ? Number($os.getenv("KONVERT_TEST_REALTIME_CHUNK")) : 0;
    chunkSize = Number.isInteger(test) && test > 0 ? test : CHUNK;
  }
  return chunkSize;
}

const chunkKey = (key: string, i: number) => `${key}#${i}`;

/** A fresh version tag for a changed chunk. */
function nextVersion(): string {
  return $security.randomString(10);
}

function entryOf(value: unknown): Entry | null {
  return Array.isArray(value) ? (value as Entry) : null;
}

/** How many chunks a key has had. */
function chunksOf(app: CoreApp, key: string): number {
  return (app.store().get(key) as number | null | undefined) ?? 0;
}

/** The chunks of a key that exist, as [chunk key, entry]. */
function entriesOf(app: CoreApp, key: string): [string, Entry][] {
  const out: [string, Entry][] = [];
  const n = chunksOf(app, key);
  for (let i = 0; i < n; i++) {
    const ck = chunkKey(key, i);
    const entry = entryOf(app.store().get(ck));
    if (entry) out.push([ck, entry]);
  }
  return out;
}

/** Appends the connection to a chunk with room; false when the chunk is full. */
function addTo(app: CoreApp, ck: string, client: subscriptions.Client, id: string): boolean {
  const added = { ok: false };
  app.store().setFunc(ck, (old: unknown) => {
    const entry = entryOf(old);
    const ids = entry ? Array.from(entry[0]) : [];
    if (ids.includes(id)) {
      added.ok = true;
      return old;
    }
    if (ids.length >= perChunk()) return old;
    const clients = entry ? Array.from(entry[1]) : [];
    ids.push(id);
    clients.push(client);
    added.ok = true;
    return [ids, clients, nextVersion()];
  });
  return added.ok;
}

/** Adds a connection to the keys (once each). */
export function join(app: CoreApp, keys: readonly string[], client: subscriptions.Client): void {
  const id = client.id();
  for (const key of keys) joinOne(app, key, client, id);
}

function joinOne(app: CoreApp, key: string, client: subscriptions.Client, id: string): void {
  const n = chunksOf(app, key);
  // the newest chunk first (where joins go), then any an earlier leave made room in
  for (let i = n - 1; i >= 0; i--) {
    const ck = chunkKey(key, i);
    const entry = entryOf(app.store().get(ck));
    if (entry && entry[0].length >= perChunk()) continue;
    if (addTo(app, ck, client, id)) return;
  }
  // every chunk is full: open one (two joins racing here open two, which is harmless)
  const opened = { at: 0 };
  app.store().setFunc(key, (old: unknown) => {
    opened.at = (old as number | null | undefined) ?? 0;
    return opened.at + 1;
  });
  addTo(app, chunkKey(key, opened.at), client, id);
}

/** Removes the connections with these ids from the keys. */
export function leave(app: CoreApp, keys: readonly string[], clientIds: readonly string[]): void {
  if (clientIds.length === 0) return;
  const gone = new Set(clientIds);
  for (const key of keys) for (const [ck] of entriesOf(app, key)) removeFrom(app, ck, gone);
}

/** Removes the connections with these ids from one chunk. */
function removeFrom(app: CoreApp, ck: string, gone: ReadonlySet<string>): void {
  app.store().setFunc(ck, (old: unknown) => {
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
    return ids.length === n ? old : [ids, clients, nextVersion()];
  });
}

/** True when the key has a connection (closed ones included until the sweep drops them). */
export function hasClients(app: CoreApp, key: string): boolean {
  const n = chunksOf(app, key);
  for (let i = 0; i < n; i++) {
    const entry = entryOf(app.store().get(chunkKey(key, i)));
    if (entry && entry[0].length > 0) return true;
  }
  return false;
}

/** The connections of a key (a snapshot). */
export function clientsOf(app: CoreApp, key: string): subscriptions.Client[] {
  return entriesOf(app, key).flatMap(([, entry]) => Array.from(entry[1]));
}

/** The connection ids of a key (a snapshot). */
export function idsOf(app: CoreApp, key: string): string[] {
  return entriesOf(app, key).flatMap(([, entry]) => Array.from(entry[0]));
}

// A send to a connection waits until that connection's goroutine takes the message, and that
// goroutine writes to the socket with no deadline (PocketBase clears it for SSE). So one client
// that stops reading, once the socket's buffers are full, would hold every send to it forever:
// a room's whole fan-out, or a request that notifies that user. Each JS VM therefore keeps one
// "flight" record, a Go object shared through the store, that says which connection it is
// sending to and since when; releaseStuck() discards a connection a flight has waited on too
// long, which wakes the send (PocketBase recovers the send on a closed channel) and ends that
// connection's events. Its client reconnects and catches up like after any cut.
// Writing a field of a Go object costs a fraction of a store write, so the loop can afford it.

/** How long one connection may hold a send before it counts as stuck. */
export const STUCK_MS = 3_000;
/** The store keys of every VM's flight (a VM registers its own once). */
const FLIGHTS_KEY = "rtflights";

/** Position of a VM's send loop: two word-sized fields another goroutine can read safely. */
interface Position {
  /** index of the connection being sent to */
  i: number;
  /** when the loop last moved on (ms), refreshed every 16 recipients; 0 while idle */
  at: number;
}
/** What a flight key holds: the position and the recipients of the current (or last) send. */
type FlightValue = [Position, subscriptions.Client[]];

// module state: one per JS VM, which runs one handler at a time
let ownFlight: { key: string; position: Position } | null = null;

function flight(app: CoreApp): { key: string; position: Position } {
  if (ownFlight) return ownFlight;
  const key = `rtflight:${$security.randomString(12)}`;
  const position = new DynamicModel({ i: 0, at: 0 }) as unknown as Position;
  app.store().set(key, [position, []]);
  app
    .store()
    .setFunc(FLIGHTS_KEY, (old: unknown) => [
      ...Array.from((old as string[] | null | undefined) ?? []),
      key,
    ]);
  ownFlight = { key, position };
  return ownFlight;
}

type Send = (message: SubscriptionMessage) => void;

/**
 * Every element read from a store value, and every method looked up on it, is wrapped for JS
 * anew on each access. For a key with many connections each JS VM therefore keeps the
 * connections' bound `send` methods in an array of its own, rebuilt when the key's version
 * changes, so a fan-out is one plain call per recipient.
 */
const BOUND_MIN = 16;
/** Chunks a VM keeps bound methods for (the busiest rooms'; oldest dropped first). */
const BOUND_MAX = 512;
// module state: one per JS VM
const bound = new Map<string, Bound>();
/** A chunk's connections as this VM's own arrays: their bound `send`s and their ids. */
interface Bound {
  version: string;
  sends: Send[];
  ids: string[];
}

function boundOf(key: string, entry: Entry): Bound | null {
  const clients = entry[1];
  if (clients.length < Math.min(BOUND_MIN, perChunk())) return null;
  const version = entry[2];
  const cached = bound.get(key);
  if (cached && cached.version === version) return cached;
  const n = clients.length;
  const sends = new Array<Send>(n);
  for (let i = 0; i < n; i++) {
    // a Go method read from its object comes bound to that object (goja binds the receiver)
    // eslint-disable-next-line @typescript-eslint/unbound-method
    sends[i] = clients[i]!.send;
  }
  const fresh = { version, sends, ids: Array.from(entry[0]) };
  bound.delete(key);
  if (bound.size >= BOUND_MAX) bound.delete(bound.keys().next().value!);
  bound.set(key, fresh);
  return fresh;
}

function sendAll(
  app: CoreApp,
  key: string,
  entry: Entry,
  message: SubscriptionMessage,
  except: ReadonlySet<string> | null,
): number {
  const clients = entry[1];
  const n = clients.length;
  if (n === 0) return 0;
  watchStuck(app);
  const { key: flightKey, position } = flight(app);
  // the recipients go through the store (its lock publishes them whole to the watchdog);
  // the position is only plain number fields
  app.store().set(flightKey, [position, clients]);
  const own = boundOf(key, entry);
  const ids = own ? own.ids : entry[0];
  let sent = 0;
  try {
    for (let i = 0; i < n; i++) {
      if (except !== null && except.has(ids[i]!)) continue;
      position.i = i;
      if ((sent & 15) === 0) position.at = Date.now();
      if (own) own.sends[i]!(message);
      else clients[i]!.send(message);
      sent++;
    }
  } finally {
    position.at = 0;
  }
  return sent;
}

/**
 * Sends one message to every connection of a key: a store read per chunk, then a call per
 * recipient. A closed connection ignores it (PocketBase's `send` checks), and the sweep drops it
 * later, so nothing here asks each connection anything first.
 */
export function sendTo(app: CoreApp, key: string, message: SubscriptionMessage): number {
  let sent = 0;
  for (const [ck, entry] of entriesOf(app, key)) sent += sendAll(app, ck, entry, message, null);
  return sent;
}

/** sendTo() skipping the connections whose ids are in `except` (the sender's own). */
export function sendToExcept(
  app: CoreApp,
  key: string,
  message: SubscriptionMessage,
  except: ReadonlySet<string>,
): number {
  let sent = 0;
  for (const [ck, entry] of entriesOf(app, key)) sent += sendAll(app, ck, entry, message, except);
  return sent;
}

const WATCH_KEY = "rtwatch";
/** How often publishers look for stuck sends (the cron looks every minute on its own). */
const WATCH_EVERY_MS = 1_000;

/**
 * releaseStuck(), at most once a second across the process: every send calls this, so a stuck
 * send is released within about STUCK_MS while anything is sent, at the cost of one store read
 * per send.
 */
export function watchStuck(app: CoreApp): void {
  const last = app.store().get(WATCH_KEY) as number | null | undefined;
  const now = Date.now();
  if (last && now - last < WATCH_EVERY_MS) return;
  const claim = { mine: false };
  app.store().setFunc(WATCH_KEY, (old: unknown) => {
    if (old && now - (old as number) < WATCH_EVERY_MS) return old;
    claim.mine = true;
    return now;
  });
  if (claim.mine) releaseStuck(app);
}

/**
 * Discards the connections sends have waited on for `STUCK_MS` or more (see above); returns
 * their ids. Cheap enough to call whenever a send looks late: a store read and two field reads
 * per JS VM.
 */
export function releaseStuck(app: CoreApp): string[] {
  const keys = (app.store().get(FLIGHTS_KEY) as string[] | null | undefined) ?? [];
  const now = Date.now();
  const released: string[] = [];
  for (const key of keys) {
    const value = app.store().get(key) as FlightValue | null | undefined;
    if (!value) continue;
    const [position, clients] = value;
    const at = position.at;
    if (at === 0 || now - at < STUCK_MS) continue;
    const client = clients[position.i];
    position.at = now; // a fresh allowance for the connection after this one
    if (!client || client.isDiscarded()) continue;
    released.push(client.id());
    client.discard();
  }
  if (released.length > 0) {
    app
      .logger()
      .warn("realtime: dropped connections that stopped reading", "clients", released.join(","));
  }
  return released;
}

/**
 * Drops closed connections from every chunk of the index. (An emptied chunk stays: removing it
 * could race with a connection joining it, and joins fill emptied chunks again.) PocketBase has no
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
    if (closed.length > 0) removeFrom(app, key, new Set(closed));
    dropped += closed.length;
  }
  return dropped;
}

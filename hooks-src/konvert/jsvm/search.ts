// Full-text message search over the FTS5 index (migrations 1764200000, 1764200200 and 1765300000,
// which queues new messages for flushSearchIndex below instead of indexing them on send).
import {
  FLUSH_SEARCH_INDEX,
  ftsQuery,
  inRooms,
  pageRequest,
  SEARCH_QUEUE_LONGER_THAN,
  snippetParts,
} from "../rules/search.ts";
import { bindWith, roomScope, type Fragment, type RoomScope } from "../rules/scopes.ts";
import { callerOf } from "./access.ts";
import { nowDate } from "./clock.ts";
import { badRequest } from "./errors.ts";
import { sqlText, sqlTextPrepared } from "./sql-scalar.ts";

function queueLongerThan(app: CoreApp, count: number): boolean {
  return sqlTextPrepared(app, SEARCH_QUEUE_LONGER_THAN, { offset: count }) !== "";
}

function flushQueue(app: CoreApp): void {
  app.runInTransaction((tx) => {
    // another flush may have emptied the queue since the caller looked
    if (sqlText(tx, SEARCH_QUEUE_LONGER_THAN, { offset: 0 }) === "") return;
    for (const sql of FLUSH_SEARCH_INDEX) tx.db().newQuery(sql).execute();
  });
}

/**
 * Indexes the messages waiting in the search queue (pb_migrations/1765300000): every search runs
 * it first, so a message whose send returned before the search began is found. An empty queue
 * costs one read and no write transaction. True when it flushed.
 */
export function flushSearchIndex(app: CoreApp): boolean {
  if (!queueLongerThan(app, 0)) return false;
  flushQueue(app);
  return true;
}

/**
 * flushSearchIndex() only once `threshold` messages are waiting (reads at most `threshold` keys
 * of the queue to tell), so a long queue is indexed off the send path before a search has to.
 */
export function flushSearchIndexIfLong(app: CoreApp, threshold = 256): boolean {
  if (!queueLongerThan(app, Math.max(0, Math.floor(threshold) - 1))) return false;
  flushQueue(app);
  return true;
}

/** This VM's sends since it last looked at the queue's length. */
let sendsSinceLook = 0;
/** Sends between two looks: a look is a read, and a queue a few dozen longer costs nothing. */
const LOOK_EVERY = 32;

/**
 * After a send has been answered: every LOOK_EVERY sends of this VM, flushSearchIndexIfLong(),
 * so the queue is indexed in batches by the sends themselves and a search seldom has to.
 */
export function indexAfterSends(app: CoreApp): void {
  if (++sendsSinceLook < LOOK_EVERY) return;
  sendsSinceLook = 0;
  flushSearchIndexIfLong(app);
}

/**
 * The index drives the query: MATCH (the words, within the caller's rooms) yields document ids,
 * each joined by primary key to its message; the room scope (rules/scopes.ts
 * roomScope.readableBy: member of a live room, while banned only the jail) is repeated in SQL,
 * as the authority. CROSS JOIN pins that order: without statistics SQLite ran the MATCH once per
 * room. Newest first: chat search is mostly "that message from last week", and a fixed order
 * keeps pages stable.
 */
export function searchSql(readable: RoomScope): Fragment {
  const scope = readable.where("m.room");
  return {
    sql: `
SELECT m.id AS id,
  -- char(1)/char(2) are rules/search.ts's MATCH_START/MATCH_END
  snippet(messages_fts, 0, char(1), char(2), '…', 16) AS snippet
FROM messages_fts
CROSS JOIN messages_fts_docs d ON d.docid = messages_fts.rowid
CROSS JOIN messages m ON m.id = d.message
WHERE messages_fts MATCH {:query}
  AND m.deletedAt = '' AND ${scope.sql}
ORDER BY m.created DESC, m.id DESC
LIMIT {:limit} OFFSET {:offset}`,
    params: scope.params,
  };
}

function searchableRooms(app: CoreApp, readable: RoomScope): string[] {
  const scope = readable.where("r.id");
  const rows = arrayOf(new DynamicModel({ room: "" })) as { room: string }[];
  app
    .db()
    .newQuery(`SELECT r.id AS room FROM rooms r WHERE ${scope.sql}`)
    .bind(scope.params)
    .all(rows);
  return rows.map((row) => row.room);
}

export interface SearchHit {
  id: string;
  /** The matching passage, matches between char(1) and char(2). */
  snippet: string;
}

/**
 * One page of the caller's messages matching the FTS5 expression `query` (rules/search.ts
 * `ftsQuery`), newest first; only within `onlyRoom` when given. Rooms the caller may not read
 * (not a member, deleted, any but the jail while banned) yield nothing.
 */
export function findMessages(
  app: CoreApp,
  me: core.Record,
  query: string,
  page: { page: number; perPage: number },
  onlyRoom?: string,
): { hits: SearchHit[]; hasMore: boolean } {
  // the index first takes in what was sent before this search began
  flushSearchIndex(app);
  const readable = roomScope.readableBy(me.id, nowDate());
  const rooms = searchableRooms(app, readable).filter(
    (room) => onlyRoom === undefined || room === onlyRoom,
  );
  const rows = arrayOf(new DynamicModel({ id: "", snippet: "" })) as SearchHit[];
  if (rooms.length > 0) {
    const sql = searchSql(readable);
    app
      .db()
      .newQuery(sql.sql)
      .bind(
        bindWith(sql, {
          query: inRooms(query, rooms),
          limit: page.perPage + 1,
          offset: (page.page - 1) * page.perPage,
        }),
      )
      .all(rows);
  }
  return { hits: rows.slice(0, page.perPage), hasMore: rows.length > page.perPage };
}

/**
 * GET /api/konvert/search?q=&page=&perPage= — messages of the caller's rooms matching every word
 * of `q` (as word prefixes), newest first; while banned only the jail room. Each item is the
 * message record plus `snippet`: the matching passage as parts, the matches flagged.
 */
export function search(e: core.RequestEvent): void {
  const me = callerOf(e);
  const params = e.requestInfo().query;
  const query = ftsQuery(params["q"]);
  if ("problem" in query) return badRequest("q", query.problem);
  const paging = pageRequest(params["page"], params["perPage"]);
  if ("problem" in paging) return badRequest(paging.field, paging.problem);
  const { page, perPage } = paging.ok;
  const { hits, hasMore } = findMessages(e.app, me, query.ok, paging.ok);

  const byId = new Map<string, core.Record>();
  for (const record of e.app.findRecordsByIds(
    "messages",
    hits.map((hit) => hit.id),
  )) {
    if (record) byId.set(record.id, record);
  }
  const items: core.Record[] = [];
  const snippets: string[] = [];
  for (const hit of hits) {
    const record = byId.get(hit.id);
    if (!record) continue;
    items.push(record);
    snippets.push(hit.snippet);
  }
  $apis.enrichRecords(e, items);
  items.forEach((record, i) => {
    record.withCustomData(true);
    record.set("snippet", snippetParts(snippets[i] ?? ""));
  });
  e.json(200, { page, perPage, hasMore, items });
}

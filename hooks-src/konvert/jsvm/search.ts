// Full-text message search over the FTS5 index of migration 1764200000_message_search.
import { ftsQuery, pageRequest, snippetParts } from "../rules/search.ts";
import { callerOf, isBanned } from "./access.ts";
import { badRequest } from "./errors.ts";

/**
 * The index drives the query: MATCH yields document ids, each joined by primary key to its
 * message and room, and the caller's membership is one lookup in the (room, user) unique index.
 * CROSS JOIN pins that order: without statistics SQLite otherwise put `rooms` outside and ran the
 * MATCH once per room. The cost grows with the matches in all rooms, not with the table.
 * Newest first: chat search is mostly "that message from last week", and a stable order keeps
 * pages from shifting; the sort covers only the matching rows.
 */
export function searchSql(banned: boolean): string {
  return `
SELECT m.id AS id,
  -- char(1)/char(2) are rules/search.ts's MATCH_START/MATCH_END
  snippet(messages_fts, 0, char(1), char(2), '…', 16) AS snippet
FROM messages_fts
CROSS JOIN messages_fts_docs d ON d.docid = messages_fts.rowid
CROSS JOIN messages m ON m.id = d.message
CROSS JOIN rooms r ON r.id = m.room
WHERE messages_fts MATCH {:query}
  AND m.deletedAt = '' AND r.deletedAt = '' AND r.system ${banned ? "= 'jail'" : "= ''"}
  AND EXISTS (SELECT 1 FROM room_members rm WHERE rm.room = m.room AND rm.user = {:me})
ORDER BY m.created DESC, m.id DESC
LIMIT {:limit} OFFSET {:offset}`;
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

  const rows = arrayOf(new DynamicModel({ id: "", snippet: "" })) as {
    id: string;
    snippet: string;
  }[];
  e.app
    .db()
    .newQuery(searchSql(isBanned(me)))
    .bind({ query: query.ok, me: me.id, limit: perPage + 1, offset: (page - 1) * perPage })
    .all(rows);
  const hits = rows.slice(0, perPage);

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
  e.json(200, { page, perPage, hasMore: rows.length > perPage, items });
}

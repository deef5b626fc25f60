// R42: search inside one room. The original answered anyone, member or not (B14), with a
// substring match over the last 1000 messages; here only members get results, from the same
// full-text index and room scope as GET /api/konvert/search (jsvm/search.ts).
import { ftsQuery, SEARCH_PER_PAGE_MAX } from "../rules/search.ts";
import { findMembership } from "../jsvm/access.ts";
import { findMessages } from "../jsvm/search.ts";
import { handle, legacy, legacyCaller, queryParam } from "./http.ts";
import { messagesByIds, roomToRead } from "./messages.ts";

/** GET /messages/{roomId}/search?q= -> {messages}: the newest matches, oldest first. */
export function inRoom(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const room = roomToRead(e, me);
    if (!findMembership(e.app, room.id, me.id)) legacy(403, "Вы не являетесь участником комнаты");
    const query = ftsQuery(queryParam(e, "q"));
    if ("problem" in query) {
      e.json(200, { messages: [] }); // nothing to look for (the original matched everything)
      return;
    }
    const { hits } = findMessages(
      e.app,
      me,
      query.ok,
      { page: 1, perPage: SEARCH_PER_PAGE_MAX },
      room.id,
    );
    e.json(200, { messages: messagesByIds(e, hits.map((hit) => hit.id).reverse()) });
  });
}

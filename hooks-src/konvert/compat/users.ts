// R10–R11: finding and showing people over the legacy API, with the backend's visibility rules
// (privacy settings, presence between acquaintances, moderation state for staff only).
import { searchPattern } from "../rules/profile.ts";
import { bindWith, userScope } from "../rules/scopes.ts";
import { findActiveUser } from "../jsvm/access.ts";
import { handle, legacy, optionalCaller, queryParam } from "./http.ts";
import { otherUser } from "./user-shape.ts";

/** The original returned every match; a page of 50 keeps the polled invite dialogs cheap. */
const SEARCH_LIMIT = 50;

/** GET /users/search?q= -> {users}; people who blocked the caller (or were blocked) are left out. */
export function search(e: core.RequestEvent): void {
  handle(e, () => {
    const me = optionalCaller(e);
    const q = queryParam(e, "q");
    const parsed = q.trim() === "" ? { pattern: "%" } : searchPattern(q);
    if ("problem" in parsed) legacy(400, parsed.problem);
    const records = arrayOf(new Record(e.app.findCachedCollectionByNameOrId("users")));
    const query = e.app
      .recordQuery("users")
      .andWhere($dbx.exp("searchText LIKE {:p} ESCAPE '\\'", { p: parsed.pattern }))
      .andWhere($dbx.exp("deletedAt = ''"));
    if (me) {
      // canSeeUser: neither side blocking the other
      const visible = userScope.visibleTo(me.id).where("users.id");
      query.andWhere($dbx.exp(visible.sql, bindWith(visible, {})));
    }
    query.orderBy("searchText ASC").limit(SEARCH_LIMIT).all(records);
    e.json(200, { users: records.map((u) => otherUser(e, me, u, false)) });
  });
}

/** GET /users/{userId} -> {user}; 404 for missing and deleted accounts. */
export function one(e: core.RequestEvent): void {
  handle(e, () => {
    const me = optionalCaller(e);
    let user: core.Record;
    try {
      user = findActiveUser(e.app, e.request!.pathValue("userId"));
    } catch {
      return legacy(404, "Пользователь не найден");
    }
    e.json(200, { user: otherUser(e, me, user) });
  });
}

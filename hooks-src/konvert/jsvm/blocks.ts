// Blocking. A block ends the friendship and any pending request between the two, and removes
// the friend notifications they sent each other; DMs, friend requests and mention/reaction
// notifications check `isBlockedEitherWay` (the rooms/DM code uses the same helper).
import { fail } from "../actions/errors.ts";
import { callerOf, findActiveUser, isBlockedEitherWay } from "./access.ts";
import { findFriendship, forgetFriendNotifications, pendingRequest } from "./friends.ts";
import { allowOnly } from "./people.ts";

export { isBlockedEitherWay };

function findBlock(app: CoreApp, blocker: string, blocked: string): core.Record | null {
  try {
    return app.findFirstRecordByFilter("blocks", "blocker = {:blocker} && blocked = {:blocked}", {
      blocker,
      blocked,
    });
  } catch {
    return null;
  }
}

/** The block action: ends a friendship and a pending request between the two. */
export function blockUser(app: CoreApp, caller: core.Record, userId: string): void {
  const me = caller.id;
  app.runInTransaction((tx) => {
    const target = findActiveUser(tx, userId);
    if (target.id === me) fail("block.self");
    if (findBlock(tx, me, target.id)) fail("block.already");
    const row = new Record(tx.findCachedCollectionByNameOrId("blocks"));
    row.set("blocker", me);
    row.set("blocked", target.id);
    tx.save(row);

    const friendship = findFriendship(tx, me, target.id);
    if (friendship) tx.delete(friendship);
    const pending = pendingRequest(tx, me, target.id);
    if (pending) {
      pending.set("status", "cancelled");
      tx.save(pending);
    }
    forgetFriendNotifications(tx, me, target.id);
  });
}

/** POST /api/konvert/blocks/{id} */
export function block(e: core.RequestEvent): void {
  const me = callerOf(e);
  allowOnly(e.requestInfo().body, []);
  blockUser(e.app, me, e.request!.pathValue("id"));
  e.json(200, { blocked: true });
}

/** The unblock action. */
export function unblockUser(app: CoreApp, caller: core.Record, userId: string): void {
  app.runInTransaction((tx) => {
    const row = findBlock(tx, caller.id, userId);
    if (!row) return fail("block.not_blocked");
    tx.delete(row);
  });
}

/** DELETE /api/konvert/blocks/{id} */
export function unblock(e: core.RequestEvent): void {
  unblockUser(e.app, callerOf(e), e.request!.pathValue("id"));
  e.json(200, { blocked: false });
}

// Blocking. A block ends the friendship and any pending request between the two, and removes
// the friend notifications they sent each other; DMs, friend requests and mention/reaction
// notifications check `isBlockedEitherWay` (the rooms/DM code uses the same helper).
import { callerOf, isBlockedEitherWay } from "./access.ts";
import { badRequest } from "./errors.ts";
import { findFriendship, forgetFriendNotifications, pendingRequest } from "./friends.ts";
import { allowOnly, targetOf } from "./people.ts";

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

/** POST /api/konvert/blocks/{id} */
export function block(e: core.RequestEvent): void {
  const me = callerOf(e).id;
  allowOnly(e.requestInfo().body, []);
  e.app.runInTransaction((tx) => {
    const target = targetOf(e, tx);
    if (target.id === me) badRequest("id", "You cannot block yourself.");
    if (findBlock(tx, me, target.id)) badRequest("id", "You have already blocked this user.");
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
  e.json(200, { blocked: true });
}

/** DELETE /api/konvert/blocks/{id} */
export function unblock(e: core.RequestEvent): void {
  const me = callerOf(e).id;
  const targetId = e.request!.pathValue("id");
  e.app.runInTransaction((tx) => {
    const row = findBlock(tx, me, targetId);
    if (!row) badRequest("id", "This user is not blocked.");
    tx.delete(row);
  });
  e.json(200, { blocked: false });
}

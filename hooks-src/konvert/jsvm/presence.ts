// Presence heartbeat: at most one write per user per minute, whatever the client's ping rate.
import { heartbeatShouldWrite } from "../rules/presence.ts";
import { callerOf } from "./access.ts";
import { realNowMs } from "./clock.ts";
import { msOf } from "./people.ts";

/** POST /api/konvert/presence/heartbeat */
export function heartbeat(e: core.RequestEvent): void {
  const caller = callerOf(e);
  let written = false;
  let lastActiveAt = "";
  // Re-reading inside the transaction serialises concurrent pings: the second sees the first's write.
  e.app.runInTransaction((tx) => {
    const user = tx.findRecordById("users", caller.id);
    if (heartbeatShouldWrite(msOf(user, "lastActiveAt"), realNowMs())) {
      user.set("lastActiveAt", new DateTime());
      user.set("status", "online");
      tx.save(user);
      written = true;
    }
    lastActiveAt = user.getString("lastActiveAt");
  });
  e.json(200, { lastActiveAt, written });
}

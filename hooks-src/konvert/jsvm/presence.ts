// Presence heartbeat: at most one write per user per minute, whatever the client's ping rate.
import { heartbeatShouldWrite } from "../rules/presence.ts";
import { callerOf } from "./access.ts";
import { realNowDate, realNowMs } from "./clock.ts";
import { msOf } from "./people.ts";
import { collectionHeard } from "./realtime/authorize.ts";
import { publishPresence } from "./realtime/publish.ts";

/** The heartbeat action: the caller is online now (written at most once a minute). */
export function beat(
  app: CoreApp,
  caller: core.Record,
): { written: boolean; lastActiveAt: string } {
  const beat = { written: false, lastActiveAt: "" };
  // Re-reading inside the transaction serialises concurrent pings: the second sees the first's write.
  // Nobody on the users collection's own topics (the typed client uses presence/<id>): write
  // without record events, whose broadcast and auth refresh walk every open connection; with
  // thousands online, one presence write a minute each made those walks most of the CPU.
  const quiet = !collectionHeard(app, "users");
  app.runInTransaction((tx) => {
    const user = tx.findRecordById("users", caller.id);
    if (heartbeatShouldWrite(msOf(user, "lastActiveAt"), realNowMs())) {
      const now = realNowDate();
      if (quiet) {
        tx.db()
          .newQuery(
            "UPDATE users SET lastActiveAt = {:now}, status = 'online', updated = {:now} " +
              "WHERE id = {:id}",
          )
          .bind({ now, id: user.id })
          .execute();
      } else {
        user.set("lastActiveAt", now);
        user.set("status", "online");
        tx.save(user);
      }
      beat.written = true;
      beat.lastActiveAt = now;
    } else beat.lastActiveAt = user.getString("lastActiveAt");
  });
  if (beat.written && quiet) publishPresence(app, caller.id);
  return beat;
}

/** POST /api/konvert/presence/heartbeat */
export function heartbeat(e: core.RequestEvent): void {
  e.json(200, beat(e.app, callerOf(e)));
}

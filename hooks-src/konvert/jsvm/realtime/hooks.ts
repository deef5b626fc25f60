// The realtime handlers main.pb.ts registers.
import { FEED_TOPIC, INDEX_PREFIX, indexKey } from "../../rules/realtime.ts";
import { guardTestRoute } from "../clock.ts";
import { badRequest } from "../errors.ts";
import { bodyOf } from "../http.ts";
import { clientsOf, releaseStuck, sendTo, sweep } from "./index-store.ts";

export { onSubscribe } from "./authorize.ts";
export { onRecordChange } from "./publish.ts";

/** Cron: sends stuck on a connection that stopped reading are released; closed ones leave the index. */
export function sweepClosed(): void {
  releaseStuck($app);
  sweep($app);
}

function usersIn(app: CoreApp, key: string): string[] {
  return clientsOf(app, key)
    .filter((c) => !c.isDiscarded())
    .map((c) => {
      const auth = c.get("auth") as core.Record | null | undefined;
      return auth ? auth.id : "";
    })
    .sort();
}

/**
 * GET /api/konvert/admin/realtime[?room=ID] (superusers): connections, index size, and who is
 * listening to one room — what an operator asks when someone hears too much or too little.
 */
export function stats(e: core.RequestEvent): void {
  const all = e.app.store().getAll() as Record<string, unknown>;
  let keys = 0;
  // a key holds its count of chunks; its chunks are keys of their own (index-store.ts)
  for (const key in all) if (key.startsWith(INDEX_PREFIX) && typeof all[key] === "number") keys++;
  const body: Record<string, unknown> = {
    connections: e.app.subscriptionsBroker().totalClients(),
    indexKeys: keys,
  };
  const room = e.request!.url!.query().get("room");
  if (room !== "") {
    body["room"] = {
      open: usersIn(e.app, indexKey.open(room)),
      list: usersIn(e.app, indexKey.list(room)),
      typing: usersIn(e.app, indexKey.typing(room)),
    };
  }
  e.json(200, body);
}

/**
 * POST /api/konvert/test/realtime-barrier {token, users} (tests only: 404 unless the server runs
 * with KONVERT_TEST_CLOCK=1; superusers): sends `{type: "barrier", token}` to each user's feed
 * connections. One connection's events arrive in order, so a client that hears the barrier has
 * heard everything sent to it before: tests assert what a client did *not* hear without sleeping.
 */
export function onBarrier(e: core.RequestEvent): void {
  guardTestRoute(e);
  const { token, users } = bodyOf(e);
  if (typeof token !== "string" || token === "") badRequest("token", "A token is required.");
  if (!Array.isArray(users) || users.some((u) => typeof u !== "string")) {
    badRequest("users", "A list of user ids is required.");
  }
  const data = JSON.stringify({ type: "barrier", token });
  let connections = 0;
  for (const user of users as string[]) {
    connections += sendTo(
      e.app,
      indexKey.feed(user),
      new SubscriptionMessage({ name: FEED_TOPIC, data }),
    );
  }
  e.json(200, { connections });
}

// The realtime handlers main.pb.ts registers.
import { INDEX_PREFIX, indexKey } from "../../rules/realtime.ts";
import { clientsOf, releaseStuck, sweep } from "./index-store.ts";

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
  for (const key in all) if (key.startsWith(INDEX_PREFIX)) keys++;
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

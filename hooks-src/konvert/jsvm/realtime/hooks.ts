// The realtime handlers main.pb.ts registers.
import { sweep } from "./index-store.ts";

export { onSubscribe } from "./authorize.ts";
export { onRecordChange } from "./publish.ts";

/** Cron: closed connections leave the index. */
export function sweepClosed(): void {
  sweep($app);
}

// The import's own bound on V8's heap, so that no Node flag is needed at any size.
import v8 from "node:v8";

/**
 * How far the old generation may grow past the live data before the next full collection, in
 * percent. V8 chooses this factor itself, up to 4x when memory is plentiful and the program
 * allocates fast — which the import does (every KV row is parsed twice, every written row
 * serialised): with a few hundred MB of live data (the message index, the users) the heap grew
 * to 1.5–2 GB at 5M rows although most of it was garbage. A fixed, small factor keeps the peak
 * near the live data for a few more full collections, which are cheap here because the big
 * structures are typed arrays outside the heap (docs/import.md, issue #18).
 */
const HEAP_GROWING_PERCENT = 30;

/**
 * Sets the factor for this process (a V8 flag read at every full collection, so it takes effect
 * when set at run time; Node does not freeze V8's flags). Leaves an explicit setting alone.
 */
export function boundHeapGrowth(): void {
  const given = [...process.execArgv, process.env["NODE_OPTIONS"] ?? ""].join(" ");
  if (/heap[-_]growing[-_]percent/.test(given)) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

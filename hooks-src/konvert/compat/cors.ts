// The original API let browsers cache a preflight for 600 s (spec §0). PocketBase's CORS
// middleware answers preflights itself and sends no Access-Control-Max-Age, so this route
// middleware of the legacy prefix's OPTIONS route adds it first; other requests never run it.

/** Seconds a browser may reuse a preflight answer, as the original's Hono `cors()` said. */
const PREFLIGHT_MAX_AGE = "600";

export function preflightMaxAge(e: core.RequestEvent): void {
  e.response.header().set("Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
  e.next();
}

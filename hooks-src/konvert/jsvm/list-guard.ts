// Checks list requests of the records API before their answer is written (the query has run, but
// nothing of it reaches the client when this throws).
import { emailSortProblem } from "../rules/list-sort.ts";
import { refuse } from "./errors.ts";

/** onRecordsListRequest, every collection: no ordering by e-mail except for superusers. */
export function onRecordsList(e: core.RecordsListRequestEvent): void {
  if (!e.hasSuperuserAuth()) {
    // methods of the embedded request event reach JS, its fields (`request`) do not
    const sort: unknown = e.requestInfo().query["sort"];
    refuse("sort", emailSortProblem(typeof sort === "string" ? sort : ""));
  }
  e.next();
}

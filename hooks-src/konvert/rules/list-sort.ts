// PocketBase keeps an auth record's e-mail out of responses and filters unless the owner made it
// public (`emailVisibility`), but a `sort` on it is not checked: ordering everyone by e-mail
// places a hidden address between addresses the caller knows, so a few sign-ups narrow it down
// letter by letter. It cannot be marked hidden in the schema (PocketBase resets that flag on the
// e-mail field), so list requests that sort by it are refused.

/** The first term of a `sort` parameter that orders by an e-mail, directly or through a relation. */
export function emailSortTerm(sort: string): string | null {
  for (const raw of sort.split(",")) {
    const term = raw.trim().replace(/^[-+]/, "");
    const path = term.split(".").map((part) => part.replace(/:.*$/, "").trim().toLowerCase());
    if (path.includes("email")) return term;
  }
  return null;
}

export function emailSortProblem(sort: string): string | null {
  return emailSortTerm(sort) === null ? null : "Lists cannot be sorted by e-mail address.";
}

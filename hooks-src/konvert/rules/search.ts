// Message search input: what the user typed becomes an FTS5 query made only of quoted terms, so
// nothing they type is ever read as FTS5 syntax (AND/OR/NOT/NEAR, `*`, `^`, parentheses, column
// filters); the query itself is bound as a SQL parameter.

export const SEARCH_QUERY_MAX = 200;
export const SEARCH_TERMS_MAX = 10;
export const SEARCH_PER_PAGE_DEFAULT = 20;
export const SEARCH_PER_PAGE_MAX = 50;
export const SEARCH_PAGE_MAX = 1000;

/** Characters the index treats as parts of words (the tokenizer's `categories 'L* N* Co So'`). */
const WORD_CHAR = /[\p{L}\p{N}\p{Co}\p{So}]/gu;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

export type Parsed<T> = { ok: T } | { problem: string };

/**
 * The FTS5 MATCH expression for a user's query: every word becomes a quoted string (`"` doubled
 * inside), all of them required. Words match as prefixes ("прив" finds "Привет"), except a lone
 * letter or digit, whose prefix would expand to a large part of the vocabulary.
 */
export function ftsQuery(raw: unknown): Parsed<string> {
  if (typeof raw !== "string" || raw.trim() === "") {
    return { problem: "Type something to search for." };
  }
  if (raw.length > SEARCH_QUERY_MAX) {
    return { problem: `A search can be at most ${SEARCH_QUERY_MAX} characters long.` };
  }
  const terms: string[] = [];
  // control characters separate words: a NUL would end the FTS5 string early
  for (const word of raw.split(/[\s\p{Cc}]+/u)) {
    const wordChars = word.match(WORD_CHAR) ?? [];
    if (wordChars.length === 0) continue; // punctuation only: nothing the index could match
    const quoted = quote(word);
    const exact = wordChars.length === 1 && LETTER_OR_DIGIT.test(wordChars[0]);
    const term = exact ? quoted : quoted + "*";
    if (!terms.includes(term)) terms.push(term);
  }
  if (terms.length === 0) return { problem: "Search for at least one letter, digit or emoji." };
  if (terms.length > SEARCH_TERMS_MAX) {
    return { problem: `A search can have at most ${SEARCH_TERMS_MAX} words.` };
  }
  return { ok: terms.join(" ") };
}

/** FTS5 string literal: double quotes doubled. */
function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Beyond this many rooms the OR list costs more than filtering the matches in SQL. */
export const ROOM_SCOPE_MAX = 500;

/**
 * Narrows a query from ftsQuery to the given rooms: the index keeps each message's room id as a
 * token in its `room` column, so FTS5 itself returns only matches in those rooms. Words always
 * stay in the `content` column. For members of very many rooms (an OR of 3 000 ids took ~27 ms
 * to evaluate, 20 000 over a second) the room scope is left to SQL.
 */
export function inRooms(terms: string, roomIds: readonly string[]): string {
  const words = `{content} : (${terms})`;
  if (roomIds.length > ROOM_SCOPE_MAX) return words;
  return `${words} AND {room} : (${roomIds.map(quote).join(" OR ")})`;
}

export interface PageRequest {
  page: number;
  perPage: number;
}

/** `page` and `perPage` query values (absent = first page of the default size). */
export function pageRequest(
  rawPage: unknown,
  rawPerPage: unknown,
): { ok: PageRequest } | { field: "page" | "perPage"; problem: string } {
  const page = wholeNumber(rawPage, 1, SEARCH_PAGE_MAX);
  if (page === null) {
    return { field: "page", problem: `Page must be a whole number from 1 to ${SEARCH_PAGE_MAX}.` };
  }
  const perPage = wholeNumber(rawPerPage, SEARCH_PER_PAGE_DEFAULT, SEARCH_PER_PAGE_MAX);
  if (perPage === null) {
    return {
      field: "perPage",
      problem: `Results per page (perPage) must be a whole number from 1 to ${SEARCH_PER_PAGE_MAX}.`,
    };
  }
  return { ok: { page, perPage } };
}

function wholeNumber(raw: unknown, fallback: number, max: number): number | null {
  if (raw === undefined || raw === "") return fallback;
  if (typeof raw !== "string" || !/^\d{1,7}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 && value <= max ? value : null;
}

/** Markers the SQL snippet() puts around matches; control characters never shown to users. */
export const MATCH_START = "\u0001";
export const MATCH_END = "\u0002";

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * Splits a marked snippet into plain-text parts, so a frontend highlights matches without ever
 * treating message text as markup.
 */
export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let text = "";
  const flush = () => {
    if (text !== "") parts.push({ text, match });
    text = "";
  };
  for (const ch of marked) {
    if (ch === MATCH_START || ch === MATCH_END) {
      flush();
      match = ch === MATCH_START;
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}

/**
 * The search index's queue (pb_migrations/1765300000_message_search_queue.js): a new message's
 * id waits in `messages_fts_pending` until a flush indexes it, so a send does no FTS5 work.
 */
export const SEARCH_QUEUE = "messages_fts_pending";

/**
 * Indexes every queued message that is searchable now (the view `messages_fts_ready` holds the
 * rule and the indexed columns) exactly as the old per-insert trigger did, and empties the queue.
 * Run in one write transaction. A queued message that is already indexed (a bulk-load rebuild
 * indexed everything) leaves the queue first, so no document is indexed twice.
 */
export const FLUSH_SEARCH_INDEX: readonly string[] = [
  `DELETE FROM ${SEARCH_QUEUE} WHERE EXISTS ` +
    `(SELECT 1 FROM messages_fts_docs d WHERE d.message = ${SEARCH_QUEUE}.message)`,
  "INSERT INTO messages_fts_docs (message) SELECT id FROM messages_fts_ready",
  "INSERT INTO messages_fts (rowid, content, room) SELECT d.docid, r.content, r.room " +
    "FROM messages_fts_ready r CROSS JOIN messages_fts_docs d ON d.message = r.id",
  `DELETE FROM ${SEARCH_QUEUE}`,
];

/**
 * "y" when the queue holds more than `offset` messages, "" otherwise: reads at most offset + 1
 * keys, never counts the whole queue.
 */
export const SEARCH_QUEUE_LONGER_THAN =
  "SELECT CASE WHEN count(*) > 0 THEN 'y' ELSE '' END AS v " +
  `FROM (SELECT 1 FROM ${SEARCH_QUEUE} LIMIT 1 OFFSET {:offset})`;

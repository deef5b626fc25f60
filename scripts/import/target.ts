// The PocketBase side: a running server (URL + superuser) or a data dir (data-dir.ts: written
// directly with the sqlite3 CLI, or through a temporary server with our hooks).
import {
  beginSteps,
  endSteps,
  type BulkConflict,
} from "../../hooks-src/konvert/rules/bulk-load.ts";
import { openDataDir } from "./data-dir.ts";
import type { DirectDb, RowsBody, WriteResult } from "./direct.ts";
import { connect } from "./http-target.ts";
import type { Row } from "./mapping.ts";

export type { WriteResult } from "./direct.ts";

export interface Target {
  describe: string;
  /** A stopped data dir written directly (rows, bulk load, reads); HTTP only for the rest. */
  direct?: DirectDb;
  post<T>(path: string, body: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  /** Stores a file under an imported record (multipart; the bytes never pass through JSON). */
  upload(
    file: { collection: string; id: string; field: string; name: string },
    data: Buffer,
  ): Promise<{ name: string; stored: boolean }>;
  close(): Promise<void>;
}

export async function openTarget(
  to: string,
  credentials: { email?: string; password?: string },
): Promise<Target> {
  if (/^https?:\/\//.test(to)) {
    if (!credentials.email || !credentials.password) {
      throw new Error(
        "Importing into a running PocketBase needs superuser credentials: PB_ADMIN_EMAIL and PB_ADMIN_PASSWORD (or --admin-email/--admin-password).",
      );
    }
    const url = to.replace(/\/+$/, "");
    return connect(url, credentials.email, credentials.password, url, () => Promise.resolve());
  }
  return openDataDir(to);
}

/** Collections whose rows come by the hundred thousand: loaded with their indexes paused. */
export const BULK_COLLECTIONS = ["messages", "reactions", "mentions", "notifications", "kv_legacy"];

/**
 * Bulk-load mode (POST /api/konvert/import/bulk): "auto" pauses the indexes and search triggers
 * of BULK_COLLECTIONS only on a target where they are empty (a fresh server nobody uses yet) or
 * after an interrupted bulk load; "on" also on a filled one; "off" never.
 */
export type BulkLoadMode = "auto" | "on" | "off";

export async function beginBulkLoad(target: Target, mode: BulkLoadMode): Promise<boolean> {
  if (mode === "off") return false;
  const force = mode === "on";
  const { active } = target.direct
    ? await target.direct.bulk(beginSteps(BULK_COLLECTIONS, force))
    : await target.post<{ active: boolean }>("/api/konvert/import/bulk", {
        phase: "begin",
        collections: BULK_COLLECTIONS,
        force,
      });
  return active;
}

/**
 * Rebuilds whatever a bulk load paused, this run's or an interrupted one's (a no-op otherwise).
 * Rows a rebuilt unique index refused were deleted by the server and come back as conflicts.
 */
export async function endBulkLoad(
  target: Target,
): Promise<{ active: boolean; conflicts: BulkConflict[] }> {
  if (target.direct) return target.direct.bulk(endSteps());
  return target.post("/api/konvert/import/bulk", { phase: "end" });
}

/** The achievement catalogue (key -> id) the migrations seeded. */
export async function achievementCatalogue(target: Target): Promise<Map<string, string>> {
  const items = target.direct
    ? await target.direct.query(["id", "key"], "SELECT id, key FROM achievements")
    : (
        await target.get<{ items: { id: string; key: string }[] }>(
          "/api/collections/achievements/records?perPage=500&fields=id,key",
        )
      ).items;
  return new Map(items.map((a) => [String(a["key"]), String(a["id"])]));
}

/**
 * Buffers rows per collection and column set and sends them in batches, a few requests in flight.
 * A batch travels as column names plus one JSON text of value arrays, which the route hands to
 * SQLite as a single parameter (hooks-src/konvert/jsvm/import.ts), or the direct writer pipes
 * into the same statement as a literal (direct.ts).
 *
 * Each row is turned into its JSON text when it is added, and only that text and the row's id
 * are kept until the batch goes: a buffered row object would live through many young-generation
 * collections and be promoted to the old generation (most of the tool's garbage at scale), while
 * the object dies young this way.
 */
export class BatchWriter {
  /** Per collection: a buffer per column set (almost always one). */
  private readonly buffers = new Map<string, Buffered[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown;

  constructor(
    private readonly target: Target | undefined,
    /** `ids`: the batch's row ids in order (a failure names its row by index). */
    private readonly onWritten: (collection: string, ids: string[], result: WriteResult) => void,
    private readonly batchSize = 5000,
    private readonly parallel = 2,
  ) {}

  /**
   * A batch also goes once its JSON reaches this many characters, whatever its row count: message
   * content runs up to 20,000 characters, so rows alone would not bound a batch's memory (it is
   * held a few times over: the text, the SQL or request body, the bytes written).
   */
  private readonly maxChars = 8 * 1024 * 1024;

  /** Returns a promise only when the batch is full and being sent. */
  add(collection: string, row: Row, insertOnly: string[] = []): Promise<void> | undefined {
    const buffer = this.bufferOf(collection, row, insertOnly);
    const values: Row[string][] = [];
    for (const c of buffer.columns) values.push(row[c] as Row[string]);
    const text = JSON.stringify(values);
    buffer.texts.push(text);
    buffer.chars += text.length;
    buffer.ids.push(String(row["id"]));
    const full = buffer.texts.length >= this.batchSize || buffer.chars >= this.maxChars;
    return full ? this.send(buffer) : undefined;
  }

  async flush(): Promise<void> {
    for (const list of [...this.buffers.values()]) for (const b of list) await this.send(b);
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  /** The buffer for the row's collection and columns (compared key by key, no joined string). */
  private bufferOf(collection: string, row: Row, insertOnly: string[]): Buffered {
    let list = this.buffers.get(collection);
    if (!list) this.buffers.set(collection, (list = []));
    for (const b of list) if (sameColumns(b.columns, row)) return b;
    const buffer: Buffered = {
      collection,
      columns: Object.keys(row),
      texts: [],
      chars: 0,
      ids: [],
      insertOnly,
    };
    list.push(buffer);
    return buffer;
  }

  private rethrow(): void {
    if (this.error !== undefined) {
      throw this.error instanceof Error ? this.error : new Error("import request failed");
    }
  }

  private async send(buffer: Buffered): Promise<void> {
    if (buffer.texts.length === 0) return;
    const { collection, columns, texts, ids } = buffer;
    buffer.texts = [];
    buffer.chars = 0;
    buffer.ids = [];
    if (!this.target) {
      this.onWritten(collection, ids, { written: ids.length, failed: [] });
      return;
    }
    while (this.inFlight.size >= this.parallel) await Promise.race(this.inFlight);
    this.rethrow();
    const body: RowsBody = {
      collection,
      columns,
      // the same text as JSON.stringify of the array of value arrays
      rows: `[${texts.join(",")}]`,
      insertOnly: buffer.insertOnly,
    };
    const request = (
      this.target.direct
        ? this.target.direct.write(body, ids.length)
        : this.target.post<WriteResult>("/api/konvert/import/rows", body)
    )
      .then((result) => this.onWritten(collection, ids, result))
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }
}

interface Buffered {
  collection: string;
  columns: string[];
  /** Each row's values in `columns` order, as JSON text. */
  texts: string[];
  /** Their total length. */
  chars: number;
  ids: string[];
  insertOnly: string[];
}

/** Whether `row` has exactly these keys in this order. */
function sameColumns(columns: string[], row: Row): boolean {
  let i = 0;
  for (const key in row) {
    if (columns[i] !== key) return false;
    i++;
  }
  return i === columns.length;
}

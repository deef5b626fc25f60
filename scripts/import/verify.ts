// The verify step: every row the mapping derives from the source must exist in PocketBase with
// the same stored values (secrets PocketBase manages — password, tokenKey — are not compared).
import type { Issue } from "./report.ts";
import type { Row } from "./mapping.ts";
import type { Target } from "./target.ts";

const BATCH = 1000;

export class Verifier {
  private readonly buffers = new Map<string, Row[]>();
  private checked = 0;
  private readonly differences: Issue[] = [];
  private differenceCount = 0;

  constructor(private readonly target: Target) {}

  async add(collection: string, row: Row): Promise<void> {
    const rows = this.buffers.get(collection) ?? [];
    rows.push(row);
    this.buffers.set(collection, rows);
    if (rows.length >= BATCH) await this.check(collection);
  }

  async flush(): Promise<void> {
    for (const collection of [...this.buffers.keys()]) await this.check(collection);
  }

  result(): { ok: boolean; checked: number; differences: Issue[] } {
    return { ok: this.differenceCount === 0, checked: this.checked, differences: this.differences };
  }

  private async check(collection: string): Promise<void> {
    const expected = this.buffers.get(collection) ?? [];
    this.buffers.set(collection, []);
    if (expected.length === 0) return;
    // the same id may be derived twice (merged records): the last write wins, as in the import
    const byId = new Map(expected.map((r) => [String(r["id"]), r]));
    const { rows } = await this.target.post<{ rows: Record<string, unknown>[] }>(
      "/api/konvert/import/read",
      { collection, ids: [...byId.keys()] },
    );
    const stored = new Map(rows.map((r) => [String(r["id"]), r]));
    for (const [id, want] of byId) {
      this.checked++;
      const have = stored.get(id);
      if (!have) {
        this.differ(`${collection}/${id}`, "missing in PocketBase");
        continue;
      }
      for (const [column, value] of Object.entries(want)) {
        if (column === "password" || column === "tokenKey") continue;
        const wantValue = typeof value === "boolean" ? Number(value) : value;
        // JSON columns have NUMERIC affinity: SQLite stores the JSON text "42" as the number 42
        const stored = have[column];
        const same =
          stored === wantValue || (typeof stored === "number" && String(stored) === wantValue);
        if (!same) {
          this.differ(
            `${collection}/${id}`,
            `${column}: expected ${JSON.stringify(wantValue)}, stored ${JSON.stringify(have[column])}`,
          );
        }
      }
    }
  }

  private differ(key: string, reason: string): void {
    this.differenceCount++;
    if (this.differences.length < 200) this.differences.push({ key, reason });
  }
}

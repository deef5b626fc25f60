// The import report: counts per key kind, what needs a human, what did not fit.
import type { KeyKind } from "./classify.ts";

export interface KindCount {
  read: number;
  imported: number;
  merged: number;
  legacy: number;
  index: number;
}

export interface Issue {
  key: string;
  reason: string;
}

const SAMPLE = 200;

export class Report {
  source = "";
  target = "";
  dryRun = false;
  /**
   * --allow-partial: what made the source incomplete or malformed (truncation, bad lines, row
   * counts that do not match). Empty for a complete source; without the flag any of these fails.
   */
  partial: string[] = [];
  kinds: Partial<Record<KeyKind, KindCount>> = {};
  written: Record<string, number> = {};
  decodedStrings = 0;
  usersNeedingReset: { user: string; email: string; reason: string }[] = [];
  usernameChanges: { user: string; from: string; to: string }[] = [];
  emailChanges: { user: string; from: string; to: string }[] = [];
  orphanCount = 0;
  orphans: Issue[] = [];
  /** Pins, replies, reactions, mentions, poll votes into another room or at nothing: dropped. */
  droppedReferenceCount = 0;
  droppedReferences: Issue[] = [];
  driftCount = 0;
  drift: Issue[] = [];
  merged: Issue[] = [];
  conflicts: Issue[] = [];
  missingFileCount = 0;
  missingFiles: Issue[] = [];
  /** Storage objects found in the file store / newly stored in PocketBase (not on a re-run). */
  filesFound = 0;
  filesStored = 0;
  /** --decrypt-session-content: messages decrypted, and those that looked encrypted but did not. */
  decryptedContent = 0;
  undecryptableCount = 0;
  undecryptable: Issue[] = [];
  /** Whether the big tables were written with their indexes paused (target.ts BulkLoadMode). */
  bulkLoad = false;
  /** Seconds per phase. */
  phases: Record<string, number> = {};
  verify: { ok: boolean; checked: number; differences: Issue[] } | undefined;

  partialSource(message: string): void {
    // each pass reads the source again: one entry per problem
    if (!this.partial.includes(message)) this.partial.push(message);
  }

  count(kind: KeyKind, field: keyof KindCount, n = 1): void {
    const entry = (this.kinds[kind] ??= { read: 0, imported: 0, merged: 0, legacy: 0, index: 0 });
    entry[field] += n;
  }

  orphan(key: string, reason: string): void {
    this.orphanCount++;
    if (this.orphans.length < SAMPLE) this.orphans.push({ key, reason });
  }

  droppedReference(key: string, reason: string): void {
    this.droppedReferenceCount++;
    // listed by key; the cap only bounds the memory of a store that is broken everywhere
    if (this.droppedReferences.length < 100_000) this.droppedReferences.push({ key, reason });
  }

  shapeDrift(key: string, reason: string): void {
    this.driftCount++;
    if (this.drift.length < SAMPLE) this.drift.push({ key, reason });
  }

  missingFile(key: string, reason: string): void {
    this.missingFileCount++;
    if (this.missingFiles.length < SAMPLE) this.missingFiles.push({ key, reason });
  }

  cannotDecrypt(key: string): void {
    this.undecryptableCount++;
    if (this.undecryptable.length < SAMPLE) {
      this.undecryptable.push({ key, reason: "looks encrypted, does not decrypt: kept as is" });
    }
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this));
  }

  toText(): string {
    const lines: string[] = [];
    if (this.partial.length > 0) {
      lines.push(
        `PARTIAL IMPORT (--allow-partial): the source is incomplete or malformed (${this.partial.length} problems); the lines named were skipped and what the source lacks is not in PocketBase:`,
        ...this.partial.slice(0, 50).map((p) => `  ${p}`),
        "",
      );
    }
    lines.push(`Konvert import ${this.dryRun ? "(dry run, nothing written)" : ""}`.trim());
    lines.push(`source: ${this.source}`, `target: ${this.target}`, "");
    lines.push("key kind              read  imported  merged  kv_legacy  index");
    for (const [kind, c] of Object.entries(this.kinds)) {
      lines.push(
        `${kind.padEnd(20)} ${pad(c.read, 6)} ${pad(c.imported, 9)} ${pad(c.merged, 7)} ${pad(c.legacy, 10)} ${pad(c.index, 6)}`,
      );
    }
    lines.push("", "records written per collection:");
    for (const [name, n] of Object.entries(this.written)) lines.push(`  ${name.padEnd(18)} ${n}`);
    lines.push(
      "",
      `JSON strings holding JSON, decoded: ${this.decodedStrings}`,
      `users needing a password reset: ${this.usersNeedingReset.length}`,
      ...this.usersNeedingReset.slice(0, 20).map((u) => `  ${u.email || u.user}: ${u.reason}`),
      `usernames changed to stay unique: ${this.usernameChanges.length}`,
      ...this.usernameChanges.slice(0, 20).map((u) => `  ${u.from} -> ${u.to}`),
      `orphans: ${this.orphanCount}`,
      ...this.orphans.slice(0, 20).map((o) => `  ${o.key}: ${o.reason}`),
      `references dropped (into another room or at nothing): ${this.droppedReferenceCount}`,
      ...this.droppedReferences.slice(0, 50).map((o) => `  ${o.key}: ${o.reason}`),
      `shape drift: ${this.driftCount}`,
      ...this.drift.slice(0, 20).map((o) => `  ${o.key}: ${o.reason}`),
      `merged: ${this.merged.length}`,
      ...this.merged.slice(0, 20).map((o) => `  ${o.key}: ${o.reason}`),
      `conflicts with existing data: ${this.conflicts.length}`,
      ...this.conflicts.slice(0, 20).map((o) => `  ${o.key}: ${o.reason}`),
      `files found: ${this.filesFound}, newly stored: ${this.filesStored}`,
      `missing files: ${this.missingFileCount}`,
      ...this.missingFiles.slice(0, 20).map((o) => `  ${o.key}: ${o.reason}`),
      `session-encrypted content decrypted: ${this.decryptedContent}, undecryptable: ${this.undecryptableCount}`,
      ...this.undecryptable.slice(0, 20).map((o) => `  ${o.key}`),
      `bulk load (indexes rebuilt after writing): ${this.bulkLoad ? "yes" : "no"}`,
      `phases (s): ${Object.entries(this.phases)
        .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)}`)
        .join(", ")}`,
    );
    if (this.verify) {
      lines.push(
        `verify: ${this.verify.ok ? "OK" : "FAILED"} (${this.verify.checked} records checked, ${this.verify.differences.length} differences)`,
        ...this.verify.differences.slice(0, 20).map((d) => `  ${d.key}: ${d.reason}`),
      );
    }
    return lines.join("\n");
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}

// Per-room message numbers (messages.seq) and read positions (room_members.readSeq) for imported
// history, computed from pass 1's metadata: the backend derives unread counts from them. Each
// target room's messages are numbered 1, 2, 3… by (created, source id), the order the backend
// itself would have given them; source rooms merged into one target room share one numbering.
import type { MessageIndex, MessageMeta } from "./message-index.ts";

export class RoomSequence {
  /** Per target room: its messages' numbers in seq order (their times give read positions). */
  private readonly ordered = new Map<string, Uint32Array>();

  /**
   * Numbers every message (its seq in the index; 0 when its room is not imported). `byRoom` is
   * the index's grouping by source room (MessageIndex.byRoom), passed in when the caller has it
   * already: a target room fed by one source room is sorted in place in it, no copy.
   */
  constructor(
    private readonly messages: MessageIndex,
    targetRoom: (sourceRoom: string) => string | undefined,
    byRoom: Map<string, Uint32Array> = messages.byRoom(),
  ) {
    const perTarget = new Map<string, Uint32Array[]>();
    for (const [room, numbers] of byRoom) {
      const target = targetRoom(room);
      if (target === undefined) continue;
      const lists = perTarget.get(target);
      if (lists) lists.push(numbers);
      else perTarget.set(target, [numbers]);
    }
    for (const [room, lists] of perTarget) {
      let all: Uint32Array;
      if (lists.length === 1) all = lists[0] ?? new Uint32Array(0);
      else {
        all = new Uint32Array(lists.reduce((n, l) => n + l.length, 0));
        let at = 0;
        for (const list of lists) {
          all.set(list, at);
          at += list.length;
        }
      }
      all.sort((a, b) => messages.created(a) - messages.created(b) || messages.compare(a, b));
      for (let i = 0; i < all.length; i++) messages.setSeq(all[i] ?? 0, i + 1);
      this.ordered.set(room, all);
    }
  }

  /** The number of a source message (0 when its room is not imported). */
  seqOf(meta: MessageMeta | undefined): number {
    return meta?.seq ?? 0;
  }
  /** How many of the target room's messages were created at or before `readMs` (undefined: none). */
  readSeq(targetRoom: string, readMs: number | undefined): number {
    const ordered = this.ordered.get(targetRoom);
    if (!ordered || readMs === undefined) return 0;
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages.created(ordered[mid] ?? 0) <= readMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

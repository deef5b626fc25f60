// Per-room message numbers (messages.seq) and read positions (room_members.readSeq) for imported
// history, computed from pass 1's metadata: the backend derives unread counts from them. Each
// target room's messages are numbered 1, 2, 3… by (created, source id), the order the backend
// itself would have given them; source rooms merged into one target room share one numbering.
import type { MessageIndex, MessageMeta } from "./message-index.ts";

export class RoomSequence {
  /** Per target room: message times in seq order (for read positions). */
  private readonly times = new Map<string, Float64Array>();

  /** Numbers every message (its seq in the index; 0 when its room is not imported). */
  constructor(messages: MessageIndex, targetRoom: (sourceRoom: string) => string | undefined) {
    const perTarget = new Map<string, Uint32Array[]>();
    for (const [room, numbers] of messages.byRoom()) {
      const target = targetRoom(room);
      if (target === undefined) continue;
      const lists = perTarget.get(target);
      if (lists) lists.push(numbers);
      else perTarget.set(target, [numbers]);
    }
    for (const [room, lists] of perTarget) {
      const all = new Uint32Array(lists.reduce((n, l) => n + l.length, 0));
      let at = 0;
      for (const list of lists) {
        all.set(list, at);
        at += list.length;
      }
      all.sort((a, b) => messages.created(a) - messages.created(b) || messages.compare(a, b));
      const times = new Float64Array(all.length);
      for (let i = 0; i < all.length; i++) {
        const n = all[i] ?? 0;
        messages.setSeq(n, i + 1);
        times[i] = messages.created(n);
      }
      this.times.set(room, times);
    }
  }

  /** The number of a source message (0 when its room is not imported). */
  seqOf(meta: MessageMeta | undefined): number {
    return meta?.seq ?? 0;
  }
  /** How many of the target room's messages were created at or before `readMs` (undefined: none). */
  readSeq(targetRoom: string, readMs: number | undefined): number {
    const times = this.times.get(targetRoom);
    if (!times || readMs === undefined) return 0;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] ?? 0) <= readMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

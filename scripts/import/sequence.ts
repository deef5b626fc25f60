// Per-room message numbers (messages.seq) and read positions (room_members.readSeq) for imported
// history, computed from pass 1's metadata: the backend derives unread counts from them. Each
// target room's messages are numbered 1, 2, 3… by (created, source id), the order the backend
// itself would have given them; source rooms merged into one target room share one numbering.
import type { MessageMeta } from "./scan.ts";

export class RoomSequence {
  /** Per target room: message times in seq order (for read positions). */
  private readonly times = new Map<string, Float64Array>();

  /**
   * Numbers every message by writing `meta.seq` (0 when its room is not imported): pass 2 then
   * reads it from the metadata it looks up anyway instead of from a second map of a million ids.
   */
  constructor(
    messages: ReadonlyMap<string, MessageMeta>,
    targetRoom: (sourceRoom: string) => string | undefined,
  ) {
    const perRoom = new Map<string, { id: string; meta: MessageMeta }[]>();
    for (const [id, meta] of messages) {
      meta.seq = 0;
      const room = targetRoom(meta.room);
      if (room === undefined) continue;
      let list = perRoom.get(room);
      if (!list) perRoom.set(room, (list = []));
      list.push({ id, meta });
    }
    for (const [room, list] of perRoom) {
      list.sort(
        (a, b) => a.meta.created - b.meta.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      const times = new Float64Array(list.length);
      list.forEach((m, i) => {
        m.meta.seq = i + 1;
        times[i] = m.meta.created;
      });
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

// Pass 1's per-message metadata in typed arrays instead of a Map of objects: a message costs ~45
// bytes whatever the store's size (its id packed into 16 bytes when it is a UUID, as Konvert's
// are; room, author and type as numbers into small string tables), and V8 has a handful of big
// arrays to keep instead of millions of objects and strings. Ids that are not lowercase UUIDs
// live in an ordinary Map beside it.

const EMPTY = -1;
const DELETED = 1;
const LISTED = 2;

export interface MessageMeta {
  room: string;
  author: string;
  created: number;
  deleted: boolean;
  type: string;
  /** Number in its target room, set by RoomSequence once the rooms are mapped (0 until then). */
  seq: number;
}

/** Strings numbered in order of first appearance (rooms, users, types). */
class StringTable {
  readonly list: string[] = [];
  private readonly numbers = new Map<string, number>();

  number(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.list.length;
      this.list.push(text);
      this.numbers.set(text, n);
    }
    return n;
  }

  lookup(text: string): number | undefined {
    return this.numbers.get(text);
  }
}

/**
 * A set of message ids numbered 0, 1, 2… in insertion order. `capacity` (the source's row
 * count, when known) sizes the columns once: growing them by copying would hold the old and the
 * new arrays at once, and the pages of a fresh typed array are not resident until written, so an
 * estimate too high costs address space, not memory.
 */
export class IdTable {
  size = 0;
  /** Four words per UUID id (its 32 hex digits), by number. */
  private words: Uint32Array;
  /**
   * Open addressing: slot -> number + 1, 0 when free (no fill). Kept at most three quarters full
   * (linear probing stays short; half full cost 8 more bytes a message).
   */
  private slots: Int32Array;

  constructor(protected readonly capacity = 1024) {
    this.words = new Uint32Array(4 * capacity);
    this.slots = new Int32Array(powerOfTwo(Math.ceil((4 * capacity) / 3)));
  }
  /** Ids that are not lowercase UUIDs. */
  private readonly others = new Map<string, number>();
  private readonly otherIds = new Map<number, string>();

  /** The id's number, adding it when new. */
  add(id: string): number {
    const known = this.find(id);
    if (known !== EMPTY) return known;
    const n = this.size++;
    this.ensure(this.size);
    if (!pack(id, this.words, 4 * n)) {
      this.others.set(id, n);
      this.otherIds.set(n, id);
      return n;
    }
    this.place(n);
    return n;
  }

  /** The id's number, or -1. */
  find(id: string): number {
    if (!pack(id, SCRATCH, 0)) return this.others.get(id) ?? EMPTY;
    const mask = this.slots.length - 1;
    for (let slot = hash(SCRATCH, 0) & mask; ; slot = (slot + 1) & mask) {
      const n = (this.slots[slot] ?? 0) - 1;
      if (n === EMPTY) return EMPTY;
      const w = 4 * n;
      if (
        this.words[w] === SCRATCH[0] &&
        this.words[w + 1] === SCRATCH[1] &&
        this.words[w + 2] === SCRATCH[2] &&
        this.words[w + 3] === SCRATCH[3]
      ) {
        return n;
      }
    }
  }

  has(id: string): boolean {
    return this.find(id) !== EMPTY;
  }

  /** The id of number n. */
  id(n: number): string {
    return this.otherIds.get(n) ?? unpack(this.words, 4 * n);
  }

  /** Orders two numbers as their id strings would sort. */
  compare(a: number, b: number): number {
    const oa = this.otherIds.get(a);
    const ob = this.otherIds.get(b);
    if (oa !== undefined || ob !== undefined) {
      const x = oa ?? this.id(a);
      const y = ob ?? this.id(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    // lowercase hex with dashes at fixed places sorts like the 128-bit number it spells
    for (let i = 0; i < 4; i++) {
      const x = this.words[4 * a + i] ?? 0;
      const y = this.words[4 * b + i] ?? 0;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }

  /** Grows the columns to hold n entries (subclasses grow theirs too). */
  protected ensure(n: number): void {
    if (4 * n > this.words.length) this.words = grown(this.words, 4 * n);
    if (4 * (n - this.others.size) > 3 * this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let m = 0; m < n - 1; m++) if (!this.otherIds.has(m)) this.place(m);
    }
  }

  private place(n: number): void {
    const mask = this.slots.length - 1;
    let slot = hash(this.words, 4 * n) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = n + 1;
  }
}

/** Every scanned message: its id and what later phases need of it. */
export class MessageIndex extends IdTable {
  /** Rooms and users. */
  private readonly strings = new StringTable();
  /** Message types: a handful, so two bytes a message (four once there are more than 65536). */
  private readonly typeNames = new StringTable();
  private rooms = new Uint32Array(this.capacity);
  private authors = new Uint32Array(this.capacity);
  private types: Uint16Array | Uint32Array = new Uint16Array(this.capacity);
  private times = new Float64Array(this.capacity);
  /** DELETED | LISTED bits. */
  private flags = new Uint8Array(this.capacity);
  private seqs = new Uint32Array(this.capacity);

  set(id: string, meta: Omit<MessageMeta, "seq">): number {
    const n = this.add(id);
    this.rooms[n] = this.strings.number(meta.room);
    this.authors[n] = this.strings.number(meta.author);
    const type = this.typeNames.number(meta.type);
    if (type > 0xffff && this.types instanceof Uint16Array)
      this.types = Uint32Array.from(this.types);
    this.types[n] = type;
    this.times[n] = meta.created;
    // a message seen twice keeps its LISTED mark
    this.flags[n] = ((this.flags[n] ?? 0) & LISTED) | (meta.deleted ? DELETED : 0);
    this.seqs[n] = 0;
    return n;
  }

  /** A copy of the message's metadata, or undefined. */
  get(id: string): MessageMeta | undefined {
    const n = this.find(id);
    return n === EMPTY ? undefined : this.meta(n);
  }

  meta(n: number): MessageMeta {
    const list = this.strings.list;
    return {
      room: list[this.rooms[n] ?? 0] ?? "",
      author: list[this.authors[n] ?? 0] ?? "",
      created: this.times[n] ?? 0,
      deleted: ((this.flags[n] ?? 0) & DELETED) !== 0,
      type: this.typeNames.list[this.types[n] ?? 0] ?? "",
      seq: this.seqs[n] ?? 0,
    };
  }

  room(n: number): string {
    return this.strings.list[this.rooms[n] ?? 0] ?? "";
  }

  /** The number of a room or user, or undefined when no message names it. */
  stringNumber(text: string): number | undefined {
    return this.strings.lookup(text);
  }

  roomNumber(n: number): number {
    return this.rooms[n] ?? 0;
  }

  authorNumber(n: number): number {
    return this.authors[n] ?? 0;
  }

  string(number: number): string {
    return this.strings.list[number] ?? "";
  }

  created(n: number): number {
    return this.times[n] ?? 0;
  }

  deleted(n: number): boolean {
    return ((this.flags[n] ?? 0) & DELETED) !== 0;
  }

  /** Marks message n as named by a room_messages / dm_messages index. */
  setListed(n: number): void {
    this.flags[n] = (this.flags[n] ?? 0) | LISTED;
  }

  /** Whether the message exists and a room_messages / dm_messages index names it. */
  listed(id: string): boolean {
    const n = this.find(id);
    return n !== EMPTY && this.isListed(n);
  }

  isListed(n: number): boolean {
    return ((this.flags[n] ?? 0) & LISTED) !== 0;
  }

  setSeq(n: number, seq: number): void {
    this.seqs[n] = seq;
  }

  /** Message numbers grouped by source room (a counting sort, 4 bytes per message). */
  byRoom(): Map<string, Uint32Array> {
    const rooms = this.strings.list.length;
    // starts[r] = where room r's numbers begin in `order` (string numbers of users count as
    // empty rooms)
    const starts = new Uint32Array(rooms + 1);
    for (let n = 0; n < this.size; n++) {
      const r = (this.rooms[n] ?? 0) + 1;
      starts[r] = (starts[r] ?? 0) + 1;
    }
    for (let r = 0; r < rooms; r++) starts[r + 1] = (starts[r + 1] ?? 0) + (starts[r] ?? 0);
    const counts = starts;
    const order = new Uint32Array(this.size);
    const next = starts.slice(0, rooms);
    for (let n = 0; n < this.size; n++) {
      const r = this.rooms[n] ?? 0;
      const at = next[r] ?? 0;
      order[at] = n;
      next[r] = at + 1;
    }
    const out = new Map<string, Uint32Array>();
    for (let r = 0; r < rooms; r++) {
      const start = counts[r] ?? 0;
      const end = counts[r + 1] ?? 0;
      if (end > start) out.set(this.strings.list[r] ?? "", order.subarray(start, end));
    }
    return out;
  }

  protected override ensure(n: number): void {
    super.ensure(n);
    if (n > this.rooms.length) {
      this.rooms = grown(this.rooms, n);
      this.authors = grown(this.authors, n);
      this.types = grown(this.types, n);
      this.times = grown(this.times, n);
      this.flags = grown(this.flags, n);
      this.seqs = grown(this.seqs, n);
    }
  }
}

const SCRATCH = new Uint32Array(4);

/** Digit values of 0-9 and a-f by char code, -1 otherwise (upper case is not a Konvert id). */
const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 16; c++) HEX["0123456789abcdef".charCodeAt(c)] = c;
const DASH = 45;

/** Packs a lowercase UUID's 32 hex digits into four words; false when `id` is not one. */
function pack(id: string, into: Uint32Array, at: number): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== DASH) return false;
      continue;
    }
    const v = c < 128 ? (HEX[c] ?? -1) : -1;
    if (v < 0) return false;
    word = (word << 4) | v;
    if (++digits % 8 === 0) {
      into[at + digits / 8 - 1] = word >>> 0;
      word = 0;
    }
  }
  return true;
}

function unpack(words: Uint32Array, at: number): string {
  const h = (i: number) => (words[at + i] ?? 0).toString(16).padStart(8, "0");
  const [a, b, c, d] = [h(0), h(1), h(2), h(3)];
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** UUIDs are random in most words but v1/v7 are not in the first: mix all four. */
function hash(words: Uint32Array, at: number): number {
  let h = 0x9e3779b9;
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ (words[at + i] ?? 0), 0x85ebca6b);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

function powerOfTwo(atLeast: number): number {
  let n = 1024;
  while (n < atLeast) n *= 2;
  return n;
}

type Typed = Uint32Array | Uint16Array | Uint8Array | Float64Array;

function grown<T extends Typed>(array: T, atLeast: number): T {
  let length = Math.max(1024, array.length);
  while (length < atLeast) length *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

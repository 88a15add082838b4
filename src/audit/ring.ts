// A fixed-capacity ring buffer: the per-sink audit queue. Allocated once at start; push,
// peek and discard never allocate per event and never grow, so a slow sink costs memory
// bounded by `capacity` and nothing more.
//
//   capacity = 8, head = 5, size = 5 (three events wrapped around to the front)
//
//    index:   0     1     2     3     4     5     6     7
//          +-----+-----+-----+-----+-----+-----+-----+-----+
//          | e4  | e5  |     |     |     | e1  | e2  | e3  |
//          +-----+-----+-----+-----+-----+-----+-----+-----+
//                        ^                 ^
//                        tail              head (oldest)
//
//   push:    slots[tail] = item, where tail = (head + size) % capacity; size + 1
//   peek(n): copies the n oldest items, starting at head, without removing them
//   discard(n): clears n slots from head, head = (head + n) % capacity; size - n
//
// Full when size === capacity: the caller drops the new item, the queued ones stay.
// INVARIANT: slots outside [head, head + size) hold undefined, so the ring keeps no
// reference to events that were written.

export class Ring<T> {
  readonly capacity: number;
  #slots: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring: capacity \`${capacity}\` is not a positive integer`);
    }
    this.capacity = capacity;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  isFull(): boolean {
    return this.#size === this.capacity;
  }

  /** Adds an item at the tail; false (and nothing stored) when the ring is full. */
  push(item: T): boolean {
    if (this.isFull()) return false;
    this.#slots[(this.#head + this.#size) % this.capacity] = item;
    this.#size += 1;
    return true;
  }

  /** A copy of up to `count` oldest items, oldest first; the ring is unchanged. */
  peek(count: number): T[] {
    const taken = Math.min(count, this.#size);
    const items = new Array<T>(taken);
    for (let i = 0; i < taken; i += 1) {
      items[i] = this.#slots[(this.#head + i) % this.capacity] as T;
    }
    return items;
  }

  /** Removes up to `count` oldest items and returns how many were removed. */
  discard(count: number): number {
    const removed = Math.min(count, this.#size);
    for (let i = 0; i < removed; i += 1) {
      this.#slots[(this.#head + i) % this.capacity] = undefined;
    }
    this.#head = (this.#head + removed) % this.capacity;
    this.#size -= removed;
    return removed;
  }
}

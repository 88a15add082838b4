/**
 * A first-in-first-out queue on a growable ring buffer: O(1) push and shift (Array#shift
 * moves every element, which a queue of 2,000 idle connections does thousands of times a second).
 */
export class Fifo<T> {
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(initialCapacity = 16) {
    this.#items = new Array<T | undefined>(Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) % this.#items.length] = item;
    this.#size += 1;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size -= 1;
    return item;
  }

  #grow(): void {
    const items = new Array<T | undefined>(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = items;
    this.#head = 0;
  }
}

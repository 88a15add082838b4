import type { IdentityResult } from './identity-result.js';

/** A credential's answer, and until when it holds (the key's or the token's expiry). */
export interface Admission {
  readonly result: IdentityResult;
  readonly untilMs: number;
}

/**
 * Proxy-Authorization values already judged, so the next request with the same header needs no
 * parsing, no crypto and no await: one Map lookup of the header the request carries. Bounded: a
 * Map keeps insertion order, so the first key is the oldest.
 *
 *   set(h4) with max 3:  [h1 h2 h3] -> [h2 h3 h4]   (h1 evicted)
 *
 * Keyed by the whole header, not the secret inside it, because parsing it is most of what a hit
 * saves (a JWT header's character checks cost several times its lookup). An answer depends only
 * on the header and the bundle, and a bundle builds a new resolver and with it new caches, so
 * an entry holds until its expiry. It holds the headers callers present, as their requests do.
 */
export class AdmissionCache {
  readonly #entries = new Map<string, Admission>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(header: string): Admission | undefined {
    return this.#entries.get(header);
  }

  set(header: string, admission: Admission): void {
    if (this.#maxEntries <= 0) return;
    this.#entries.delete(header);
    this.#entries.set(header, admission);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(header: string): void {
    this.#entries.delete(header);
  }
}

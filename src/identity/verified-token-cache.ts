import type { VerifiedClaims } from './jwt-claims.js';

/**
 * Tokens whose signature and claims verified, so the next request with the same token needs
 * no crypto and no await. Bounded: a Map keeps insertion order, so the first key is the oldest.
 *
 *   set(t4) with max 3:  [t1 t2 t3] -> [t2 t3 t4]   (t1 evicted)
 *
 * Only successful verifications enter; expiry and the agent registry are checked on every hit.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedClaims>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): VerifiedClaims | undefined {
    return this.#entries.get(token);
  }

  set(token: string, claims: VerifiedClaims): void {
    if (this.#maxEntries <= 0) return;
    this.#entries.delete(token);
    this.#entries.set(token, claims);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(token: string): void {
    this.#entries.delete(token);
  }
}

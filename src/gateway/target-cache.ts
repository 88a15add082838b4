// Parsed request targets, kept per exact URL text. Agents call the same URLs over and over,
// and parsing one (WHATWG URL, then host and path normalisation) allocated ~15% of a
// request's garbage in a worker (inspector sampling heap profile, open loop). The cache
// returns what parseUrlTarget returned for the same text, so a decision cannot differ from an
// uncached one. Bounded: at most MAX_ENTRIES targets of at most MAX_URL_LENGTH characters;
// when full, the oldest goes (a flood of distinct URLs only makes every lookup a miss).
import { parseUrlTarget, type UrlTarget } from '../policy/index.js';

export const MAX_ENTRIES = 1_024;
export const MAX_URL_LENGTH = 512;

export class TargetCache {
  readonly #entries = new Map<string, UrlTarget>();

  get size(): number {
    return this.#entries.size;
  }

  parse(url: string): UrlTarget {
    const cached = this.#entries.get(url);
    if (cached !== undefined) return cached;
    const parsed = parseUrlTarget(url);
    if (url.length <= MAX_URL_LENGTH) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(url, parsed);
    }
    return parsed;
  }
}

// Keeps a gateway's bundle current: long-polls GET /api/v1/bundles/current on the control
// plane (If-None-Match: "<version>", ?wait=N), so a publish reaches the gateway as soon as it
// happens. Every bundle received goes through `apply` (signature, then version, then content);
// only a verified one is persisted. When the control plane is unreachable the loop backs off
// and retries, and the gateway goes on enforcing what it has.
import { setTimeout as sleep } from 'node:timers/promises';
// The dispatcher's own request(), not undici's: importing undici would load it into every
// gateway process, `serve` workers included, that never sync over the network.
import type { Dispatcher } from 'undici';
import type { Logger } from '../observe/index.js';
import type { ApplyResult } from './bundle-holder.js';

export interface BundleSyncOptions {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  /** Verify and, if it passes, swap in (and relay to workers). */
  readonly apply: (bundle: unknown) => ApplyResult;
  readonly currentVersion: () => number | null;
  /** Called with each bundle that `apply` accepted. */
  readonly persist: (bundle: unknown) => void;
  readonly logger: Logger;
  /** Seconds the control plane may hold a poll open (default 30). */
  readonly waitSeconds?: number;
  /** Pause after a refused bundle before asking again (default 5 s). */
  readonly refusedBackoffMs?: number;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

export class BundleSync {
  readonly #options: BundleSyncOptions;
  readonly #abort = new AbortController();
  #running: Promise<void> | null = null;
  #reachable = false;

  constructor(options: BundleSyncOptions) {
    this.#options = options;
  }

  /** True after the last poll reached the control plane. */
  get reachable(): boolean {
    return this.#reachable;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.#abort.signal.aborted) {
      try {
        const outcome = await this.#pollOnce();
        if (!this.#reachable) this.#options.logger.info('control plane reachable: bundle sync running');
        this.#reachable = true;
        backoff = MIN_BACKOFF_MS;
        // A refused bundle (older, tampered) would come back at once on the next poll: wait.
        if (outcome === 'refused') {
          await sleep(this.#options.refusedBackoffMs ?? MAX_BACKOFF_MS, undefined, { signal: this.#abort.signal }).catch(() => undefined);
        }
      } catch (error) {
        if (this.#abort.signal.aborted) break;
        if (this.#reachable || backoff === MIN_BACKOFF_MS) {
          this.#options.logger.warn({ err: String(error) }, 'control plane unreachable: enforcing the last verified bundle');
        }
        this.#reachable = false;
        await sleep(backoff, undefined, { signal: this.#abort.signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async #pollOnce(): Promise<'unchanged' | 'applied' | 'refused'> {
    const wait = this.#options.waitSeconds ?? 30;
    const version = this.#options.currentVersion();
    const url = new URL(`/api/v1/bundles/current?wait=${wait}`, this.#options.baseUrl);
    const res = await this.#options.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: version === null ? {} : { 'if-none-match': `"${version}"` },
      signal: this.#abort.signal,
      headersTimeout: (wait + 10) * 1_000,
      bodyTimeout: 30_000,
    });
    if (res.statusCode === 304) {
      await res.body.dump();
      return 'unchanged';
    }
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      throw new Error(`control plane answered ${res.statusCode}: ${text.slice(0, 200)}`);
    }
    const bundle: unknown = await res.body.json();
    const applied = this.#options.apply(bundle);
    if (!applied.ok) return 'refused'; // logged and counted by `apply`
    this.#options.persist(bundle);
    return 'applied';
  }
}

// One Server-Sent Events connection. A slow reader must not make the server hold an
// unbounded backlog for it: past `maxBufferedBytes` of unsent output, events are dropped and
// counted, and the reader gets one `missed` notice with the count once the output drains.

import type { ServerResponse } from 'node:http';

/** What the stream writes to: an http.ServerResponse in the app, any Writable in tests. */
export type EventStreamOutput = Pick<ServerResponse, 'write' | 'end' | 'on' | 'off' | 'writableLength'>;

export interface EventStreamOptions {
  readonly output: EventStreamOutput;
  /** A comment line this often keeps proxies and idle timers from closing the connection. */
  readonly heartbeatMs: number;
  /** Unsent bytes above which new events are dropped, e.g. 256 KiB. */
  readonly maxBufferedBytes: number;
}

export class EventStream {
  readonly #output: EventStreamOutput;
  readonly #maxBufferedBytes: number;
  readonly #heartbeat: NodeJS.Timeout;
  #missed = 0;
  #closed = false;

  constructor(options: EventStreamOptions) {
    this.#output = options.output;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#heartbeat = setInterval(() => {
      if (!this.#isBehind()) this.#write(': heartbeat\n\n');
    }, options.heartbeatMs);
    this.#heartbeat.unref();
    this.#output.on('drain', this.#reportMissed);
    this.#write(': stream open\n\n');
  }

  /** Events dropped since the last `missed` notice. */
  get missed(): number {
    return this.#missed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues one `data:` frame, or counts it as missed while the reader is behind. */
  send(data: unknown): void {
    if (this.#closed) return;
    if (this.#isBehind()) {
      this.#missed += 1;
      return;
    }
    this.#reportMissed();
    this.#write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Stops the heartbeat; ends the output unless the connection is gone already. */
  close(options: { endOutput: boolean }): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#output.off('drain', this.#reportMissed);
    if (options.endOutput) this.#output.end();
  }

  readonly #reportMissed = (): void => {
    if (this.#missed === 0 || this.#closed) return;
    const missed = this.#missed;
    this.#missed = 0;
    this.#write(`event: missed\ndata: ${JSON.stringify({ missed })}\n\n`);
  };

  #isBehind(): boolean {
    return this.#output.writableLength > this.#maxBufferedBytes;
  }

  #write(frame: string): void {
    if (!this.#closed) this.#output.write(frame);
  }
}

// The chunked transfer coding (RFC 9112 §7.1), read incrementally to find where a message
// ends while its bytes pass through unchanged. Strict like the head parsers: no whitespace
// around a chunk size, CRLF only, no folded trailer lines, bounded sizes.
//
//   SIZE ──hex──► SIZE ──;──► EXT ──CR──► SIZE_LF ──LF──► DATA (n bytes) ─► DATA_CR ─► DATA_LF ─► SIZE
//                     └────────CR──────────┘        └─(n = 0)─► TRAILER ──CR──► END_LF ──LF──► done
//                                                                  └─line─► TRAILER_LINE ─CR LF─┘
import { CR, FIELD_VALUE, HEX_VALUE, HTAB, LF, SP, TOKEN } from './chars.js';

const SIZE = 0;
const EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER = 6;
const TRAILER_LINE = 7;
const TRAILER_LINE_LF = 8;
const END_LF = 9;
const DONE = 10;

/** Longest chunk-size line (size and extensions), and most hex digits in a size (< 2^53). */
const MAX_SIZE_LINE = 4096;
const MAX_SIZE_DIGITS = 13;

export type ChunkDataListener = (buffer: Buffer, start: number, end: number) => void;

export class ChunkedReader {
  #state = SIZE;
  #size = 0;
  #digits = 0;
  #lineBytes = 0;
  #trailerBytes = 0;
  /** In a trailer line: the colon after its name was seen. */
  #inValue = false;
  readonly #maxTrailerBytes: number;
  /** Chunk data bytes read so far (the body's length without the coding). */
  dataBytes = 0;
  /** Why the coding was refused; set when `read` returns -1. */
  error: string | null = null;

  constructor(maxTrailerBytes: number) {
    this.#maxTrailerBytes = maxTrailerBytes;
  }

  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Reads `buffer[start, end)`. Returns the index one past this message's last byte (less than
   * `end` when the message ended inside the range; the rest is the next message's), or -1 when
   * the coding is malformed. `onData` gets each run of chunk data.
   */
  read(buffer: Buffer, start: number, end: number, onData?: ChunkDataListener): number {
    if (this.error !== null) return -1; // refused once, refused for good: no resynchronising
    let i = start;
    while (i < end && this.#state !== DONE) {
      if (this.#state === DATA) {
        const take = Math.min(this.#size, end - i);
        onData?.(buffer, i, i + take);
        this.dataBytes += take;
        this.#size -= take;
        i += take;
        if (this.#size === 0) this.#state = DATA_CR;
        continue;
      }
      if (!this.#step(buffer[i] as number)) return -1;
      i++;
    }
    return i;
  }

  #fail(error: string): false {
    this.error = error;
    return false;
  }

  /** One byte outside chunk data. */
  #step(byte: number): boolean {
    switch (this.#state) {
      case SIZE:
        return this.#sizeByte(byte);
      case EXT:
        if (byte === CR) this.#state = SIZE_LF;
        else if (FIELD_VALUE[byte] !== 1) return this.#fail('a chunk extension holds a control character');
        return ++this.#lineBytes <= MAX_SIZE_LINE || this.#fail('a chunk size line is too long');
      case SIZE_LF:
        if (byte !== LF) return this.#fail('a chunk size line does not end in CRLF');
        this.#state = this.#size === 0 ? TRAILER : DATA;
        return true;
      case DATA_CR:
        this.#state = DATA_LF;
        return byte === CR || this.#fail('chunk data is not followed by CRLF');
      case DATA_LF:
        this.#state = SIZE;
        this.#digits = 0;
        this.#lineBytes = 0;
        return byte === LF || this.#fail('chunk data is not followed by CRLF');
      default:
        return this.#trailerByte(byte);
    }
  }

  #sizeByte(byte: number): boolean {
    const digit = HEX_VALUE[byte] as number;
    if (digit >= 0) {
      if (++this.#digits > MAX_SIZE_DIGITS) return this.#fail('a chunk size is too large');
      this.#size = this.#size * 16 + digit;
      this.#lineBytes++;
      return true;
    }
    if (this.#digits === 0) return this.#fail('a chunk size is not hexadecimal');
    if (byte === CR) this.#state = SIZE_LF;
    else if (byte === 0x3b) this.#state = EXT; // ';'
    else return this.#fail('a chunk size is followed by something other than `;` or CRLF');
    return true;
  }

  #trailerByte(byte: number): boolean {
    // The trailer section is its field lines (RFC 9112 §7.1.2): the CRLF that ends the body is not.
    const ending = (this.#state === TRAILER && byte === CR) || this.#state === END_LF;
    if (!ending && ++this.#trailerBytes > this.#maxTrailerBytes) return this.#fail('the trailer section is too large');
    switch (this.#state) {
      case TRAILER:
        if (byte === CR) this.#state = END_LF;
        else if (byte === SP || byte === HTAB) return this.#fail('a trailer line is folded onto the one before (obs-fold)');
        else if (TOKEN[byte] !== 1) return this.#fail('a trailer name is not a token');
        else {
          this.#state = TRAILER_LINE;
          this.#inValue = false;
        }
        return true;
      case TRAILER_LINE:
        return this.#trailerLineByte(byte);
      case TRAILER_LINE_LF:
        this.#state = TRAILER;
        return byte === LF || this.#fail('a trailer line does not end in CRLF');
      default: // END_LF
        // DONE only on the LF itself: a refused body must not read as finished.
        if (byte !== LF) return this.#fail('the chunked body does not end in CRLF');
        this.#state = DONE;
        return true;
    }
  }

  /** `name ":" value` as in a header line: a token, a colon, then no control character. */
  #trailerLineByte(byte: number): boolean {
    if (this.#inValue) {
      if (byte === CR) this.#state = TRAILER_LINE_LF;
      else if (FIELD_VALUE[byte] !== 1) return this.#fail('a trailer line holds a control character');
    } else if (byte === 0x3a) {
      this.#inValue = true; // ':'
    } else if (TOKEN[byte] !== 1) {
      return this.#fail('a trailer name is not a token');
    }
    return true;
  }
}

// Field lines (RFC 9112 §5), strictly: `name ":" OWS value OWS CRLF`, the name a token with
// nothing between it and the colon, the value free of control characters. A line folded onto
// the one before (obs-fold), a bare CR or LF, or a line without a colon is refused, never
// repaired: two parsers that repair it differently are how request smuggling starts.
import { allIn, FIELD_VALUE, HTAB, SP, skipOws, TOKEN, trimOwsEnd } from './chars.js';

export interface FieldError {
  readonly code: string;
  readonly error: string;
}

/** The fields that frame a body, with the code a malformed one is refused under. */
const FRAMING_FIELD_CODES = new Map([
  ['content-length', 'bad_content_length'],
  ['transfer-encoding', 'bad_transfer_encoding'],
]);

/**
 * Appends `[lowercased name, value]` pairs to `fields`, reading `text` from `start` up to the
 * empty line that ends the head (`text` always ends with CRLF CRLF). Returns null, or what
 * was wrong, naming the field (never echoing its value: it may be a credential).
 */
export function parseFieldLines(text: string, start: number, fields: string[]): FieldError | null {
  let pos = start;
  for (;;) {
    const eol = text.indexOf('\r\n', pos);
    if (eol === pos) return null;
    const first = text.charCodeAt(pos);
    if (first === SP || first === HTAB) return { code: 'obs_fold', error: 'a header line is folded onto the one before (obs-fold)' };
    const colon = text.indexOf(':', pos);
    if (colon < 0 || colon > eol) return { code: 'bad_header', error: 'a header line has no colon' };
    if (colon === pos || !allIn(TOKEN, text, pos, colon)) return { code: 'bad_header', error: 'a header name is not a token' };
    const name = text.slice(pos, colon).toLowerCase();
    const valueStart = skipOws(text, colon + 1, eol);
    const valueEnd = trimOwsEnd(text, valueStart, eol);
    if (!allIn(FIELD_VALUE, text, valueStart, valueEnd)) return { code: 'bad_header', error: `header \`${name}\`: the value holds a control character` };
    const framingCode = valueEnd < eol ? FRAMING_FIELD_CODES.get(name) : undefined;
    if (framingCode !== undefined && text.slice(valueEnd, eol).includes('\t')) {
      // OWS, so not part of the value (RFC 9112 §5), but llhttp (Node) does not skip it there: it
      // refuses `content-length: 5<HTAB>` and reads a response with `transfer-encoding:
      // chunked<HTAB>` to EOF. A framing field two parsers could frame differently is refused.
      return { code: framingCode, error: `header \`${name}\`: a tab after the value` };
    }
    fields.push(name, text.slice(valueStart, valueEnd));
    pos = eol + 2;
  }
}

/** The comma-separated elements of a list-valued field, OWS-trimmed and lowercased, empties
 *  dropped. Only SP and HTAB are trimmed: String.prototype.trim would also strip U+00A0, which
 *  here is the obs-text byte 0xA0, so `close\xa0` would read as `close` (other parsers do not). */
export function listElements(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const start = skipOws(part, 0, part.length);
    const element = part.slice(start, trimOwsEnd(part, start, part.length)).toLowerCase();
    if (element !== '') out.push(element);
  }
  return out;
}

/** `Content-Length`: 1*DIGIT, at most 15 digits (below 2^53, so exact as a number); -1 if not. */
export function parseContentLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
  }
  return Number(value);
}

// Character classes of RFC 9110 §5.6.2 and RFC 9112, as 256-entry tables indexed by a
// byte (or a latin1 char code): one array read per character on the parse path.

function table(accepts: (code: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let code = 0; code < 256; code++) t[code] = accepts(code) ? 1 : 0;
  return t;
}

const TCHAR_PUNCTUATION = "!#$%&'*+-.^_`|~";

function isAlnum(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** tchar: what a method or a field name is made of. */
export const TOKEN = table((code) => isAlnum(code) || TCHAR_PUNCTUATION.includes(String.fromCharCode(code)));

/** field-vchar, SP and HTAB: what a field value may hold. obs-text (0x80-0xFF) is allowed, as
 *  RFC 9110 §5.5 does; every other control character (NUL, CR, LF, DEL, ...) is not. */
export const FIELD_VALUE = table((code) => code === 0x09 || (code >= 0x20 && code !== 0x7f));

/** What a request-target may hold: visible ASCII, no space and no control (RFC 9112 §3.2). */
export const TARGET = table((code) => code > 0x20 && code < 0x7f);

/** The reason phrase of a status line: HTAB, SP, VCHAR, obs-text (RFC 9112 §4). */
export const REASON = FIELD_VALUE;

export const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d;
    t[0x61 + d] = 10 + d;
  }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

/** True when every character of `text` from `start` to `end` is in `allowed`. */
export function allIn(allowed: Uint8Array, text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (allowed[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** Index of the first non-OWS character at or after `start`, at most `end`. */
export function skipOws(text: string, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code !== SP && code !== HTAB) break;
    i++;
  }
  return i;
}

/** One past the last non-OWS character before `end`, at least `start`. */
export function trimOwsEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start) {
    const code = text.charCodeAt(i - 1);
    if (code !== SP && code !== HTAB) break;
    i--;
  }
  return i;
}

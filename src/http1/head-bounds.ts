// Where a head ends in the bytes read so far.

const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Index one past the CRLF CRLF that ends a head starting at `start`, or -1 when it has not
 * arrived yet. `searchFrom`: where the last search stopped (so a head that trickles in is not
 * scanned again from the start).
 */
export function findHeadEnd(buffer: Buffer, start: number, searchFrom: number): number {
  const at = buffer.indexOf(CRLF_CRLF, Math.max(start, searchFrom - 3));
  return at < 0 ? -1 : at + 4;
}

/** A server should skip empty lines before a request line (RFC 9112 §2.2): the index past
 *  any CRLFs at `start`. */
export function skipEmptyLines(buffer: Buffer, start: number, end: number): number {
  let i = start;
  while (i + 1 < end && buffer[i] === 0x0d && buffer[i + 1] === 0x0a) i += 2;
  return i;
}

// An audit record's JSON text, made once however many sinks write it (stdout and the store
// both did JSON.stringify on every event). Records are never changed once sealed, so the
// text stays right; the WeakMap lets it go with the record.
const texts = new WeakMap<object, string>();

/** Sealing writes an event's text as it hashes it (audit/hash.ts): kept, not made again. */
export function rememberRecordJson(record: object, text: string): void {
  texts.set(record, text);
}

export function recordJson(record: object): string {
  let text = texts.get(record);
  if (text === undefined) {
    text = JSON.stringify(record);
    texts.set(record, text);
  }
  return text;
}

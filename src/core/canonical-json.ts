// Canonical JSON: object keys sorted by code unit, no whitespace, arrays in order.
// Hashes and signatures are taken over this form, so a bundle round-tripped through any
// JSON encoder hashes the same.

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical json: non-finite number');
    }
    if (value === undefined) throw new TypeError('canonical json: undefined value');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

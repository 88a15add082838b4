const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, '': 1 };

/** `10s`, `2m`, `500ms`, `1h` or plain seconds, as seconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) return null;
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 1);
  return seconds > 0 ? seconds : null;
}

/** The shortest spelling wrk accepts: whole seconds. */
export function formatSeconds(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}

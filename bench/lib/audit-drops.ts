// Audit events a run lost, from serve's own counter: `clawgress_audit_dropped_total` on the
// admin listener's /metrics (the primary's, with its workers' summed in). The stdout file
// shows what was written; this shows what was not, so a saturated run cannot look complete.

export interface AuditDrops {
  readonly total: number;
  /** `sink/reason` -> count, only the non-zero ones. */
  readonly bySinkAndReason: ReadonlyMap<string, number>;
}

const DROPPED = /^clawgress_audit_dropped_total\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The counter's series in Prometheus text, summed per sink and reason. */
export function parseAuditDrops(metricsText: string): AuditDrops {
  const bySinkAndReason = new Map<string, number>();
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const match = DROPPED.exec(line);
    if (match === null) continue;
    const value = Number(match[2]);
    if (!Number.isFinite(value) || value === 0) continue;
    const labels = new Map([...(match[1] as string).matchAll(LABEL)].map((label) => [label[1], label[2]]));
    const key = `${labels.get('sink') ?? '?'}/${labels.get('reason') ?? '?'}`;
    bySinkAndReason.set(key, (bySinkAndReason.get(key) ?? 0) + value);
    total += value;
  }
  return { total, bySinkAndReason };
}

export async function fetchAuditDrops(metricsUrl: string): Promise<AuditDrops> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl}: ${response.status}`);
  return parseAuditDrops(await response.text());
}

/** One line for the report's notes. */
export function auditDropsNote(drops: AuditDrops): string {
  if (drops.total === 0) return 'audit: no event dropped (clawgress_audit_dropped_total is 0 for every sink)';
  const parts = [...drops.bySinkAndReason].map(([key, count]) => `${key} ${count}`);
  return `audit: **${drops.total} events dropped** (clawgress_audit_dropped_total: ${parts.join(', ')}): an audit queue was full (primary: a worker's hand-off to the primary; store, stdout: the primary's sinks)`;
}

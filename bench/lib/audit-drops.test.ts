import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditDropsNote, parseAuditDrops } from './audit-drops.js';

const METRICS = `# HELP clawgress_audit_dropped_total audit events dropped
# TYPE clawgress_audit_dropped_total counter
clawgress_audit_dropped_total{sink="store",reason="queue_full"} 120
clawgress_audit_dropped_total{reason="queue_full",sink="stdout"} 80
clawgress_audit_dropped_total{sink="primary",reason="shutdown"} 0
clawgress_audit_dropped_totals{sink="store",reason="queue_full"} 999
clawgress_audit_written_total{sink="store"} 5000
`;

test('sums the dropped counter per sink and reason, whatever the label order, and skips other series and zeros', () => {
  const drops = parseAuditDrops(METRICS);
  assert.equal(drops.total, 200);
  assert.deepEqual([...drops.bySinkAndReason], [['store/queue_full', 120], ['stdout/queue_full', 80]]);
  assert.match(auditDropsNote(drops), /200 events dropped.*store\/queue_full 120, stdout\/queue_full 80/);
});

test('no series, or only zeros, is no drop', () => {
  assert.equal(parseAuditDrops('').total, 0);
  const zeros = parseAuditDrops('clawgress_audit_dropped_total{sink="store",reason="queue_full"} 0\n');
  assert.equal(zeros.total, 0);
  assert.match(auditDropsNote(zeros), /no event dropped/);
});

import { Type, type Static } from '@sinclair/typebox';

export const AuditExportQuery = Type.Object(
  {
    since: Type.Optional(Type.String({ description: 'RFC 3339: from the first event stamped at or after it' })),
    until: Type.Optional(Type.String({ description: 'RFC 3339: up to the last event stamped before it' })),
  },
  { additionalProperties: false },
);
export type AuditExportQuery = Static<typeof AuditExportQuery>;

export const AuditExportBody = Type.String({
  description:
    'application/x-ndjson, one JSON document per line: first an export header ' +
    '(`{"record_type": "audit_export", "since", "until", "sink", ...}`), then the audit log in storage order: ' +
    'events (each with `prev_hash` and `hash`) and signed checkpoints (`"record_type": "audit_checkpoint"`). ' +
    'Check it with `clawgress audit verify FILE --public-key signing-key.pub.pem`.',
});

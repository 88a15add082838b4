export { createControlPlane, type ControlPlaneOptions } from './control-plane.js';
export { AGENT_ID_PATTERN, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './validate.js';
export { DEFAULT_OVERLAP_SECONDS, MAX_OVERLAP_SECONDS } from './agents.js';
export { MIN_HS256_SECRET_LENGTH } from './issuers.js';
export { MAX_RPM_LIMIT, MAX_RPS_LIMIT } from './quotas.js';
export type {
  AgentInput,
  AgentKeyView,
  AgentPatch,
  AgentService,
  AgentView,
  AgentWithKey,
  AuditExportQuery,
  AuditQuery,
  BundleListener,
  ControlPlane,
  ExplainInput,
  ExplainResult,
  IssuerInput,
  IssuerKeyType,
  IssuerService,
  IssuerView,
  KeyService,
  ListOptions,
  ListPage,
  PolicyBody,
  PolicyInput,
  PolicyService,
  PolicyView,
  PublishResult,
  QuotaInput,
  QuotaService,
  QuotaView,
  RotateOptions,
} from './types.js';

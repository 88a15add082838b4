// PKI for gateway <-> control-plane mTLS (`clawgress pki init|issue`).
export {
  commonNameOf,
  createCertificateAuthority,
  issueCertificate,
  type CertificateKind,
  type IssueOptions,
  type KeyPairPem,
} from './certificates.js';

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { commonNameOf, createCertificateAuthority, issueCertificate } from './certificates.js';

describe('pki', () => {
  it('issues server and client certificates that chain to the CA, with the right usages and names', async () => {
    const ca = await createCertificateAuthority({ commonName: 'clawgress test ca', days: 30 });
    const server = await issueCertificate({ ca, commonName: 'control-plane', kind: 'server', dnsNames: ['cp.internal'], ips: ['127.0.0.1'], days: 30 });
    const client = await issueCertificate({ ca, commonName: 'gw-1', kind: 'client', days: 30 });
    const caCert = new X509Certificate(ca.certPem);
    const serverCert = new X509Certificate(server.certPem);
    const clientCert = new X509Certificate(client.certPem);
    assert.equal(caCert.ca, true);
    assert.equal(serverCert.verify(caCert.publicKey), true);
    assert.equal(clientCert.verify(caCert.publicKey), true);
    assert.equal(serverCert.checkHost('cp.internal'), 'cp.internal');
    assert.equal(serverCert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.deepEqual(serverCert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.deepEqual(clientCert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(commonNameOf(client.certPem), 'gw-1');
    assert.equal(serverCert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('a certificate from another CA does not verify against this one', async () => {
    const ca = await createCertificateAuthority({ commonName: 'a', days: 1 });
    const other = await createCertificateAuthority({ commonName: 'b', days: 1 });
    const client = await issueCertificate({ ca: other, commonName: 'gw', kind: 'client', days: 1 });
    assert.equal(new X509Certificate(client.certPem).verify(new X509Certificate(ca.certPem).publicKey), false);
  });
});

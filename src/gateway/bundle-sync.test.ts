// BundleSync against a fake control plane over real mTLS: bundles signed with the wrong key,
// with tampered bytes, or older than the one in force are refused and never applied or
// persisted; a good one is applied once.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { ManualClock, type BundleContent, type SignedBundle } from '../core/index.js';
import { createLogger } from '../observe/index.js';
import { createCertificateAuthority, issueCertificate } from '../pki/index.js';
import { generateSigningKeys, signBundle } from '../policy/index.js';
import { BundleHolder } from './bundle-holder.js';
import { BundleSync } from './bundle-sync.js';

const content = (action: 'allow' | 'deny'): BundleContent => ({
  policies: [{ policy_id: 'p', version: 1, match: { domains: ['example.com'] }, action, priority: 1, enabled: true }],
  agents: [],
  issuers: [],
  quotas: [],
});

describe('BundleSync', () => {
  const closers: (() => unknown)[] = [];
  // Last opened, first closed: the sync, then its client, then the server it talks to.
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('refuses wrong-key, tampered and older bundles from the network and applies only the good one', async () => {
    const trusted = generateSigningKeys();
    const rogue = generateSigningKeys();
    const sign = (version: number, keys = trusted, action: 'allow' | 'deny' = 'deny'): SignedBundle =>
      signBundle({ content: content(action), version, createdAt: '2026-01-01T00:00:00.000Z', privateKeyPem: keys.privateKeyPem });
    const tampered = structuredClone(sign(6)) as unknown as { content: { policies: { action: string }[] } };
    tampered.content.policies[0]!.action = 'allow';
    const answers: unknown[] = [sign(6, rogue), tampered, sign(4), sign(6)];

    const ca = await createCertificateAuthority({ commonName: 'ca', days: 1 });
    const server = await issueCertificate({ ca, commonName: 'cp', kind: 'server', ips: ['127.0.0.1'], days: 1 });
    const client = await issueCertificate({ ca, commonName: 'gw', kind: 'client', days: 1 });
    const fake = https.createServer({ cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (_req, res) => {
      const next = answers.shift();
      if (next === undefined) return void setTimeout(() => res.writeHead(304).end(), 200);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => {
      fake.closeAllConnections();
      fake.close(r);
    }));

    const holder = new BundleHolder({ publicKeyPem: trusted.publicKeyPem, keyHashSecret: Buffer.alloc(32), clock: new ManualClock(), jwtClockSkewSeconds: 30 });
    assert.equal(holder.apply(sign(5)).ok, true);
    const refused: string[] = [];
    const persisted: number[] = [];
    const dispatcher = new Agent({ connect: { ca: ca.certPem, cert: client.certPem, key: client.keyPem } });
    closers.push(() => dispatcher.destroy());
    const sync = new BundleSync({
      baseUrl: `https://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      dispatcher,
      apply: (bundle) => {
        const result = holder.apply(bundle);
        if (!result.ok) refused.push(result.code);
        return result;
      },
      currentVersion: () => holder.current?.version ?? null,
      persist: (bundle) => persisted.push((bundle as SignedBundle).manifest.version),
      logger: createLogger({ level: 'silent' }),
      waitSeconds: 1,
      refusedBackoffMs: 10,
    });
    sync.start();
    closers.push(() => sync.stop());
    const deadline = Date.now() + 10_000;
    while (holder.current?.version !== 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(refused, ['signature', 'hash', 'version']);
    assert.equal(holder.current?.version, 6);
    assert.deepEqual(holder.current?.signed.content.policies.map((p) => p.action), ['deny'], 'the tampered allow never took effect');
    assert.deepEqual(persisted, [6], 'only the verified bundle reached the disk');
    assert.equal(sync.reachable, true);
  });
});

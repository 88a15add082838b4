import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { GOOD_TOKEN, loadWith as load } from '../../test/helpers/config.js';
import type { ConfigResult } from './types.js';

function loaded(options: Parameters<typeof load>[0]): Extract<ConfigResult, { ok: true }> {
  const result = load(options);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result;
}
void describe('loadConfig precedence: defaults < file < env < flags', () => {
  const files = { 'app.env': 'CLAWGRESS_LOG_LEVEL=warn\n' };

  const CASES = [
    { name: 'nothing given keeps the default', argv: [], env: {}, level: 'info', source: 'default' },
    { name: 'a file beats the default', argv: ['--config', 'app.env'], env: {}, level: 'warn', source: 'file' },
    { name: 'the environment beats the file', argv: ['--config', 'app.env'], env: { CLAWGRESS_LOG_LEVEL: 'error' }, level: 'error', source: 'env' },
    {
      name: 'a flag beats the environment and the file',
      argv: ['--config', 'app.env', '--log-level', 'debug'],
      env: { CLAWGRESS_LOG_LEVEL: 'error' },
      level: 'debug',
      source: 'flag',
    },
    { name: 'a flag not given overrides nothing', argv: ['--data-dir', '/d'], env: { CLAWGRESS_LOG_LEVEL: 'error' }, level: 'error', source: 'env' },
    { name: 'the config file may come from the environment', argv: [], env: { CLAWGRESS_CONFIG: 'app.env' }, level: 'warn', source: 'file' },
  ] as const;

  for (const testCase of CASES) {
    void it(testCase.name, () => {
      const result = loaded({ argv: testCase.argv, env: testCase.env, files });
      assert.equal(result.config.logLevel, testCase.level);
      assert.equal(result.sources.logLevel, testCase.source);
    });
  }

  void it('takes --config from the flag over CLAWGRESS_CONFIG', () => {
    const result = loaded({
      argv: ['--config', 'flag.env'],
      env: { CLAWGRESS_CONFIG: 'env.env' },
      files: { 'flag.env': 'CLAWGRESS_DATA_DIR=/from-flag-file\n' },
    });
    assert.equal(result.config.dataDir, '/from-flag-file');
    assert.equal(result.config.config, 'flag.env');
    assert.equal(result.sources.config, 'flag');
  });
});

void describe('loadConfig values', () => {
  void it('gives the documented defaults when nothing is set', () => {
    const { config, sources } = loaded({});
    assert.deepEqual(config.gatewayListen, { host: '127.0.0.1', port: 3128 });
    assert.deepEqual(config.adminListen, { host: '127.0.0.1', port: 8080 });
    assert.equal(config.dataDir, './.clawgress');
    assert.deepEqual(config.allowInternal, []);
    assert.equal(config.gatewayId, hostname());
    assert.equal(config.auditStdout, true);
    assert.equal(config.adminBodyLimit, 1024 * 1024);
    assert.equal(config.maxHeaderSize, 16 * 1024);
    assert.equal(config.upstreamConnectTimeout, 10_000);
    assert.equal(config.tunnelIdleTimeout, 300_000);
    assert.equal(config.adminToken, null);
    assert.equal(config.config, null);
    assert.ok(Object.values(sources).every((source) => source === 'default'));
  });

  void it('reads --name=value and --name value alike, keeping later = signs', () => {
    const spaced = loaded({ argv: ['--data-dir', '/a=b'] }).config.dataDir;
    const joined = loaded({ argv: ['--data-dir=/a=b'] }).config.dataDir;
    assert.deepEqual([spaced, joined], ['/a=b', '/a=b']);
  });

  void it('reads every boolean flag form', () => {
    const env = { CLAWGRESS_AUDIT_STDOUT: 'false' };
    assert.equal(loaded({ env, argv: ['--audit-stdout'] }).config.auditStdout, true);
    assert.equal(loaded({ argv: ['--audit-stdout=false'] }).config.auditStdout, false);
    assert.equal(loaded({ argv: ['--no-audit-stdout'] }).config.auditStdout, false);
    assert.equal(loaded({ env }).config.auditStdout, false);
  });

  void it('reads units, IPv6 listeners and CIDR lists', () => {
    const { config } = loaded({
      argv: ['--gateway-listen', '[::1]:0', '--admin-body-limit', '512KiB', '--client-idle-timeout', '2m', '--allow-internal', '10.0.0.0/8,fd00::/8'],
    });
    assert.deepEqual(config.gatewayListen, { host: '::1', port: 0 });
    assert.equal(config.adminBodyLimit, 524_288);
    assert.equal(config.clientIdleTimeout, 120_000);
    assert.deepEqual(config.allowInternal, ['10.0.0.0/8', 'fd00::/8']);
  });

  void it('reads a file with comments, blank lines, quotes and CRLF', () => {
    const content = `# clawgress\r\n\r\n; old style comment\r\nCLAWGRESS_ADMIN_TOKEN="${GOOD_TOKEN}"\r\n  CLAWGRESS_GATEWAY_ID = 'gw 1'\r\n`;
    const { config, sources } = loaded({ argv: ['--config', 'a.env'], files: { 'a.env': content } });
    assert.equal(config.adminToken, GOOD_TOKEN);
    assert.equal(config.gatewayId, 'gw 1');
    assert.deepEqual([sources.adminToken, sources.gatewayId], ['file', 'file']);
  });

  void it('skips environment settings of another role, which a shared host may set', () => {
    const result = loaded({ role: 'gateway', env: { CLAWGRESS_ADMIN_TOKEN: GOOD_TOKEN, PATH: '/bin' } });
    assert.equal(result.config.adminToken, null);
    assert.equal(result.sources.adminToken, undefined);
  });

  void it('lists sources only for the settings of the role', () => {
    const sources = loaded({ role: 'control-plane' }).sources;
    assert.ok('adminToken' in sources && 'adminListen' in sources);
    assert.ok(!('gatewayListen' in sources) && !('tunnelIdleTimeout' in sources));
  });
});

void describe('loadConfig freezes its result', () => {
  void it('throws on any change to the config, its nested values or the sources', () => {
    const { config, sources } = loaded({ argv: ['--allow-internal', '10.0.0.0/8'] });
    const writable = config as unknown as Record<string, unknown>;
    assert.throws(() => {
      writable.dataDir = '/elsewhere';
    }, TypeError);
    assert.throws(() => {
      (config.gatewayListen as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => (config.allowInternal as string[]).push('0.0.0.0/0'), TypeError);
    assert.throws(() => {
      sources.dataDir = 'flag';
    }, TypeError);
    assert.equal(config.dataDir, './.clawgress');
  });
});

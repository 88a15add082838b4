import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GOOD_TOKEN, loadWith as load } from '../../test/helpers/config.js';
import type { Role } from './types.js';

interface ErrorCase {
  readonly name: string;
  readonly role?: Role;
  readonly argv?: readonly string[];
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly error: string;
  readonly code: 'CLAWGRESS_ERR_CONFIG_INVALID' | 'CLAWGRESS_ERR_CONFIG_UNKNOWN';
}

const INVALID = 'CLAWGRESS_ERR_CONFIG_INVALID';
const UNKNOWN = 'CLAWGRESS_ERR_CONFIG_UNKNOWN';

const ERROR_CASES: readonly ErrorCase[] = [
  { name: 'an unknown flag is refused', argv: ['--foo', '1'], error: 'unknown setting `--foo`', code: UNKNOWN },
  {
    name: 'a flag of another role names the role',
    role: 'gateway',
    argv: ['--admin-body-limit', '1MiB'],
    error: 'setting `--admin-body-limit` does not apply to `gateway`',
    code: UNKNOWN,
  },
  {
    name: 'a removed flag names its replacement',
    argv: ['--listen', '127.0.0.1:3128'],
    error: 'unsupported setting --listen, use --gateway-listen instead',
    code: UNKNOWN,
  },
  {
    name: 'a removed variable names its replacement variable',
    env: { CLAWGRESS_LISTEN: '127.0.0.1:3128' },
    error: 'unsupported setting CLAWGRESS_LISTEN, use CLAWGRESS_GATEWAY_LISTEN instead',
    code: UNKNOWN,
  },
  { name: 'an unknown CLAWGRESS_ variable is refused', env: { CLAWGRESS_FOO: '1' }, error: 'unknown setting CLAWGRESS_FOO', code: UNKNOWN },
  {
    name: 'a flag given twice is refused',
    argv: ['--data-dir', 'a', '--data-dir=b'],
    error: 'invalid setting --data-dir: given more than once',
    code: INVALID,
  },
  {
    name: 'a boolean given in both forms counts as twice',
    argv: ['--audit-stdout', '--no-audit-stdout'],
    error: 'invalid setting --no-audit-stdout: given more than once',
    code: INVALID,
  },
  { name: 'a flag at the end without its value is refused', argv: ['--data-dir'], error: 'invalid setting --data-dir: missing value', code: INVALID },
  {
    name: 'a flag followed by another flag has no value',
    argv: ['--data-dir', '--log-level', 'debug'],
    error: 'invalid setting --data-dir: missing value',
    code: INVALID,
  },
  { name: 'a negated boolean takes no value', argv: ['--no-audit-stdout=true'], error: 'invalid setting --no-audit-stdout: takes no value', code: INVALID },
  { name: 'only booleans have a negated form', argv: ['--no-data-dir'], error: 'unknown setting `--no-data-dir`', code: UNKNOWN },
  { name: 'a positional argument is refused', argv: ['extra'], error: 'unexpected argument `extra`', code: UNKNOWN },
  {
    name: 'a secret given as a flag is refused without echoing it',
    argv: [`--admin-token=${GOOD_TOKEN}`],
    error: 'setting `--admin-token` is not a flag: set CLAWGRESS_ADMIN_TOKEN in the environment or the config file (argv is visible in ps)',
    code: UNKNOWN,
  },
  {
    name: 'a bad flag value names the flag',
    argv: ['--gateway-listen', '127.0.0.1:99999'],
    error: 'invalid setting --gateway-listen: `127.0.0.1:99999` is not HOST:PORT',
    code: INVALID,
  },
  {
    name: 'a bad CIDR names the entry',
    argv: ['--allow-internal=10.0.0.0/8,10.0.0.0/33'],
    error: 'invalid setting --allow-internal: `10.0.0.0/33` is not a CIDR',
    code: INVALID,
  },
  {
    name: 'a bad variable value names the variable',
    env: { CLAWGRESS_SHUTDOWN_GRACE: '11m' },
    error: 'invalid setting CLAWGRESS_SHUTDOWN_GRACE: `11m` is more than the maximum 10m',
    code: INVALID,
  },
  {
    name: 'a queue size over ten million is refused',
    argv: ['--audit-queue-size', '10000001'],
    error: 'invalid setting --audit-queue-size: `10000001` is more than the maximum 10000000',
    code: INVALID,
  },
  {
    name: 'a header size under 1KiB is refused in the unit of the setting',
    argv: ['--max-header-size', '512'],
    error: 'invalid setting --max-header-size: `512` is less than the minimum 1KiB',
    code: INVALID,
  },
  {
    name: 'a short admin token is refused without echoing it',
    env: { CLAWGRESS_ADMIN_TOKEN: 'hunter2-short' },
    error: 'invalid setting CLAWGRESS_ADMIN_TOKEN: must be at least 32 characters',
    code: INVALID,
  },
  {
    name: 'a bad file value fails even when the environment overrides it',
    argv: ['--config', 'app.env'],
    env: { CLAWGRESS_LOG_LEVEL: 'info' },
    files: { 'app.env': 'CLAWGRESS_LOG_LEVEL=loud\n' },
    error: 'invalid setting CLAWGRESS_LOG_LEVEL in app.env:1: `loud` is not one of fatal, error, warn, info, debug, trace',
    code: INVALID,
  },
  {
    name: 'a missing config file names where it was asked for',
    env: { CLAWGRESS_CONFIG: '/etc/clawgress/none.env' },
    error: 'invalid setting CLAWGRESS_CONFIG: cannot read `/etc/clawgress/none.env`: ENOENT',
    code: INVALID,
  },
  { name: 'an empty config path is refused', env: { CLAWGRESS_CONFIG: '' }, error: 'invalid setting CLAWGRESS_CONFIG: must not be empty', code: INVALID },
];

void describe('loadConfig refuses bad input with one line', () => {
  for (const testCase of ERROR_CASES) {
    void it(testCase.name, () => {
      assert.deepEqual(load(testCase), { ok: false, error: testCase.error, code: testCase.code });
    });
  }

  void it('never puts a secret into any error line', () => {
    const secret = 'hunter2-short';
    const results = [
      load({ env: { CLAWGRESS_ADMIN_TOKEN: secret } }),
      load({ argv: [`--admin-token=${secret}`] }),
      load({ argv: ['--config', 'a.env'], files: { 'a.env': `CLAWGRESS_ADMIN_TOKEN=${secret}\n` } }),
      load({ argv: ['--config', 'a.env'], files: { 'a.env': `CLAWGRESS_ADMIN_TOKEN ${secret}\n` } }),
    ];
    for (const result of results) {
      assert.equal(result.ok, false);
      assert.ok(!result.ok && !result.error.includes(secret), JSON.stringify(result));
    }
  });
});

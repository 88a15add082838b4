import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParseKind } from './types.js';
import { formatBytes, formatDuration, formatHostPort, formatValue, isCidr, parseValue } from './values.js';

interface ParseCase {
  readonly name: string;
  readonly kind: ParseKind;
  readonly text: string;
  readonly value?: unknown;
  readonly reason?: string;
}

const PARSE_CASES: readonly ParseCase[] = [
  { name: 'an IPv4 address and port is a host-port', kind: 'host-port', text: '127.0.0.1:3128', value: { host: '127.0.0.1', port: 3128 } },
  { name: 'a bracketed IPv6 address loses its brackets', kind: 'host-port', text: '[::1]:3128', value: { host: '::1', port: 3128 } },
  { name: 'port 0 is allowed so tests can bind a free port', kind: 'host-port', text: 'localhost:0', value: { host: 'localhost', port: 0 } },
  { name: 'a port above 65535 is refused', kind: 'host-port', text: '127.0.0.1:99999', reason: '`127.0.0.1:99999` is not HOST:PORT' },
  { name: 'a missing port is refused', kind: 'host-port', text: '127.0.0.1', reason: '`127.0.0.1` is not HOST:PORT' },
  { name: 'a missing host is refused', kind: 'host-port', text: ':3128', reason: '`:3128` is not HOST:PORT' },
  { name: 'an IPv4 address with an octet over 255 is refused', kind: 'host-port', text: '10.0.0.256:80', reason: '`10.0.0.256:80` is not HOST:PORT' },
  { name: 'a bracketed value that is not IPv6 is refused', kind: 'host-port', text: '[10.0.0.1]:80', reason: '`[10.0.0.1]:80` is not HOST:PORT' },
  {
    name: 'an IPv6 address without brackets gets a hint',
    kind: 'host-port',
    text: '::1:3128',
    reason: '`::1:3128` is not HOST:PORT (IPv6 goes in brackets: [::1]:3128)',
  },
  { name: 'IPv4 and IPv6 prefixes make a CIDR list', kind: 'cidr-list', text: '10.0.0.0/8, fd00::/8', value: ['10.0.0.0/8', 'fd00::/8'] },
  { name: 'an empty CIDR list is allowed', kind: 'cidr-list', text: '', value: [] },
  { name: 'an IPv4 prefix over 32 names the bad entry', kind: 'cidr-list', text: '10.0.0.0/8,10.0.0.0/33', reason: '`10.0.0.0/33` is not a CIDR' },
  { name: 'an IPv6 prefix over 128 is refused', kind: 'cidr-list', text: 'fd00::/129', reason: '`fd00::/129` is not a CIDR' },
  { name: 'a host name is not a CIDR', kind: 'cidr-list', text: 'example.com/8', reason: '`example.com/8` is not a CIDR' },
  { name: 'seconds become milliseconds', kind: 'duration-ms', text: '10s', value: 10_000 },
  { name: 'milliseconds stay milliseconds', kind: 'duration-ms', text: '500ms', value: 500 },
  { name: 'minutes become milliseconds', kind: 'duration-ms', text: '2m', value: 120_000 },
  { name: 'a plain number is milliseconds', kind: 'duration-ms', text: '750', value: 750 },
  { name: 'a fractional duration is refused', kind: 'duration-ms', text: '1.5s', reason: '`1.5s` is not a duration (e.g. 500ms, 10s, 2m, 1h or plain ms)' },
  { name: 'a plain number is bytes', kind: 'bytes', text: '1048576', value: 1_048_576 },
  { name: 'KiB is 1024 bytes', kind: 'bytes', text: '512KiB', value: 524_288 },
  { name: 'MiB is 1024 KiB', kind: 'bytes', text: '1MiB', value: 1_048_576 },
  { name: 'decimal megabytes are refused as ambiguous', kind: 'bytes', text: '1MB', reason: '`1MB` is not a size (e.g. 16384, 16KiB, 1MiB)' },
  { name: 'a negative integer parses and is left to the schema', kind: 'int', text: '-5', value: -5 },
  { name: 'an integer with a suffix is refused', kind: 'int', text: '10k', reason: '`10k` is not an integer' },
  { name: 'false turns a boolean off', kind: 'bool', text: 'false', value: false },
  { name: 'yes turns a boolean on', kind: 'bool', text: 'yes', value: true },
  { name: 'a word that is not a boolean is refused', kind: 'bool', text: 'maybe', reason: '`maybe` is not true or false' },
  { name: 'a list drops empty entries and spaces', kind: 'list', text: 'a, b,,', value: ['a', 'b'] },
  { name: 'a string is kept as given', kind: 'string', text: ' x ', value: ' x ' },
];

void describe('parseValue', () => {
  for (const testCase of PARSE_CASES) {
    void it(testCase.name, () => {
      const parsed = parseValue(testCase.kind, testCase.text, `\`${testCase.text}\``);
      const expected = testCase.reason === undefined ? { ok: true, value: testCase.value } : { ok: false, reason: testCase.reason };
      assert.deepEqual(parsed, expected);
    });
  }

  void it('names a secret as "the value", never by its text', () => {
    assert.deepEqual(parseValue('int', 's3cret', 'the value'), { ok: false, reason: 'the value is not an integer' });
  });
});

void describe('isCidr', () => {
  void it('accepts the widest and narrowest prefixes of both families', () => {
    assert.deepEqual(['0.0.0.0/0', '10.1.2.3/32', '::/0', '::1/128'].map(isCidr), [true, true, true, true]);
  });

  void it('refuses zone ids and missing prefixes', () => {
    assert.deepEqual(['fe80::1%eth0/64', '10.0.0.1', '10.0.0.0/', '10.0.0.0/x'].map(isCidr), [false, false, false, false]);
  });
});

void describe('formatting', () => {
  void it('prints sizes in the largest exact binary unit', () => {
    assert.deepEqual([16_384, 1_048_576, 1500, 0].map(formatBytes), ['16KiB', '1MiB', '1500', '0']);
  });

  void it('prints durations in the largest exact unit', () => {
    assert.deepEqual([10_000, 300_000, 3_600_000, 1500].map(formatDuration), ['10s', '5m', '1h', '1500ms']);
  });

  void it('brackets IPv6 hosts so the address parses back', () => {
    assert.equal(formatHostPort({ host: '::1', port: 3128 }), '[::1]:3128');
    assert.equal(formatHostPort({ host: '127.0.0.1', port: 0 }), '127.0.0.1:0');
  });

  void it('prints null as the empty string and lists joined by commas', () => {
    assert.equal(formatValue('string', null), '');
    assert.equal(formatValue('cidr-list', ['10.0.0.0/8', 'fd00::/8']), '10.0.0.0/8,fd00::/8');
  });
});

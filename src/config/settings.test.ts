import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './load.js';
import { REMOVED, SETTINGS, settingsForRole } from './settings.js';
import type { ROLES } from './types.js';
import { checkSchema } from './validate.js';

function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

void describe('the settings table', () => {
  void it('names every setting the same way in flag, env and key', () => {
    for (const setting of SETTINGS) {
      const kebab = kebabCase(setting.key);
      assert.equal(setting.env, `CLAWGRESS_${kebab.replace(/-/g, '_').toUpperCase()}`);
      assert.equal(setting.flag, setting.secret === true ? null : `--${kebab}`);
    }
  });

  void it('gives every setting a default that passes its own schema', () => {
    for (const setting of SETTINGS) {
      assert.equal(checkSchema(setting, setting.default, 'default'), null, setting.key);
    }
  });

  void it('gives every setting a role and one line of help', () => {
    for (const setting of SETTINGS) {
      assert.ok(setting.roles.length > 0, setting.key);
      assert.match(setting.help, /^[a-z][^\n]*[^.]$/, setting.key);
    }
  });

  void it('has exactly the keys a loaded config has', () => {
    const result = loadConfig({ role: 'serve', argv: [], env: {} });
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.config).sort(), SETTINGS.map((setting) => setting.key).sort());
  });

  void it('gives serve every setting but those of the split deployment, since serve runs both roles in one process', () => {
    const splitOnly = ['bundlePublicKey', 'controlPlane', 'gatewayApiListen', 'keyHashSecretFile', 'tlsCa', 'tlsCert', 'tlsKey'];
    const missing = SETTINGS.filter((s) => !settingsForRole('serve').includes(s)).map((s) => s.key).sort();
    assert.deepEqual(missing, splitOnly);
  });

  void it('splits the proxy and admin settings between gateway and control-plane', () => {
    const keysOf = (role: (typeof ROLES)[number]): string[] => settingsForRole(role).map((setting) => setting.key);
    assert.ok(keysOf('gateway').includes('tunnelIdleTimeout') && !keysOf('gateway').includes('adminToken'));
    assert.ok(keysOf('control-plane').includes('adminToken') && !keysOf('control-plane').includes('gatewayListen'));
  });

  void it('points every removed setting at a setting that exists', () => {
    for (const removed of REMOVED) {
      assert.ok(SETTINGS.some((setting) => setting.key === removed.replacement), removed.flag);
      assert.ok(!SETTINGS.some((setting) => setting.flag === removed.flag || setting.env === removed.env), removed.flag);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './load.js';
import { renderEffectiveConfig, renderHelp } from './render.js';
import { SETTINGS, settingsForRole } from './settings.js';
import { ROLES } from './types.js';

void describe('renderHelp', () => {
  for (const role of ROLES) {
    void it(`lists every flag and variable of ${role} and no others`, () => {
      const help = renderHelp(role);
      const own = settingsForRole(role);
      for (const setting of own) {
        const flag = setting.parse === 'bool' ? `--[no-]${setting.flag?.slice(2)}` : setting.flag;
        if (flag !== null) assert.ok(help.includes(`${flag} `), `${role}: ${flag}`);
        assert.ok(help.includes(setting.env), `${role}: ${setting.env}`);
      }
      for (const setting of SETTINGS.filter((candidate) => !own.includes(candidate))) {
        assert.ok(!help.includes(setting.env), `${role} should not list ${setting.env}`);
      }
    });
  }

  void it('shows defaults in their units', () => {
    const help = renderHelp('serve');
    assert.match(help, /--max-header-size SIZE .*\n .*\(default: 16KiB\)/);
    assert.match(help, /--tunnel-idle-timeout DURATION .*\n .*\(default: 5m\)/);
    assert.match(help, /--gateway-listen HOST:PORT .*\n .*\(default: 127\.0\.0\.1:3128\)/);
  });

  void it('marks the admin token as environment or file only', () => {
    assert.match(renderHelp('control-plane'), /CLAWGRESS_ADMIN_TOKEN +environment or config file only/);
  });
});

void describe('renderEffectiveConfig', () => {
  const token = 'Sup3r-s3cret-admin-token-0123456789';

  function render(): string {
    const result = loadConfig({
      role: 'serve',
      argv: ['--gateway-listen', '[::1]:0', '--max-header-size=32KiB'],
      env: { CLAWGRESS_ADMIN_TOKEN: token },
    });
    assert.ok(result.ok);
    return renderEffectiveConfig(result);
  }

  void it('redacts the admin token', () => {
    const text = render();
    assert.ok(!text.includes(token));
    assert.match(text, /^CLAWGRESS_ADMIN_TOKEN=\[redacted\] +# env$/m);
  });

  void it('prints values as they would be written, with their source', () => {
    const text = render();
    assert.match(text, /^CLAWGRESS_GATEWAY_LISTEN=\[::1\]:0 +# flag$/m);
    assert.match(text, /^CLAWGRESS_MAX_HEADER_SIZE=32KiB +# flag$/m);
    assert.match(text, /^CLAWGRESS_UPSTREAM_RESPONSE_TIMEOUT=1m +# default$/m);
    assert.equal(text.trimEnd().split('\n').length, settingsForRole('serve').length);
  });

  void it('says what an unset secret will be', () => {
    const result = loadConfig({ role: 'control-plane', argv: [], env: {} });
    assert.ok(result.ok);
    assert.match(renderEffectiveConfig(result), /^CLAWGRESS_ADMIN_TOKEN= +# default: generated on first start$/m);
  });
});

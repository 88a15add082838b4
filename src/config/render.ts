// Text generated from the settings table: `--help` and the `config check` listing.
import { settingsForRole, SETTINGS } from './settings.js';
import type { Config, ConfigSource, ParseKind, Role, Setting } from './types.js';
import { formatValue } from './values.js';

const VALUE_NAMES: Record<ParseKind, string> = {
  string: 'VALUE',
  int: 'N',
  bool: '',
  list: 'ITEM[,ITEM…]',
  'host-port': 'HOST:PORT',
  'cidr-list': 'CIDR[,CIDR…]',
  'duration-ms': 'DURATION',
  bytes: 'SIZE',
};

const REDACTED = '[redacted]';

function flagUsage(setting: Setting): string {
  if (setting.flag === null) return setting.env;
  if (setting.parse === 'bool') return `--[no-]${setting.flag.slice(2)}`;
  return `${setting.flag} ${setting.valueName ?? VALUE_NAMES[setting.parse]}`;
}

function defaultShown(setting: Setting): string {
  return setting.defaultText ?? formatValue(setting.parse, setting.default);
}

function describeSetting(setting: Setting, width: number): string[] {
  const where = setting.flag === null ? 'environment or config file only' : setting.env;
  return [
    `  ${flagUsage(setting).padEnd(width)}  ${where}`,
    `      ${setting.help} (default: ${defaultShown(setting)})`,
  ];
}

export function renderHelp(role: Role): string {
  const settings = settingsForRole(role);
  const width = Math.max(...settings.map((setting) => flagUsage(setting).length));
  return [
    `settings for \`clawgress ${role}\``,
    'precedence: flags > environment > config file > defaults',
    'a config file holds CLAWGRESS_*=value lines, like a systemd EnvironmentFile',
    'durations: 500ms, 10s, 2m, 1h or plain ms; sizes: 16384, 16KiB, 1MiB',
    '',
    ...settings.flatMap((setting) => describeSetting(setting, width)),
    '',
  ].join('\n');
}

/** One `CLAWGRESS_*=value` line per setting of the role, with where the value came from. */
export function renderEffectiveConfig(result: {
  config: Readonly<Config>;
  sources: Readonly<Record<string, ConfigSource>>;
}): string {
  const rows = SETTINGS.filter((setting) => result.sources[setting.key] !== undefined).map((setting) => {
    const value = (result.config as unknown as Record<string, unknown>)[setting.key];
    const source = result.sources[setting.key] ?? 'default';
    return { assignment: `${setting.env}=${shownValue(setting, value)}`, note: sourceNote(setting, value, source) };
  });
  const width = Math.max(0, ...rows.map((row) => row.assignment.length));
  return rows.map((row) => `${row.assignment.padEnd(width)}  # ${row.note}\n`).join('');
}

function shownValue(setting: Setting, value: unknown): string {
  // INVARIANT: a secret that is set prints as [redacted], whatever its source.
  if (setting.secret === true && value !== null && value !== undefined) return REDACTED;
  return formatValue(setting.parse, value);
}

function sourceNote(setting: Setting, value: unknown, source: ConfigSource): string {
  if (source === 'default' && (value === null || setting.defaultText !== undefined)) {
    return setting.defaultText === undefined ? 'default' : `default: ${setting.defaultText}`;
  }
  return source;
}

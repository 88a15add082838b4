// The environment and the config file. Both use the CLAWGRESS_* names, so a file is the
// same text systemd's EnvironmentFile= reads: KEY=VALUE lines, `#` or `;` comments.
import { lookupEnvName } from './lookup.js';
import type { RawValue, Read } from './raw.js';
import { invalid, malformedLine, rejectedName } from './raw.js';
import type { Role } from './types.js';

const PREFIX = 'CLAWGRESS_';

/**
 * Every CLAWGRESS_* variable must be a known setting. A known setting of another role is
 * skipped, not refused: the environment is often shared by all roles on a host.
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>, role: Role): Read<RawValue[]> {
  const values: RawValue[] = [];
  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (!name.startsWith(PREFIX) || text === undefined) continue;
    const found = lookupEnvName(name, '');
    if (!found.ok) return found;
    if (!found.value.setting.roles.includes(role)) continue;
    values.push({ setting: found.value.setting, text, source: 'env', label: name });
  }
  return { ok: true, value: values };
}

interface FileLine {
  readonly key: string;
  readonly text: string;
  readonly number: number;
}

/** `path` is the file as the user named it; errors quote it with the line number. */
export function readConfigFile(options: { path: string; content: string; role: Role }): Read<RawValue[]> {
  const lines = splitLines(options.path, options.content);
  if (!lines.ok) return lines;
  const values: RawValue[] = [];
  const firstLine = new Map<string, number>();
  for (const line of lines.value) {
    const value = fileValue({ line, path: options.path, role: options.role });
    if (!value.ok) return value;
    const first = firstLine.get(line.key);
    if (first !== undefined) return invalid(value.value.label, `given more than once (first on line ${first})`);
    firstLine.set(line.key, line.number);
    values.push(value.value);
  }
  return { ok: true, value: values };
}

function fileValue(options: { line: FileLine; path: string; role: Role }): Read<RawValue> {
  const { line, path, role } = options;
  const place = ` in ${path}:${line.number}`;
  const label = `${line.key}${place}`;
  if (line.key === `${PREFIX}CONFIG`) return invalid(label, 'cannot be set in a config file');
  const found = lookupEnvName(line.key, place);
  if (!found.ok) return found;
  const setting = found.value.setting;
  // Unlike the environment, a file is written for one role, so a stray key is a mistake.
  if (!setting.roles.includes(role)) return rejectedName(`setting ${label} does not apply to \`${role}\``);
  return { ok: true, value: { setting, text: line.text, source: 'file', label } };
}

function splitLines(path: string, content: string): Read<FileLine[]> {
  const lines: FileLine[] = [];
  const rows = content.split(/\r?\n/);
  for (const [index, row] of rows.entries()) {
    const trimmed = row.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const equals = trimmed.indexOf('=');
    // The line itself is not quoted back: it may hold a secret.
    if (equals <= 0) return malformedLine(`${path}:${index + 1}`, 'expected KEY=VALUE');
    const key = trimmed.slice(0, equals).trim();
    lines.push({ key, text: unquote(trimmed.slice(equals + 1).trim()), number: index + 1 });
  }
  return { ok: true, value: lines };
}

/** systemd strips one pair of matching quotes around a value; so do we. */
function unquote(text: string): string {
  const quoted = text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.endsWith(text[0]);
  return quoted ? text.slice(1, -1) : text;
}

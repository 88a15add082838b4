// Command-line flags: `--name value`, `--name=value`, and for booleans `--name`,
// `--name=false` and `--no-name`. Each setting may be given once.
import type { FlagMatch } from './lookup.js';
import { lookupFlag } from './lookup.js';
import type { RawValue, Read } from './raw.js';
import { invalid, rejectedName } from './raw.js';
import type { Role } from './types.js';

interface FlagToken {
  readonly name: string;
  readonly inline: string | undefined;
}

function splitFlag(arg: string): FlagToken {
  const equals = arg.indexOf('=');
  if (equals === -1) return { name: arg, inline: undefined };
  return { name: arg.slice(0, equals), inline: arg.slice(equals + 1) };
}

/** `argv` is what follows the subcommand. */
export function readFlags(argv: readonly string[], role: Role): Read<RawValue[]> {
  const values: RawValue[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('--') || arg === '--') {
      return rejectedName(`unexpected argument \`${arg}\``);
    }
    const token = splitFlag(arg);
    const match = lookupFlag(token.name, role);
    if (!match.ok) return match;
    if (values.some((value) => value.setting.key === match.value.setting.key)) {
      return invalid(token.name, 'given more than once');
    }
    const text = flagText({ token, match: match.value, next: argv[index + 1] });
    if (!text.ok) return text;
    if (text.value.usedNext) index += 1;
    values.push({ setting: match.value.setting, text: text.value.text, source: 'flag', label: token.name });
  }
  return { ok: true, value: values };
}

function flagText(options: {
  token: FlagToken;
  match: FlagMatch;
  next: string | undefined;
}): Read<{ text: string; usedNext: boolean }> {
  const { token, match, next } = options;
  if (match.negated) {
    if (token.inline !== undefined) return invalid(token.name, 'takes no value');
    return { ok: true, value: { text: 'false', usedNext: false } };
  }
  if (token.inline !== undefined) return { ok: true, value: { text: token.inline, usedNext: false } };
  // A bare boolean flag means true; its value, if any, must be attached with `=`.
  if (match.setting.parse === 'bool') return { ok: true, value: { text: 'true', usedNext: false } };
  if (next === undefined || next.startsWith('--')) return invalid(token.name, 'missing value');
  return { ok: true, value: { text: next, usedNext: true } };
}

// The loader: read flags, environment and file; parse and check every value given; then
// lay them over the defaults in precedence order and freeze the result.
//
//   defaults  <  file (--config / CLAWGRESS_CONFIG)  <  environment  <  flags
//
// Every value given is checked, even one a higher source overrides: a bad line in a file
// is a bug waiting for the day the override goes away.
import { readFileSync } from 'node:fs';
import { readConfigFile, readEnv } from './env-file.js';
import { readFlags } from './flags.js';
import { deepFreeze } from './freeze.js';
import type { RawValue, Read } from './raw.js';
import { invalid } from './raw.js';
import { SETTINGS } from './settings.js';
import type { Config, ConfigResult, ConfigSource, Role } from './types.js';
import { checkSchema } from './validate.js';
import { parseValue } from './values.js';

export interface LoadOptions {
  readonly role: Role;
  /** The arguments after the subcommand. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the config file; defaults to the file system (utf8). */
  readonly readFile?: (path: string) => string;
}

interface TypedValue {
  readonly raw: RawValue;
  readonly value: unknown;
}

export function loadConfig(options: LoadOptions): ConfigResult {
  const flags = readFlags(options.argv, options.role);
  if (!flags.ok) return flags;
  const env = readEnv(options.env, options.role);
  if (!env.ok) return env;
  // Highest precedence first: the first value seen for a setting is the one that counts.
  const direct = parseAll([...flags.value, ...env.value]);
  if (!direct.ok) return direct;
  const file = readChosenFile({ given: direct.value, role: options.role, readFile: options.readFile });
  if (!file.ok) return file;
  const fromFile = parseAll(file.value);
  if (!fromFile.ok) return fromFile;
  return assemble({ given: [...direct.value, ...fromFile.value], role: options.role });
}

function parseAll(raws: readonly RawValue[]): Read<TypedValue[]> {
  const typed: TypedValue[] = [];
  for (const raw of raws) {
    // A secret's value never reaches an error message, not even a wrong one.
    const shown = raw.setting.secret === true ? 'the value' : `\`${raw.text}\``;
    const parsed = parseValue(raw.setting.parse, raw.text, shown);
    if (!parsed.ok) return invalid(raw.label, parsed.reason);
    const problem = checkSchema(raw.setting, parsed.value, shown);
    if (problem !== null) return invalid(raw.label, problem);
    typed.push({ raw, value: parsed.value });
  }
  return { ok: true, value: typed };
}

function readChosenFile(options: {
  given: readonly TypedValue[];
  role: Role;
  readFile: ((path: string) => string) | undefined;
}): Read<RawValue[]> {
  const chosen = options.given.find((typed) => typed.raw.setting.key === 'config');
  if (chosen === undefined) return { ok: true, value: [] };
  const path = chosen.value as string;
  const content = readText({ path, label: chosen.raw.label, readFile: options.readFile ?? readUtf8 });
  if (!content.ok) return content;
  return readConfigFile({ path, content: content.value, role: options.role });
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}

function readText(options: { path: string; label: string; readFile: (path: string) => string }): Read<string> {
  try {
    return { ok: true, value: options.readFile(options.path) };
  } catch (error) {
    // The errno code alone: fs messages repeat the path, and that is already in the line.
    const reason = (error as NodeJS.ErrnoException).code ?? 'read failed';
    return invalid(options.label, `cannot read \`${options.path}\`: ${reason}`);
  }
}

function assemble(options: { given: readonly TypedValue[]; role: Role }): ConfigResult {
  const config: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const setting of SETTINGS) {
    const winner = options.given.find((typed) => typed.raw.setting.key === setting.key);
    config[setting.key] = winner === undefined ? setting.default : winner.value;
    if (setting.roles.includes(options.role)) sources[setting.key] = winner?.raw.source ?? 'default';
  }
  return { ok: true, config: deepFreeze(config as unknown as Config), sources: deepFreeze(sources) };
}

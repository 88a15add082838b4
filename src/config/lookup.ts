// Finding a setting by the name a user gave, or the line that says why the name is refused.
import { REMOVED, SETTINGS, findSettingByKey } from './settings.js';
import type { Read } from './raw.js';
import { rejectedName } from './raw.js';
import type { Role, Setting } from './types.js';

export interface FlagMatch {
  readonly setting: Setting;
  /** `--no-audit-stdout`: a boolean flag given in its negative form. */
  readonly negated: boolean;
}

function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function lookupFlag(name: string, role: Role): Read<FlagMatch> {
  const removed = REMOVED.find((entry) => entry.flag === name);
  if (removed !== undefined) {
    const replacement = findSettingByKey(removed.replacement);
    const use = replacement?.flag ?? replacement?.env ?? removed.replacement;
    return rejectedName(`unsupported setting ${name}, use ${use} instead`);
  }
  const match = matchFlag(name);
  if (match === undefined) return rejectNonFlag(name);
  if (!match.setting.roles.includes(role)) {
    return rejectedName(`setting \`${name}\` does not apply to \`${role}\``);
  }
  return { ok: true, value: match };
}

function matchFlag(name: string): FlagMatch | undefined {
  const direct = SETTINGS.find((setting) => setting.flag === name);
  if (direct !== undefined) return { setting: direct, negated: false };
  if (!name.startsWith('--no-')) return undefined;
  const positive = `--${name.slice('--no-'.length)}`;
  const bool = SETTINGS.find((setting) => setting.flag === positive && setting.parse === 'bool');
  return bool === undefined ? undefined : { setting: bool, negated: true };
}

function rejectNonFlag(name: string): Read<FlagMatch> {
  // Secrets have no flag on purpose: argv is visible to every user through `ps`.
  const secret = SETTINGS.find((setting) => setting.flag === null && `--${kebabCase(setting.key)}` === name);
  if (secret !== undefined) {
    return rejectedName(
      `setting \`${name}\` is not a flag: set ${secret.env} in the environment or the config file (argv is visible in ps)`,
    );
  }
  return rejectedName(`unknown setting \`${name}\``);
}

/**
 * `place` is empty for the environment and ` in FILE:LINE` for a config file. The role is
 * not checked here: the environment and a file treat another role's settings differently.
 */
export function lookupEnvName(name: string, place: string): Read<{ setting: Setting }> {
  const removed = REMOVED.find((entry) => entry.env === name);
  if (removed !== undefined) {
    const use = findSettingByKey(removed.replacement)?.env ?? removed.replacement;
    return rejectedName(`unsupported setting ${name}${place}, use ${use} instead`);
  }
  const setting = SETTINGS.find((candidate) => candidate.env === name);
  if (setting === undefined) return rejectedName(`unknown setting ${name}${place}`);
  return { ok: true, value: { setting } };
}

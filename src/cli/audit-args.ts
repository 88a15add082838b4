// Arguments of `clawgress audit verify|prune`: a few flags, parsed by hand (these commands
// start no role, so the settings table does not apply). Unknown flags are errors.

export class AuditUsageError extends Error {}

export interface AuditArgs {
  readonly positional: readonly string[];
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

const SWITCHES = ['--json', '--dry-run'] as const;

export type ValueFlag = '--public-key' | '--data-dir' | '--store' | '--sink' | '--before';

export function parseAuditArgs(argv: readonly string[], allowed: readonly string[]): AuditArgs {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!flag.startsWith('-') || flag === '-') {
      positional.push(arg);
      continue;
    }
    if (!allowed.includes(flag)) throw new AuditUsageError(`unknown flag \`${flag}\``);
    if ((SWITCHES as readonly string[]).includes(flag)) {
      switches.add(flag);
      continue;
    }
    const value = inline ?? argv[(i += 1)];
    if (value === undefined || value === '') throw new AuditUsageError(`${flag}: needs a value`);
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  return { positional, values, switches };
}

/** The one value of a flag; a flag given twice is an error (only --public-key repeats). */
export function single(args: AuditArgs, flag: ValueFlag): string | undefined {
  const given = args.values.get(flag) ?? [];
  if (given.length > 1) throw new AuditUsageError(`${flag}: given ${given.length} times`);
  return given[0];
}

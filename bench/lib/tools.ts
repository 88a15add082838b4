import { execFileSync, spawnSync } from 'node:child_process';

const SBIN_PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

/** squid and nginx live in sbin, which a non-root PATH may lack. */
export function toolEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: SBIN_PATH };
}

export function commandExists(name: string): boolean {
  try {
    execFileSync('/bin/sh', ['-c', `command -v ${name}`], { env: toolEnv(), stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The part of a command's output (stdout and stderr) that `pattern` captures, or `?`. */
export function versionOf(command: string, args: readonly string[], pattern: RegExp): string {
  const result = spawnSync(command, args, { env: toolEnv(), encoding: 'utf8' });
  return pattern.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)?.[1] ?? '?';
}

import { execFileSync } from 'node:child_process';

// Every process the bench starts goes through this shell prefix: it raises the open-file soft
// limit to the hard limit (2,000 proxied connections need about 4,000 descriptors), then execs
// the command, so the PID we hold is the command itself.
const RAISE_AND_EXEC = 'h=$(ulimit -Hn); [ "$h" = unlimited ] && h=1048576; ulimit -n "$h" 2>/dev/null; exec "$0" "$@"';

export function withRaisedFdLimit(command: string, args: readonly string[]): { command: string; args: string[] } {
  return { command: '/bin/sh', args: ['-c', RAISE_AND_EXEC, command, ...args] };
}

/** The open-file limit the started processes get. */
export function raisedFdLimit(): number {
  const text = execFileSync('/bin/sh', ['-c', RAISE_AND_EXEC, '/bin/sh', '-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return Number(text) || 1024;
}

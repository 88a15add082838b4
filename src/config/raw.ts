// What the readers (flags, environment, file) hand the loader: text not yet parsed, tagged
// with where it came from and how the user named it, so every error can name it back.
import { ERRORS } from '../core/index.js';
import type { Setting } from './types.js';

export type RawSource = 'file' | 'env' | 'flag';

export interface RawValue {
  readonly setting: Setting;
  readonly text: string;
  readonly source: RawSource;
  /** The setting as the user named it, with its place: `--data-dir`, `CLAWGRESS_DATA_DIR in app.env:3`. */
  readonly label: string;
}

export type Failure = { ok: false; error: string; code: string };
export type Read<T> = { ok: true; value: T } | Failure;

/** A known setting with a bad value, or a bad way of giving it. */
export function invalid(label: string, reason: string): Failure {
  return { ok: false, error: `invalid setting ${label}: ${reason}`, code: ERRORS.CONFIG_INVALID.code };
}

/** A setting name that is not accepted here: unknown, removed, or for another role. */
export function rejectedName(error: string): Failure {
  return { ok: false, error, code: ERRORS.CONFIG_UNKNOWN.code };
}

/** A config file line that is not KEY=VALUE; it names no setting, only its place. */
export function malformedLine(place: string, reason: string): Failure {
  return { ok: false, error: `invalid config file ${place}: ${reason}`, code: ERRORS.CONFIG_INVALID.code };
}

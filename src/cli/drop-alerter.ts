// A full audit queue drops on every request: one warning per sink and reason at most every
// 10 s says how many. The first drop of a quiet spell is told at once; what follows within the
// window is told when the window closes, even if no further drop arrives (a burst that ends is
// still reported whole). Used where events are queued: the node's sinks (`where: node`, in the
// single process or the cluster primary) and each worker's hand-off to the primary (`worker`).
import type { Logger } from '../observe/index.js';

export const DROP_ALERT_INTERVAL_MS = 10_000;

export interface DropAlerter {
  (sink: string, reason: string, count: number): void;
  /** Logs what is pending now (on shutdown); the windows end. */
  flush(): void;
}

/** `onTold` hears every count that is logged (a worker passes it on to the primary's /readyz). */
export function createDropAlerter(
  logger: Logger,
  where: string,
  intervalMs = DROP_ALERT_INTERVAL_MS,
  onTold: (sink: string, reason: string, dropped: number) => void = () => undefined,
): DropAlerter {
  const windows = new Map<string, { sink: string; reason: string; pending: number; timer: NodeJS.Timeout }>();
  const tell = (sink: string, reason: string, dropped: number): void => {
    logger.warn({ sink, reason, dropped, where }, 'audit events dropped: the audit queue is full');
    onTold(sink, reason, dropped);
  };
  const closeWindow = (key: string): void => {
    const window = windows.get(key);
    if (window === undefined) return;
    if (window.pending === 0) {
      windows.delete(key); // quiet for a whole window: the next drop is told at once
      return;
    }
    tell(window.sink, window.reason, window.pending);
    window.pending = 0;
    window.timer = setTimeout(() => closeWindow(key), intervalMs).unref();
  };
  const alert = ((sink: string, reason: string, count: number): void => {
    const key = `${sink}\u0000${reason}`;
    const window = windows.get(key);
    if (window !== undefined) {
      window.pending += count;
      return;
    }
    tell(sink, reason, count);
    windows.set(key, { sink, reason, pending: 0, timer: setTimeout(() => closeWindow(key), intervalMs).unref() });
  }) as DropAlerter;
  alert.flush = () => {
    for (const [key, window] of windows) {
      clearTimeout(window.timer);
      if (window.pending > 0) tell(window.sink, window.reason, window.pending);
      windows.delete(key);
    }
  };
  return alert;
}

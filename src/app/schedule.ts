// Is cron running the polls as it should? A poll that comes long after the last one (cron stopped, the
// host was down) or that took longer than the interval (polls pile up on the lock) is news for whoever
// watches the monitor: an event in the log, a line in `status`, and a note in the next alert email.
import type { LogEvent } from '../core/types.js';

/** Polls more than this many intervals apart mean runs were missed. */
export const MISSED_AFTER_INTERVALS = 3;

export function formatGap(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 90) return `${m}m`;
  const h = Math.round(ms / 3_600_000);
  return h < 48 ? `${h}h` : `${Math.round(ms / 86_400_000)}d`;
}

/**
 * What this poll says about the schedule: `previous` is the last poll's time (null before the first),
 * `startedAt` when this poll began (before waiting for the lock), `now` when it read the devices.
 */
export function scheduleNotices(previous: string | null, startedAt: Date, now: Date, intervalMs: number): LogEvent[] {
  const at = now.toISOString();
  const out: LogEvent[] = [];
  if (previous) {
    const gap = startedAt.getTime() - Date.parse(previous);
    if (gap > MISSED_AFTER_INTERVALS * intervalMs) {
      const missed = Math.max(1, Math.round(gap / intervalMs) - 1);
      out.push({ at, type: 'missed-polls', device: 'simplemon', message: `no poll for ${formatGap(gap)} (about ${missed} missed at poll-interval ${formatGap(intervalMs)}): was cron stopped or the host down?` });
    }
  }
  const waited = now.getTime() - startedAt.getTime();
  if (waited > intervalMs) out.push({ at, type: 'poll-overrun', device: 'simplemon', message: `this poll waited ${formatGap(waited)} for the state lock, longer than poll-interval ${formatGap(intervalMs)}: polls overlap` });
  return out;
}

/** An overrun seen after the poll: it took longer than the interval. */
export function overrunNotice(durationMs: number, intervalMs: number, now: Date): LogEvent | null {
  if (durationMs <= intervalMs) return null;
  return { at: now.toISOString(), type: 'poll-overrun', device: 'simplemon', message: `a poll took ${formatGap(durationMs)}, longer than poll-interval ${formatGap(intervalMs)}: the next one waits for its lock` };
}

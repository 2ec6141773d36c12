// Overrides and maintenance windows: which apply now. PURE (the clock is an argument).
import type { Override } from './types.js';
import type { Maintenance } from './view.js';

/** The override if it is still in force at `now`. */
export function activeOverride(o: Override | undefined | null, now: Date): Override | null {
  if (!o) return null;
  if (o.until !== null && Date.parse(o.until) <= now.getTime()) return null;
  return o;
}

/** Device-id globs: `*` matches within one id segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function matchesGlob(glob: string, id: string): boolean {
  return globToRegExp(glob).test(id);
}

export interface WindowSpec {
  name: string;
  /** Device-id globs. */
  devices: string[];
  /** Days the window starts on, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Local wall-clock minutes after midnight; `to <= from` means it ends the next day. */
  fromMin: number;
  toMin: number;
  /** IANA zone name; undefined = the system's. */
  timezone?: string;
  reason?: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Weekday (0–6) and minutes after midnight of `t` on the wall clock of `timezone`. */
export function localClock(t: Date, timezone?: string): { day: number; min: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday')), min: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** When the wall clock of `timezone` next shows `toMin` after `now` (DST-aware to the minute). */
function nextWallTime(now: Date, toMin: number, timezone?: string): Date {
  const { min } = localClock(now, timezone);
  let delta = (toMin - min + 1440) % 1440 || 1440;
  let t = new Date(now.getTime() + delta * 60_000 - now.getUTCSeconds() * 1000 - now.getUTCMilliseconds());
  // a DST change inside the interval shifts the wall clock: correct once by what it actually shows
  const shown = localClock(t, timezone).min;
  if (shown !== toMin) t = new Date(t.getTime() + (((toMin - shown + 2160) % 1440) - 720) * 60_000);
  return t;
}

/**
 * Is `now` inside the window? Wall-clock rule, so DST needs no special case:
 *   from < to : day ∈ days and from <= min < to
 *   from >= to: (day ∈ days and min >= from) or (day − 1 ∈ days and min < to)   — across midnight
 */
export function windowCovers(w: WindowSpec, now: Date): boolean {
  const { day, min } = localClock(now, w.timezone);
  if (w.fromMin < w.toMin) return w.days.includes(day) && min >= w.fromMin && min < w.toMin;
  return (w.days.includes(day) && min >= w.fromMin) || (w.days.includes((day + 6) % 7) && min < w.toMin);
}

/** The configured maintenance window covering a device at `now`, if any. */
export function activeWindow(windows: readonly WindowSpec[] | undefined, id: string, now: Date): Maintenance | null {
  for (const w of windows ?? []) {
    if (!w.devices.some((g) => matchesGlob(g, id))) continue;
    if (!windowCovers(w, now)) continue;
    return { source: w.name, reason: w.reason ?? `maintenance window ${w.name}`, until: nextWallTime(now, w.toMin, w.timezone).toISOString() };
  }
  return null;
}

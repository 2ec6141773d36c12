// The event log as text lines (events and history commands). Device text is cleaned.
import type { LogEvent } from '../core/types.js';
import { formatTime } from '../notify/compose.js';
import { clean } from './sanitize.js';

/** What changed, for one line: `ok → critical: black toner 12% < 20%`. */
export function eventText(e: LogEvent): string {
  const change = e.from && e.to ? `${e.from} → ${e.to}` : e.to ?? '';
  return clean([change, e.message ?? ''].filter(Boolean).join(': '));
}

/** One event a line: time (in `tz`), type, device (unless left out), what changed; columns aligned. */
export function eventLines(events: readonly LogEvent[], tz: string, withDevice = true): string[] {
  const typeW = Math.max(0, ...events.map((e) => e.type.length));
  const devW = withDevice ? Math.max(0, ...events.map((e) => clean(e.device).length)) : 0;
  return events.map((e) => [formatTime(e.at, tz), clean(e.type).padEnd(typeW), ...(withDevice ? [clean(e.device).padEnd(devW)] : []), eventText(e)].join('  ').trimEnd());
}

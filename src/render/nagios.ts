// The Nagios / Icinga plugin line: one line of status text, then ` | ` and performance data, and the
// exit code (https://www.monitoring-plugins.org/doc/guidelines.html). A pure function: the clock, the
// numbers of each device and the staleness limit are arguments. It knows no device kinds: the figures
// come from the numbers each source declares (`numbersOf`).
import type { DeviceNumber } from '../core/numbers.js';
import type { Level, Severity } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import { clean } from './sanitize.js';
import { formatAgeMs as age } from './age.js';

export type PluginExit = 0 | 1 | 2 | 3;

export interface CheckResult {
  exitCode: PluginExit;
  /** The whole output, one line without the trailing newline. */
  line: string;
}

export interface CheckOptions {
  numbersOf: (v: DeviceView) => DeviceNumber[];
  now: Date;
  /** Data older than this (since the last poll) is not trusted: UNKNOWN. */
  staleAfterMs: number;
  /** The last poll (ISO), null before the first. */
  checkedAt: string | null;
  /** At most this many devices are named in the text (all of them still get perfdata). Default 10. */
  maxListed?: number;
}

const EXIT: Record<Severity, PluginExit> = { ok: 0, warning: 1, critical: 2, unknown: 3 };
const WORD: Record<Severity, string> = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };

/**
 * Which state wins when several devices are checked at once: the order of the Monitoring Plugins'
 * max_state_alt(), CRITICAL > WARNING > UNKNOWN > OK, so one unreachable device among healthy ones
 * is not hidden, but never outranks a real problem.
 */
const RANK: Record<Severity, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

/** Device text in the status part: one line, control characters visible, no `|` (it would start perfdata). */
function text(s: unknown): string {
  return clean(s).replace(/\|/g, '¦');
}

/** A perfdata label: the guidelines forbid `=` and `'` in labels; `|` and line breaks would end perfdata. */
export function perfLabel(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/['=|\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '_');
}

/** A number as perfdata accepts it: `[-0-9.]`, no exponent, at most 3 decimals. */
export function perfNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return v.toString();
  const s = v.toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * A threshold level as a Nagios range (the range is what is OK, an alert fires outside it):
 * `below: 20` → `20:` (alert when < 20), `above: 80` → `80` (alert when > 80, or < 0).
 */
export function nagiosRange(level: Level | null | undefined): string {
  if (!level) return '';
  return level.op === 'below' ? `${perfNumber(level.value)}:` : perfNumber(level.value);
}

/** UOMs of the guidelines: %, s, B, c; none for plain numbers, and none for degrees Celsius (not a Nagios UOM). */
function uom(n: DeviceNumber): string {
  return n.unit === '%' || n.unit === 's' || n.unit === 'B' || n.unit === 'c' ? n.unit : '';
}

/** `'label'=value[UOM];warn;crit;min;max`, trailing empty fields dropped; an unknown value is `U`. */
export function perfItem(label: string, n: DeviceNumber): string {
  const value = n.value === null || !Number.isFinite(n.value) ? 'U' : `${perfNumber(n.value)}${uom(n)}`;
  const fields = [
    nagiosRange(n.warning),
    nagiosRange(n.critical),
    n.min === null || n.min === undefined ? '' : perfNumber(n.min),
    n.max === null || n.max === undefined ? '' : perfNumber(n.max),
  ];
  while (fields.length && fields[fields.length - 1] === '') fields.pop();
  return [`'${perfLabel(label)}'=${value}`, ...fields].join(';');
}


/** What is special about a device besides its state: override, maintenance, acknowledgement, upstream. */
function noteOf(v: DeviceView): string {
  const notes: string[] = [];
  if (v.override && v.override.state !== 'maintenance') notes.push(`override ${v.override.state} by ${v.override.by}: ${v.override.reason}; real state ${v.realState}`);
  if (v.maintenance) notes.push(`maintenance: ${v.maintenance.reason}`);
  if (v.ack) notes.push(`acknowledged by ${v.ack.by}: ${v.ack.reason}`);
  if (v.blockedBy) notes.push(`depends on ${v.blockedBy}`);
  return notes.length ? ` (${notes.join('; ')})` : '';
}

/** `printer/office-1: black toner 12% < 20%` — the problems, or the state word when there are none. */
function deviceText(v: DeviceView): string {
  // a forced state's only problem is the override itself, which the note already says
  const problems = v.problems.filter((p) => p.rule !== 'override').map((p) => p.message);
  let what = problems.join('; ');
  if (!what) what = v.state === 'unknown' && v.lastSeen === null ? 'no data yet' : v.state;
  return `${text(v.id)}: ${text(what)}${text(noteOf(v))}`;
}

/**
 * The plugin line for a set of devices (`simplemon check <device|glob|kind>`).
 *
 * | case                                   | exit            | text after `SIMPLEMON <STATE> - `                      |
 * | ---------------------------------------| --------------- | ------------------------------------------------------ |
 * | no poll yet, or last poll > staleAfter | 3 UNKNOWN       | `data is stale (last poll …)`, no perfdata             |
 * | one device                             | its view state  | `<id>: <problems or state>` + notes                    |
 * | several                                | the worst       | `2 critical, 1 warning of 12: <id>: …; <id>: …`        |
 * | several, all ok                        | 0 OK            | `12 of 12 ok` (+ devices with notes)                   |
 *
 * The view state is what counts: an override's forced state, or under maintenance the real state —
 * both with a note, so that the reader knows why. Perfdata: every declared number of every device;
 * with several devices each label starts with the device id, so that labels stay unique.
 */
export function renderCheck(views: DeviceView[], opts: CheckOptions): CheckResult {
  const polled = opts.checkedAt === null ? NaN : Date.parse(opts.checkedAt);
  if (!Number.isFinite(polled)) return { exitCode: 3, line: 'SIMPLEMON UNKNOWN - data is stale (last poll never: run simplemon poll)' };
  if (opts.now.getTime() - polled > opts.staleAfterMs) {
    return {
      exitCode: 3,
      line: `SIMPLEMON UNKNOWN - data is stale (last poll ${text(opts.checkedAt)}, ${age(polled, opts.now)} ago; older than ${age(opts.now.getTime() - opts.staleAfterMs, opts.now)})`,
    };
  }
  if (!views.length) return renderCheckError('no device to check');

  let worst: Severity = 'ok';
  for (const v of views) if (RANK[v.state] > RANK[worst]) worst = v.state;

  // worst first; equal states keep the given (config) order
  const ordered = views.map((v, i) => ({ v, i })).sort((a, b) => RANK[b.v.state] - RANK[a.v.state] || a.i - b.i).map((x) => x.v);
  let status: string;
  if (views.length === 1) {
    status = deviceText(views[0]);
  } else {
    const counts: Record<Severity, number> = { ok: 0, warning: 0, critical: 0, unknown: 0 };
    for (const v of views) counts[v.state]++;
    const head = (['critical', 'warning', 'unknown'] as const).filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`);
    const summary = head.length ? `${head.join(', ')} of ${views.length}` : `${views.length} of ${views.length} ok`;
    const listed = ordered.filter((v) => v.state !== 'ok' || noteOf(v) !== '');
    const max = opts.maxListed ?? 10;
    const parts = listed.slice(0, max).map(deviceText);
    if (listed.length > max) parts.push(`and ${listed.length - max} more`);
    status = parts.length ? `${summary}: ${parts.join('; ')}` : summary;
  }

  const perf: string[] = [];
  for (const v of views) {
    for (const n of opts.numbersOf(v)) perf.push(perfItem(views.length === 1 ? n.key : `${v.id}/${n.key}`, n));
  }
  const line = `SIMPLEMON ${WORD[worst]} - ${status}${perf.length ? ` | ${perf.join(' ')}` : ''}`;
  return { exitCode: EXIT[worst], line };
}

/** Bad arguments, an unknown device, a bad config: never 1 or 2, which Nagios would read as WARNING or CRITICAL. */
export function renderCheckError(message: string): CheckResult {
  return { exitCode: 3, line: `SIMPLEMON UNKNOWN - ${text(message.split('\n').join(' ¶ '))}` };
}

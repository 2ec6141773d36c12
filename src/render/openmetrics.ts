// The state as Prometheus text exposition (format 0.0.4, the one node_exporter's textfile collector and
// `promtool check metrics` read), for `simplemon export --format openmetrics` and `poll --metrics-file`.
// PURE. It knows no device kinds: one family per number family that sources declare.
import type { DeviceNumber } from '../core/numbers.js';
import type { Severity } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import { clean } from './sanitize.js';

export interface OpenMetricsOptions {
  numbersOf: (v: DeviceView) => DeviceNumber[];
  /** The last poll (ISO), null before the first: then no timestamp sample. */
  checkedAt: string | null;
  /** How long the last poll took; null when not known (e.g. exported from the saved state). */
  pollDurationSeconds: number | null;
  outbox: { pending: number; failed: number };
}

const STATE_VALUE: Record<Severity, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/**
 * Label values: backslash, double quote and line feed are the three escapes of the format. Every other
 * control character (a CR, an ESC from a device's supply description) is made visible first: the format
 * would pass it raw to whoever `cat`s the file or scrapes it into a terminal.
 */
export function escapeLabelValue(s: string): string {
  const v = s.split('\n').map(clean).join('\n');
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed are escaped. */
function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A metric or label name part: `[a-zA-Z0-9_]`, lower snake_case (promtool lints camelCase). */
function snake(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

/** A label name of the number's own labels: valid, not reserved (`__…`), and not one of ours. */
function labelName(s: string): string {
  let n = snake(s) || 'label';
  if (/^[0-9]/.test(n)) n = `l_${n}`;
  if (n === 'device' || n === 'kind' || n === 'name') n = `number_${n}`;
  return n;
}

/**
 * The family of a number, in base units as the Prometheus naming rules want them:
 *   %  → `…_percent` (0–100, as declared)     s → `…_seconds`     B → `…_bytes`     C → `…_celsius`
 *   c  → a counter, `…_total`: promtool wants the suffix on counters, and on them only
 *   '' → a gauge; a trailing `_count`, `_sum`, `_bucket`, `_total` or `_created` is dropped, since promtool
 *        reserves those for histograms, summaries and counters (`jobs_count` → `jobs`)
 */
export function familyOf(kind: string, n: DeviceNumber): { name: string; type: 'gauge' | 'counter' } {
  let base = `simplemon_${snake(kind)}_${snake(n.name) || 'value'}`;
  const suffix: Record<string, string> = { '%': '_percent', s: '_seconds', B: '_bytes', C: '_celsius' };
  if (n.unit === 'c') {
    return { name: base.endsWith('_total') ? base : `${base}_total`, type: 'counter' };
  }
  base = base.replace(/_(count|sum|bucket|total|created)$/, '') || base;
  const want = suffix[n.unit];
  if (want && !base.endsWith(want)) base += want;
  return { name: base, type: 'gauge' };
}

function unitWord(n: DeviceNumber): string {
  return { '%': ' (percent, 0-100)', s: ' (seconds)', B: ' (bytes)', C: ' (degrees Celsius)', c: ' (counter)', '': '' }[n.unit] ?? '';
}

/** A sample value: finite numbers only; JS number text is what Go's ParseFloat reads. */
function sampleValue(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

interface Family {
  type: 'gauge' | 'counter';
  help: string;
  samples: string[];
}

function labelSet(labels: Array<[string, string]>): string {
  return `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/**
 * Every declared number as one sample of its family, with `device` (the id), `kind`, `name` and the
 * number's own labels; null values are left out (a gap, not a zero). When one device declares two
 * numbers of a family with the same labels (two supplies both called "toner"), those get the number's
 * `key` as a label too, so that no series is written twice. Families are written in name order,
 * samples in the order of the views (the config order), so the same state gives the same text.
 */
export function renderOpenMetrics(views: DeviceView[], opts: OpenMetricsOptions): string {
  const families = new Map<string, Family>();
  const family = (name: string, type: Family['type'], help: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type, help, samples: [] }));
    return f;
  };

  const familyCache = new Map<string, { name: string; type: Family['type']; help: string }>();
  const state = family('simplemon_device_state', 'gauge', 'Device state as status shows it: 0 ok, 1 warning, 2 critical, 3 unknown.');
  for (const v of views) {
    const base: Array<[string, string]> = [['device', v.id], ['kind', v.kind], ['name', v.name]];
    state.samples.push(`simplemon_device_state${labelSet(base)} ${STATE_VALUE[v.state]}`);

    const numbers = opts.numbersOf(v).filter((n) => n.value !== null && Number.isFinite(n.value));
    const rows = numbers.map((n) => {
      const famKey = `${v.kind}\u0000${n.name}\u0000${n.unit}`;
      let fam = familyCache.get(famKey);
      if (!fam) familyCache.set(famKey, (fam = { ...familyOf(v.kind, n), help: `simplemon ${v.kind} ${n.name.replace(/_/g, ' ')}${unitWord(n)}, as its source declares it.` }));
      const own = n.labels
        ? Object.entries(n.labels)
            .map(([k, val]): [string, string] => [labelName(k), String(val)])
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        : [];
      return { n, fam, own, id: `${fam.name}${labelSet(own)}` };
    });
    const seen = new Map<string, number>();
    for (const r of rows) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    for (const r of rows) {
      const labels = [...base, ...r.own];
      if (seen.get(r.id)! > 1) labels.push(['key', r.n.key]);
      family(r.fam.name, r.fam.type, r.fam.help).samples.push(`${r.fam.name}${labelSet(labels)} ${sampleValue(r.n.value!)}`);
    }
  }

  const polled = opts.checkedAt === null ? NaN : Date.parse(opts.checkedAt);
  if (Number.isFinite(polled)) {
    family('simplemon_last_poll_timestamp_seconds', 'gauge', 'When the last poll finished, in seconds since the Unix epoch.').samples.push(
      `simplemon_last_poll_timestamp_seconds ${sampleValue(polled / 1000)}`,
    );
  }
  if (opts.pollDurationSeconds !== null && Number.isFinite(opts.pollDurationSeconds)) {
    family('simplemon_poll_duration_seconds', 'gauge', 'How long the last poll took, in seconds.').samples.push(`simplemon_poll_duration_seconds ${sampleValue(opts.pollDurationSeconds)}`);
  }
  family('simplemon_outbox_pending', 'gauge', 'Alert emails owed and not yet accepted by the mail server.').samples.push(`simplemon_outbox_pending ${opts.outbox.pending}`);
  family('simplemon_outbox_failed', 'gauge', 'Alert emails refused for good by the mail server.').samples.push(`simplemon_outbox_failed ${opts.outbox.failed}`);

  const out: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const f = families.get(name)!;
    if (!f.samples.length) continue;
    out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`, ...f.samples);
  }
  return out.join('\n') + '\n';
}

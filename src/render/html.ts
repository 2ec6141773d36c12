// The status page: one self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched from
// elsewhere) that nginx can serve as a static file. PURE: the clock and the history are arguments.
// It knows no device kinds: devices are grouped by their `kind` as it comes, and their figures are the
// numbers each source declares (`numbersOf`).
import type { DeviceNumber } from '../core/numbers.js';
import type { Level, Severity } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import { formatAgeMs as age } from './age.js';

export interface HistoryPoint {
  /** Milliseconds since the epoch. */
  t: number;
  /** Values by the number's `key`. */
  v: Record<string, number | null>;
}

export interface HtmlPageOptions {
  numbersOf: (v: DeviceView) => DeviceNumber[];
  now: Date;
  /** The last poll (ISO), null before the first. */
  checkedAt: string | null;
  /** The data is older than it should be (the caller knows the poll interval): flagged at the top. */
  stale: boolean;
  /** Recent values per device id, oldest first: a 24 h sparkline per number. */
  history?: Map<string, HistoryPoint[]>;
  title: string;
}

/** Every piece of text that reaches the page goes through here: device names, messages, reasons, labels. */
export function escapeHtml(s: unknown): string {
  if (s === null || s === undefined) return '';
  // control characters (but tab and line feed) made visible, as on terminals
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[&<>"']|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&#39;';
      default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/** Worst first: critical, warning, unknown, ok. */
const RANK: Record<Severity, number> = { critical: 0, warning: 1, unknown: 2, ok: 3 };
const WORD: Record<Severity, string> = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };
const DAY_MS = 24 * 3600_000;


function utc(iso: string | null): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Bytes, seconds and the rest as a person reads them. */
function display(n: DeviceNumber): string {
  const v = n.value;
  if (v === null || !Number.isFinite(v)) return '—';
  if (n.unit === '%') return `${fmt(v)}%`;
  if (n.unit === 'C') return `${fmt(v)} °C`;
  if (n.unit === 's') return v < 1 ? `${Math.round(v * 1000)} ms` : v < 3600 ? `${fmt(v)} s` : v < 86400 * 2 ? `${fmt(v / 3600)} h` : `${fmt(v / 86400)} d`;
  if (n.unit === 'B') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let x = v;
    let i = 0;
    while (Math.abs(x) >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return `${fmt(x)} ${units[i]}`;
  }
  return v.toLocaleString('en-US');
}

function crossed(level: Level | null | undefined, v: number): boolean {
  if (!level) return false;
  return level.op === 'below' ? v < level.value : v > level.value;
}

/** The severity a number's own thresholds give it now (for the bar's colour). */
function numberState(n: DeviceNumber): Severity {
  if (n.value === null) return 'unknown';
  if (crossed(n.critical, n.value)) return 'critical';
  if (crossed(n.warning, n.value)) return 'warning';
  return 'ok';
}

/** A 24 h sparkline as an inline SVG polyline; gaps (null) break the line. Null when there is too little data. */
export function sparkline(points: Array<{ t: number; v: number | null }>, now: Date, n: Pick<DeviceNumber, 'unit' | 'title'>): string | null {
  const from = now.getTime() - DAY_MS;
  const recent = points.filter((p) => p.t >= from && p.t <= now.getTime());
  const values = recent.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length < 2) return null;
  const W = 120;
  const H = 24;
  // percentages on their whole 0–100 scale (a toner at 80 % looks full); anything else on its own range
  let lo = n.unit === '%' ? 0 : Math.min(...values);
  let hi = n.unit === '%' ? 100 : Math.max(...values);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const x = (t: number) => ((t - from) / DAY_MS) * W;
  const y = (v: number) => H - 1 - ((v - lo) / (hi - lo)) * (H - 2);
  const runs: string[][] = [[]];
  for (const p of recent) {
    if (p.v === null || !Number.isFinite(p.v)) {
      if (runs[runs.length - 1].length) runs.push([]);
      continue;
    }
    runs[runs.length - 1].push(`${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
  }
  const lines = runs
    .filter((r) => r.length)
    .map((r) => (r.length === 1 ? `<circle cx="${r[0].split(',')[0]}" cy="${r[0].split(',')[1]}" r="1"/>` : `<polyline points="${r.join(' ')}"/>`))
    .join('');
  const label = `${n.title}, last 24 h: ${fmt(values[0])} to ${fmt(values[values.length - 1])}`;
  return `<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${lines}</svg>`;
}

function badge(s: Severity): string {
  return `<span class="st st-${s}">${WORD[s]}</span>`;
}

/** Override, maintenance, acknowledgement and upstream failure, each with who and why. */
function notes(v: DeviceView, now: Date): string[] {
  const out: string[] = [];
  const until = (iso: string | null) => (iso ? `until ${utc(iso)}` : 'no expiry');
  if (v.override && v.override.state !== 'maintenance') {
    out.push(`<span class="mark">override ${escapeHtml(v.override.state)}</span> by ${escapeHtml(v.override.by)}, ${until(v.override.until)}: ${escapeHtml(v.override.reason)} (real state: ${escapeHtml(v.realState)})`);
  }
  if (v.maintenance) out.push(`<span class="mark">maintenance</span> ${until(v.maintenance.until)}: ${escapeHtml(v.maintenance.reason)}`);
  if (v.ack) out.push(`<span class="mark">acknowledged</span> by ${escapeHtml(v.ack.by)} ${age(Date.parse(v.ack.since), now)} ago: ${escapeHtml(v.ack.reason)}`);
  if (v.blockedBy) out.push(`<span class="mark">depends on</span> ${escapeHtml(v.blockedBy)}`);
  return out;
}

function problemText(v: DeviceView): string {
  const msgs = v.problems.map((p) => escapeHtml(p.message));
  if (!msgs.length && v.state !== 'ok') msgs.push(v.lastSeen === null ? 'no data yet' : escapeHtml(v.state));
  return msgs.join('; ');
}

function figure(n: DeviceNumber, series: HistoryPoint[] | undefined, now: Date): string {
  const s = numberState(n);
  let bar = '';
  if (n.unit === '%' && n.value !== null && Number.isFinite(n.value)) {
    const w = Math.max(0, Math.min(100, n.value));
    bar = `<span class="bar" aria-hidden="true"><span class="fill f-${s}" style="width:${w.toFixed(1)}%"></span></span>`;
  }
  const spark = series ? sparkline(series.map((p) => ({ t: p.t, v: p.v[n.key] ?? null })), now, n) : null;
  const flag = s === 'critical' || s === 'warning' ? ` <span class="flag t-${s}">${WORD[s]}</span>` : '';
  // four cells always, so that bars, values and sparklines line up from one figure to the next
  return `<li class="fig"><span class="lbl">${escapeHtml(n.title)}</span><span>${bar}</span><span class="val">${escapeHtml(display(n))}${flag}</span><span>${spark ?? ''}</span></li>`;
}

const CSS = `
:root{--ok:#1b7a2f;--warning:#b35c00;--critical:#c0172b;--unknown:#5f6368;--bg:#fff;--fg:#1d1d1f;--muted:#5f6368;--line:#dadce0;--soft:#f4f5f7}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:12px 16px 40px}
h1{font-size:1.35rem;margin:.3em 0}
h2{font-size:1.1rem;margin:1.4em 0 .5em;border-bottom:2px solid var(--line);padding-bottom:.2em}
.summary{display:flex;flex-wrap:wrap;gap:.4em .8em;align-items:center;margin:.2em 0 .6em}
.summary .when{color:var(--muted);overflow-wrap:anywhere}
.count{font-weight:600}
.stale{border:3px solid var(--critical);background:#fdecee;color:#7a0916;padding:.7em 1em;border-radius:6px;font-size:1.05rem;margin:.6em 0}
.st{display:inline-block;min-width:6.5em;text-align:center;padding:.1em .5em;border-radius:4px;font-weight:700;font-size:.8rem;letter-spacing:.03em;color:#fff}
.st-ok{background:var(--ok)}.st-warning{background:var(--warning)}.st-critical{background:var(--critical)}.st-unknown{background:var(--unknown)}
.t-ok{color:var(--ok)}.t-warning{color:var(--warning)}.t-critical{color:var(--critical)}.t-unknown{color:var(--unknown)}
.problems{list-style:none;padding:0;margin:0}
.problems li{border-left:6px solid var(--unknown);background:var(--soft);margin:.4em 0;padding:.5em .8em;border-radius:4px;overflow-wrap:anywhere}
.problems li.p-critical{border-color:var(--critical)}.problems li.p-warning{border-color:var(--warning)}
.problems .dev{font-weight:700}
.none{color:var(--ok);font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.45em .5em;border-bottom:1px solid var(--line)}
th{font-size:.85rem;color:var(--muted);font-weight:600}
td.dev{font-weight:600;overflow-wrap:anywhere}
td.dev small{display:block;font-weight:400;color:var(--muted)}
.figs{list-style:none;margin:0;padding:0}
.fig{display:grid;grid-template-columns:minmax(6em,1fr) 72px 9em 122px;align-items:center;gap:.1em .5em;font-size:.9rem;padding:.05em 0}
.lbl{color:var(--muted);overflow-wrap:anywhere}
.bar{display:inline-block;width:70px;height:10px;background:#e3e5e8;border-radius:5px;overflow:hidden;border:1px solid #c4c7cc}
.fill{display:block;height:100%;background:var(--ok)}
.f-warning{background:var(--warning)}.f-critical{background:var(--critical)}.f-unknown{background:var(--unknown)}
.val{font-variant-numeric:tabular-nums;font-weight:600;white-space:nowrap}
.flag{font-size:.75rem;font-weight:700}
.spark{fill:none;stroke:#3b6fb6;stroke-width:1.5;vertical-align:middle;display:block;background:var(--soft)}
.spark circle{fill:#3b6fb6}
.note{font-size:.85rem;overflow-wrap:anywhere}
.mark{font-weight:700;text-transform:uppercase;font-size:.75rem;background:#fff4d6;border:1px solid #e0c270;border-radius:3px;padding:0 .3em}
.age{color:var(--muted);white-space:nowrap}
footer{margin-top:2em;color:var(--muted);font-size:.8rem}
@media (max-width:760px){
 main{padding:8px 10px 30px}
 thead{display:none}
 table,tbody,tr,td{display:block;width:100%}
 tr{border:1px solid var(--line);border-radius:6px;margin:.6em 0;padding:.3em .2em}
 td{border:0;padding:.2em .5em}
 td:empty{display:none}
 td[data-label]:not(.dev)::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem}
 .fig{grid-template-columns:minmax(5em,1fr) 64px auto}
 .fig>span:last-child:empty{display:none}
 .fig>span:last-child{grid-column:2/-1}
 .bar{width:60px}
}
@media (prefers-color-scheme:dark){
 :root{--bg:#15171a;--fg:#e8eaed;--muted:#9aa0a6;--line:#3c4043;--soft:#202327}
 .stale{background:#3b0d13;color:#ffd7dc}
 .mark{background:#3d3215;border-color:#7a6426}
 .bar{background:#2c2f33;border-color:#4a4e54}
}
`;

/**
 * The page, top to bottom:
 * - title and a summary line (counts by state, age of the data), and a banner when the data is stale;
 * - Problems: every device that is not ok, worst first (critical, warning, unknown; config order within),
 *   with its problem messages and notes;
 * - one table per kind (in the order kinds first appear), devices in the given order: state word on its
 *   colour, the declared numbers (percentages as bars, a 24 h sparkline when there is history), problems
 *   and notes (override, maintenance, acknowledgement with their reasons), the age of the data.
 * Colour never carries meaning alone: every state is also written out.
 */
export function renderHtmlPage(views: DeviceView[], opts: HtmlPageOptions): string {
  const now = opts.now;
  const counts: Record<Severity, number> = { ok: 0, warning: 0, critical: 0, unknown: 0 };
  for (const v of views) counts[v.state]++;
  const polled = opts.checkedAt === null ? NaN : Date.parse(opts.checkedAt);
  const when = Number.isFinite(polled) ? `last poll ${age(polled, now)} ago (${utc(opts.checkedAt)})` : 'never polled';

  const ids = new Map(views.map((v, i) => [v, `d${i}`]));
  const body: string[] = [];
  body.push(`<h1>${escapeHtml(opts.title)}</h1>`);
  const countSpans = (['critical', 'warning', 'unknown', 'ok'] as const)
    .filter((s) => counts[s])
    .map((s) => `<span class="count t-${s}">${counts[s]} ${s}</span>`);
  body.push(`<p class="summary" id="summary"><span class="count">${views.length} device${views.length === 1 ? '' : 's'}</span>${countSpans.join('')}<span class="when">${escapeHtml(when)}</span></p>`);
  if (opts.stale) {
    body.push(
      `<div class="stale" role="alert" id="stale"><strong>STALE DATA:</strong> ${escapeHtml(when)}. The states below may no longer be true: check that simplemon poll runs (cron).</div>`,
    );
  }

  const problems = views
    .map((v, i) => ({ v, i }))
    .filter((x) => x.v.state !== 'ok')
    .sort((a, b) => RANK[a.v.state] - RANK[b.v.state] || a.i - b.i)
    .map((x) => x.v);
  body.push(`<section id="problems"><h2>Problems (${problems.length})</h2>`);
  if (!problems.length) body.push(`<p class="none">No problems: every device is ok.</p>`);
  else {
    body.push('<ul class="problems">');
    for (const v of problems) {
      const ns = notes(v, now);
      body.push(
        `<li class="p-${v.state}">${badge(v.state)} <a class="dev" href="#${ids.get(v)}">${escapeHtml(v.id)}</a>: ${problemText(v)}${ns.length ? `<div class="note">${ns.join('<br>')}</div>` : ''}</li>`,
      );
    }
    body.push('</ul>');
  }
  body.push('</section>');

  const kinds: string[] = [];
  for (const v of views) if (!kinds.includes(v.kind)) kinds.push(v.kind);
  for (const kind of kinds) {
    const vs = views.filter((v) => v.kind === kind);
    body.push(`<section class="kind" id="kind-${escapeHtml(kind)}"><h2>${escapeHtml(kind)} <span class="age">(${vs.length})</span></h2>`);
    body.push('<table><thead><tr><th>Device</th><th>State</th><th>Figures</th><th>Problems and notes</th><th>Data</th></tr></thead><tbody>');
    for (const v of vs) {
      const numbers = opts.numbersOf(v);
      const series = opts.history?.get(v.id);
      const figs = numbers.length ? `<ul class="figs">${numbers.map((n) => figure(n, series, now)).join('')}</ul>` : '';
      const ns = notes(v, now);
      const text = [problemText(v), ...ns].filter(Boolean).join('<br>');
      const seen = v.lastSeen ? `${age(Date.parse(v.lastSeen), now)} ago` : 'never';
      body.push(
        `<tr id="${ids.get(v)}" class="r-${v.state}"><td class="dev" data-label="Device">${escapeHtml(v.name)}<small>${escapeHtml(v.id)}${v.target ? ` · ${escapeHtml(v.target)}` : ''}</small></td>` +
          `<td data-label="State">${badge(v.state)}</td><td data-label="Figures">${figs}</td><td class="note" data-label="Problems">${text}</td><td class="age" data-label="Data">${seen}</td></tr>`,
      );
    }
    body.push('</tbody></table></section>');
  }
  body.push(`<footer>Written by simplemon at ${escapeHtml(utc(now.toISOString()))}; this page reloads every minute.</footer>`);

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta http-equiv="refresh" content="60">',
    `<title>${opts.stale ? 'STALE — ' : ''}${counts.critical ? `${counts.critical} critical — ` : ''}${escapeHtml(opts.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    ...body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

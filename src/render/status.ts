// status: tables for people, JSON for scripts. Functions that return strings; no I/O.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { DeviceKind } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import { clean } from './sanitize.js';
import { paintState } from './style.js';
import type { KindSpec } from '../sources/types.js';
import { KIND_SPECS, kindSpec } from '../sources/index.js';

export function formatAge(fromIso: string | null, now: Date): string {
  if (!fromIso) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

function shortTime(iso: string | null, now: Date): string {
  if (!iso) return 'no expiry';
  const t = new Date(iso);
  const sameDay = t.toDateString() === now.toDateString();
  const hm = t.toTimeString().slice(0, 5);
  return sameDay ? `until ${hm}` : `until ${t.toISOString().slice(0, 10)} ${hm}`;
}

/** What is special about a device: override, maintenance, acknowledgement, upstream failure. */
export function noteOf(d: DeviceView, now: Date): string {
  const notes: string[] = [];
  if (d.override && d.override.state !== 'maintenance') notes.push(`override ${d.override.state} by ${d.override.by} ${shortTime(d.override.until, now)}: ${d.override.reason} (real: ${d.realState})`);
  if (d.maintenance) notes.push(`maintenance ${shortTime(d.maintenance.until, now)}: ${d.maintenance.reason}`);
  if (d.ack) notes.push(`acked by ${d.ack.by}: ${d.ack.reason}`);
  if (d.blockedBy) notes.push(`depends on ${d.blockedBy}`);
  return notes.join('; ');
}

function stateCell(c: ChalkInstance, d: DeviceView): string {
  let mark = '';
  if (d.override && d.override.state !== 'maintenance') mark = ' (override)';
  else if (d.maintenance) mark = ' (maint)';
  else if (d.ack) mark = ' (ack)';
  return paintState(c, d.state, d.state) + mark;
}

export interface TableOptions {
  chalk: ChalkInstance;
  now: Date;
  width?: number;
}

/** Display width of a cell: ANSI colour codes take no room (wide characters are rare in these tables). */
function visibleWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(0, ...s.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => [...l].length));
}

/**
 * Column widths that fit the terminal. When the natural table is wider than `width`, the free-text
 * columns (`flexible`: Problems, Note) give way first, down to 20 characters; then the widest of all
 * columns, never below 8. Their cells wrap. Null: the table fits (or no terminal): natural widths.
 */
export function fitColumns(rows: string[][], width: number | undefined, flexible: number[] = []): number[] | null {
  if (!width || !rows.length) return null;
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => visibleWidth(r[i] ?? ''))) + 2); // + padding
  const total = () => w.reduce((a, b) => a + b, 0) + w.length + 1; // + borders
  if (total() <= width) return null;
  const shrink = (cols: number[], min: number) => {
    while (total() > width) {
      const candidates = cols.filter((i) => w[i] > min);
      if (!candidates.length) return;
      const widest = candidates.reduce((a, b) => (w[b] > w[a] ? b : a));
      w[widest]--;
    }
  };
  shrink(flexible, 20);
  shrink(w.map((_, i) => i), 8);
  return w;
}

export function renderKindTable(kind: DeviceKind, views: DeviceView[], opts: TableOptions): string {
  const spec: Pick<KindSpec, 'title' | 'columns'> = kindSpec(kind) ?? { title: kind, columns: [] };
  const c = opts.chalk;
  const headers = ['Device', 'State', ...spec.columns.map((x) => x.header), 'Problems', 'Age'];
  const anyNote = views.some((v) => noteOf(v, opts.now));
  if (anyNote) headers.push('Note');
  const rows = views.map((v) => {
    const problems = v.problems.map((p) => clean(p.message)).join('; ');
    const row = [clean(v.name), stateCell(c, v), ...spec.columns.map((col) => clean(col.value(v, opts.now))), problems, formatAge(v.lastSeen, opts.now)];
    if (anyNote) row.push(clean(noteOf(v, opts.now)));
    return row;
  });
  const colWidths = fitColumns([headers, ...rows], opts.width, [headers.indexOf('Problems'), headers.indexOf('Note')].filter((i) => i >= 0));
  const table = new Table({
    head: headers.map((h) => c.bold(h)),
    style: { head: [], border: [] },
    // no rule between rows: a screenful shows more devices
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    wordWrap: true,
    wrapOnWordBoundary: true,
    ...(colWidths ? { colWidths } : {}),
  });
  for (const row of rows) table.push(row);
  return `${c.bold(spec.title)}\n${table.toString()}`;
}

/** How often cron is expected to poll when the config does not say (`poll-interval`). */
export const DEFAULT_POLL_INTERVAL_MS = 5 * 60_000;

/** Data older than 3 polls is stale: cron has missed two runs in a row (or stopped). Never polled is stale too. */
export function isStale(checkedAt: string | null, now: Date, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS): boolean {
  if (!checkedAt) return true;
  return now.getTime() - Date.parse(checkedAt) > 3 * pollIntervalMs;
}

/** `5m`, `1h`, `90s`, `1h30m`: a poll interval as the config writes it. */
function formatInterval(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.round((ms % 60_000) / 1000);
  return [h ? `${h}h` : '', m ? `${m}m` : '', sec ? `${sec}s` : ''].join('') || '0s';
}

/** One table per kind, in a fixed order; a one-line summary first. */
export function renderStatus(views: DeviceView[], checkedAt: string | null, opts: TableOptions & { outbox?: { pending: number; failed: number }; pollIntervalMs?: number }): string {
  const c = opts.chalk;
  const counts: Record<string, number> = {};
  for (const v of views) counts[v.state] = (counts[v.state] ?? 0) + 1;
  const summary = ['ok', 'warning', 'critical', 'unknown']
    .filter((s) => counts[s])
    .map((s) => paintState(c, s, `${counts[s]} ${s}`))
    .join(', ');
  const interval = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  // stale data must never read as current: say so, loudly, when cron has missed its runs
  const stale = checkedAt && isStale(checkedAt, opts.now, interval) ? ` — ${c.red.bold('STALE')}${c.red(`: cron may have stopped (poll-interval ${formatInterval(interval)})`)}` : '';
  const head = `simplemon: ${views.length} device${views.length === 1 ? '' : 's'}${summary ? ` — ${summary}` : ''}; last poll ${checkedAt ? `${formatAge(checkedAt, opts.now)} ago (${checkedAt})${stale}` : 'never'}`;
  const lines = [head];
  const ob = opts.outbox;
  if (ob && (ob.pending || ob.failed)) {
    const parts = [ob.pending ? `${ob.pending} waiting to be sent` : '', ob.failed ? c.red(`${ob.failed} refused by the mail server`) : ''].filter(Boolean);
    lines.push(`alert emails: ${parts.join(', ')} — simplemon alerts pending`);
  }
  if (!views.length) return `${lines.join('\n')}\n`;
  const parts = [lines.join('\n')];
  // one table per kind, in the order the sources declare them
  for (const { kind } of KIND_SPECS) {
    const vs = views.filter((v) => v.kind === kind);
    if (vs.length) parts.push(renderKindTable(kind, vs, opts));
  }
  return parts.join('\n\n') + '\n';
}

/** The JSON contract of `status --json` (README "JSON contract"). Strings are JSON-escaped, so control characters cannot reach a terminal raw. */
export function statusJson(views: DeviceView[], checkedAt: string | null, outbox: { pending: number; failed: number } = { pending: 0, failed: 0 }, stale = false): string {
  return (
    JSON.stringify({
      schemaVersion: 1,
      checkedAt,
      stale,
      outbox,
      devices: views.map((v) => ({
        id: v.id,
        kind: v.kind,
        name: v.name,
        target: v.target,
        state: v.state,
        realState: v.realState,
        since: v.since,
        override: v.override ? { state: v.override.state, reason: v.override.reason, by: v.override.by, since: v.override.since, until: v.override.until } : null,
        maintenance: v.maintenance,
        ack: v.ack ? { reason: v.ack.reason, by: v.ack.by, since: v.ack.since } : null,
        blockedBy: v.blockedBy,
        problems: v.problems,
        lastSeen: v.lastSeen,
        metrics: v.metrics,
      })),
    }, null, 2) + '\n'
  );
}

// status: tables for people, JSON for scripts. Functions that return strings; no I/O.
import type { ChalkInstance } from 'chalk';
import type { DeviceKind } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import { clean } from './sanitize.js';
import { paintState } from './style.js';
import type { KindSpec } from '../sources/types.js';
import { KIND_SPECS, kindSpec } from '../sources/index.js';
import { drawGrid, drawList, planGrid, type GridColumn, type GridPlan } from './layout.js';
import { wrapWords } from './width.js';
import { formatAge } from './age.js';
export { formatAge };


function shortTime(iso: string | null, now: Date): string {
  if (!iso) return 'no expiry';
  const t = new Date(iso);
  const sameDay = t.toDateString() === now.toDateString();
  const hm = t.toTimeString().slice(0, 5);
  return sameDay ? `until ${hm}` : `until ${t.toISOString().slice(0, 10)} ${hm}`;
}

/** `host/vc1/esx-3` → `host esx-3`, `vcenter/vc1` → `vcenter vc1`: what a person calls it, no word longer than a name. */
function readableId(id: string): string {
  const [kind, ...rest] = id.split('/');
  if (!rest.length) return id;
  return `${kind} ${rest.length > 1 ? rest.slice(1).join('/') : rest[0]}`;
}

/** What is special about a device: override, maintenance, acknowledgement, upstream failure. */
export function noteOf(d: DeviceView, now: Date): string {
  const notes: string[] = [];
  if (d.override && d.override.state !== 'maintenance') notes.push(`override ${d.override.state} by ${d.override.by} ${shortTime(d.override.until, now)}: ${d.override.reason} (real: ${d.realState})`);
  if (d.maintenance) notes.push(`maintenance ${shortTime(d.maintenance.until, now)}: ${d.maintenance.reason}`);
  if (d.ack) notes.push(`acked by ${d.ack.by}: ${d.ack.reason}`);
  // `host esx-3` rather than the id `host/vc1/esx-3`: what a person calls it, and no word longer than a name
  if (d.blockedBy) notes.push(`depends on ${readableId(d.blockedBy)}`);
  return notes.join('; ');
}

/** The state, and whether a person or a window changed what it means: `critical (override)`; short: `critical*`. */
function stateCell(c: ChalkInstance, d: DeviceView, short = false): string {
  let mark = '';
  if (d.override && d.override.state !== 'maintenance') mark = ' (override)';
  else if (d.maintenance) mark = ' (maint)';
  else if (d.ack) mark = ' (ack)';
  return paintState(c, d.state, d.state) + (mark && short ? '*' : mark);
}

export interface TableOptions {
  chalk: ChalkInstance;
  now: Date;
  /** The width to fit (see render/width.ts outputWidth); undefined: natural widths, one line per device. */
  width?: number;
}

/** The columns of a kind's table: Device and State, the kind's own, Problems, Age, and Note when any device has one. */
export function gridColumns(spec: Pick<KindSpec, 'columns'>, views: DeviceView[], opts: TableOptions): GridColumn[] {
  const { chalk: c, now } = opts;
  const cols: GridColumn[] = [
    { header: 'Device', cells: views.map((v) => clean(v.name)), priority: Infinity, wrap: false },
    { header: 'State', cells: views.map((v) => stateCell(c, v)), shortCells: views.map((v) => stateCell(c, v, true)), priority: Infinity, wrap: false },
    ...spec.columns.map(
      (col): GridColumn => ({
        header: col.header,
        shortHeader: col.short?.header,
        cells: views.map((v) => clean(col.value(v, now))),
        shortCells: col.short?.value ? views.map((v) => clean(col.short!.value!(v, now))) : undefined,
        priority: col.priority ?? 50,
        wrap: col.wrap ?? false,
        minWidth: col.minWidth ?? 12,
      }),
    ),
    { header: 'Problems', cells: views.map((v) => v.problems.map((p) => clean(p.message)).join('; ')), priority: Infinity, wrap: true, minWidth: 16 },
    { header: 'Age', cells: views.map((v) => formatAge(v.lastSeen, now)), priority: 65, wrap: false },
  ];
  const notes = views.map((v) => clean(noteOf(v, now)));
  if (notes.some(Boolean)) cols.push({ header: 'Note', cells: notes, priority: Infinity, wrap: true, minWidth: 16 });
  return cols;
}

/** How many of the optional columns a plan shows (-1 for the list layout). */
function shown(plan: GridPlan, cols: GridColumn[]): number {
  return plan.layout === 'list' ? -1 : plan.columns.filter((p) => cols[p.index].priority !== Infinity).length;
}

export function renderKindTable(kind: DeviceKind, views: DeviceView[], opts: TableOptions): string {
  const full: Pick<KindSpec, 'title' | 'columns'> = kindSpec(kind) ?? { title: kind, columns: [] };
  // a hideWhenEmpty column (Queue) only where some device has a value for it
  const spec = { ...full, columns: full.columns.filter((col) => !col.hideWhenEmpty || views.some((v) => col.value(v, opts.now) !== '–')) };
  const c = opts.chalk;
  let cols = gridColumns(spec, views, opts);
  let plan = planGrid(cols, opts.width);
  let where = 'Note';
  if (opts.width !== undefined && cols.at(-1)!.header === 'Note') {
    // A Note column takes the room of the kind's own columns (a VM's IP) or even forces the list: the
    // note may go under the problems, in the same cell. Whichever shows more columns wins; a tie keeps
    // the Note column.
    const merged = cols.slice(0, -1);
    const note = cols.at(-1)!;
    const at = merged.findIndex((col) => col.header === 'Problems');
    merged[at] = { ...merged[at], cells: merged[at].cells.map((p, r) => [p, note.cells[r] && `Note: ${note.cells[r]}`].filter(Boolean).join('\n')) };
    const mergedPlan = planGrid(merged, opts.width);
    if (shown(mergedPlan, merged) > shown(plan, cols)) {
      cols = merged;
      plan = mergedPlan;
      where = 'Problems';
    }
  }
  if (plan.layout === 'list') return `${c.bold(spec.title)}\n${drawList(gridColumns(spec, views, opts), opts.width!)}`;
  let out = `${c.bold(spec.title)}\n${drawGrid(cols, plan, { head: (h) => c.bold(h) })}`;
  if (plan.columns[1]?.short) out += `\n${wrapWords(`* overridden, in maintenance or acknowledged: see ${where}`, opts.width!).join('\n')}`;
  return out;
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
  const top = (opts.width ? lines.flatMap((l) => wrapWords(l, opts.width!)) : lines).join('\n');
  if (!views.length) return `${top}\n`;
  const parts = [top];
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
        forecast: v.forecast,
      })),
    }, null, 2) + '\n'
  );
}

// simplemon history <device> [--since 24h] [--metric key…] [--json]: per number the latest value, min and
// max over the window, a sparkline, a forecast where one applies, and the device's events. Read-only, no
// lock. `deviceHistory` is the logic (config, state, clock in; text and JSON out) for the app layer.
//
// Which numbers get a forecast: every number whose readings look like a percentage (all within 0–100,
// or the −1/−2/−3 sentinels) — or, when the caller passes the numbers the source declares (`describe`),
// those with unit '%' — and only when the forecast finds a real fall (forecastDaysLeft() is null for a
// steady, rising or jittery level), so toner, ink and free space get one and a steady CPU % does not.
// The forecast reads at least the last `forecastDays` (14) whatever the window, so that `--since 24h`
// still sees the recent consumption.
import type { GlobalOptions } from '../main.js';
import type { Config } from '../../config/types.js';
import type { StateFile } from '../../state/types.js';
import type { DeviceNumber } from '../../core/numbers.js';
import { forecastDaysLeft, type Forecast } from '../../core/forecast.js';
import { historyDir, readHistory, type HistorySample } from '../../history/store.js';
import { sparkline, isUtf8Locale } from '../../render/sparkline.js';
import { clean } from '../../render/sanitize.js';
import { formatTime } from '../../notify/compose.js';
import { ConfigError } from '../../util/errors.js';
import { eventLines } from '../../render/events.js';
import { displayZone, sinceMs } from '../options.js';
import type { LogEvent } from '../../core/types.js';

export interface HistoryOptions {
  since?: string;
  metric?: string[];
  json?: boolean;
}

export interface HistoryContext {
  now: Date;
  /** Block characters (UTF-8 locale) or ASCII. */
  utf8: boolean;
  /** Terminal width, for the sparkline column. */
  columns?: number;
  /** The numbers the device's source declares now (titles, units), when known. */
  describe?: (id: string) => readonly DeviceNumber[] | null;
  /** Days of history the forecast reads at least. */
  forecastDays?: number;
}

export interface NumberHistory {
  key: string;
  title: string;
  unit: string;
  latest: number | null;
  latestAt: string | null;
  min: number | null;
  max: number | null;
  samples: number;
  /** Read as a percentage (declared '%', or every reading within 0–100 and the sentinels). */
  percent: boolean;
  /** null: no forecast applies (not a falling percentage, or not enough data yet). */
  forecast: Forecast | null;
  /** [epoch ms, value] over the window, oldest first. */
  points: Array<[number, number | null]>;
}

export interface DeviceHistory {
  device: string;
  since: string;
  until: string;
  polls: number;
  numbers: NumberHistory[];
  events: LogEvent[];
}

const DAY = 86_400_000;

function isPercentLike(values: readonly (number | null)[]): boolean {
  let any = false;
  for (const v of values) {
    if (v === null) continue;
    if (v < -3 || v > 100) return false;
    if (v >= 0) any = true;
  }
  return any;
}

function fmt(v: number | null, unit = ''): string {
  if (v === null) return '—';
  const s = Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1);
  return unit === '%' ? `${s}%` : unit && unit !== 'c' ? `${s} ${unit}` : s;
}

function forecastText(f: Forecast | null, tz: string): string {
  if (!f) return '';
  const parts: string[] = [];
  if (f.daysLeft !== null && f.ratePerDay !== null) {
    const d = f.daysLeft < 10 ? f.daysLeft.toFixed(1) : String(Math.round(f.daysLeft));
    parts.push(f.daysLeft === 0 ? 'at 0 now' : `0 in ${d} days (−${f.ratePerDay < 10 ? f.ratePerDay.toFixed(1) : Math.round(f.ratePerDay)}/day)`);
  } else parts.push('no trend yet');
  if (f.replacedAt) parts.push(`replaced ${formatTime(f.replacedAt, tz)}`);
  return parts.join('; ');
}

/** The device's numbers over the window, with forecasts and events. */
export async function deviceHistory(config: Config, state: StateFile, device: string, opts: HistoryOptions, ctx: HistoryContext): Promise<{ history: DeviceHistory; output: string }> {
  const now = ctx.now;
  const from = sinceMs(opts.since ?? '24h', now);
  const readFrom = Math.min(from, now.getTime() - (ctx.forecastDays ?? 14) * DAY);
  const declared = ctx.describe?.(device) ?? null;
  const byKey = new Map((declared ?? []).map((n) => [n.key, n]));
  const keys = opts.metric?.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
  const dir = historyDir(config.stateFile);
  const found = await readHistory(dir, { since: new Date(readFrom), until: now, devices: [device], keys: keys?.length ? keys : undefined });
  const samples: HistorySample[] = found.get(device) ?? [];
  const events = (state.events ?? []).filter((e) => e.device === device && Date.parse(e.at) >= from);
  if (!samples.length && !state.devices[device] && !config.printers.some((p) => p.id === device)) {
    throw new ConfigError(`unknown device "${device}": not in the config, the state or the history (ids look like printer/office-1; see simplemon status)`);
  }

  // keys in the order first seen (the source's order), then the declared ones never recorded
  const order: string[] = [];
  const seen = new Set<string>();
  for (const s of samples) for (const k in s.v) if (!seen.has(k)) seen.add(k), order.push(k);
  for (const k of keys ?? []) if (!seen.has(k)) seen.add(k), order.push(k);

  const inWindow = samples.filter((s) => s.t >= from);
  const numbers: NumberHistory[] = order.map((key) => {
    const d = byKey.get(key);
    const all = samples.map((s) => ({ t: s.t, v: key in s.v ? s.v[key] : null }));
    const percent = d ? d.unit === '%' : isPercentLike(all.map((p) => p.v));
    // a percentage below 0 is a sentinel (−1 no restriction, −2 unknown, −3 some remaining): no reading
    const shown = inWindow.map((s): [number, number | null] => {
      const v = key in s.v ? s.v[key] : null;
      return [s.t, percent && v !== null && v < 0 ? null : v];
    });
    const real = shown.filter((p): p is [number, number] => p[1] !== null);
    const last = real.length ? real[real.length - 1] : null;
    let forecast: Forecast | null = null;
    if (percent) {
      const f = forecastDaysLeft(all, now);
      if (f.daysLeft !== null || f.replacedAt !== null) forecast = f;
    }
    return {
      key,
      title: d?.title ?? key,
      unit: d?.unit ?? '',
      latest: last ? last[1] : null,
      latestAt: last ? new Date(last[0]).toISOString() : null,
      min: real.length ? Math.min(...real.map((p) => p[1])) : null,
      max: real.length ? Math.max(...real.map((p) => p[1])) : null,
      samples: real.length,
      percent,
      forecast,
      points: shown,
    };
  });
  const history: DeviceHistory = { device, since: new Date(from).toISOString(), until: now.toISOString(), polls: inWindow.length, numbers, events };
  if (opts.json) return { history, output: JSON.stringify(history) + '\n' };

  const tz = displayZone(config);
  const lines = [`${clean(device)}: ${inWindow.length} poll(s) since ${formatTime(history.since, tz)}${opts.since ? ` (${opts.since})` : ' (24h)'}`];
  if (!numbers.length) lines.push(samples.length ? '  no numbers in this window' : `  no history yet (polls record it in ${clean(dir)})`);
  else {
    const rows = numbers.map((n) => [clean(n.title), fmt(n.latest, n.unit), fmt(n.min, n.unit), fmt(n.max, n.unit), n.points.map((p) => p[1])] as const);
    const w0 = Math.max(6, ...rows.map((r) => r[0].length));
    const w1 = Math.max(6, ...rows.map((r) => r[1].length));
    const w2 = Math.max(3, ...rows.map((r) => r[2].length));
    const w3 = Math.max(3, ...rows.map((r) => r[3].length));
    const sparkW = Math.max(12, Math.min(48, (ctx.columns ?? 100) - (w0 + w1 + w2 + w3 + 10) - 36));
    lines.push(`  ${'number'.padEnd(w0)}  ${'latest'.padStart(w1)}  ${'min'.padStart(w2)}  ${'max'.padStart(w3)}  ${'trend'.padEnd(sparkW)}  forecast`);
    rows.forEach((r, i) => {
      const n = numbers[i];
      const spark = sparkline(r[4], sparkW, { ascii: !ctx.utf8, ...(n.percent ? { min: 0, max: 100 } : {}) });
      lines.push(`  ${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2].padStart(w2)}  ${r[3].padStart(w3)}  ${spark.padEnd(sparkW)}  ${forecastText(n.forecast, tz)}`.trimEnd());
    });
  }
  lines.push(events.length ? 'events:' : 'no events in this window');
  for (const l of eventLines(events, tz, false)) lines.push(`  ${l}`);
  return { history, output: lines.join('\n') + '\n' };
}

export async function historyCommand(g: GlobalOptions, device: string, opts: HistoryOptions): Promise<number> {
  const [{ loadConfigView }, { readAppState }] = await Promise.all([import('../../config/cache.js'), import('../../app/state.js')]);
  const config = await loadConfigView(g.config);
  const state = await readAppState(config.stateFile);
  const [{ numbersOf, viewsOf }, { SOURCES }] = await Promise.all([import('../../app/devices.js'), import('../../sources/index.js')]);
  const now = g.now();
  const numbers = numbersOf(config, SOURCES);
  const views = new Map(viewsOf(state, config, SOURCES, now).map((v) => [v.id, v]));
  // titles and units as the device's source declares them
  const describe = (id: string) => {
    const v = views.get(id);
    return v ? numbers(v) : null;
  };
  const r = await deviceHistory(config, state, device, opts, { now, utf8: isUtf8Locale(g.env), columns: g.stdout.columns, describe });
  g.stdout.write(r.output);
  return 0;
}

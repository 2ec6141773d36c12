// Forecasts from the history: for every number a source marks `forecast` (toner and ink, free disk space),
// the days until it reaches 0 and the last replacement (a jump up: the cartridge was changed). Reading the
// history is the costly part, so the poll refreshes them at most once an hour; status and JSON show the
// last ones from the state. A new replacement is an event in the log.
import type { Config } from '../config/types.js';
import type { LogEvent } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import type { DeviceNumber } from '../core/numbers.js';
import { forecastDaysLeft } from '../core/forecast.js';
import type { NumberForecast, StateFile } from '../state/types.js';

export const FORECAST_EVERY_MS = 60 * 60_000;
const WINDOW_MS = 30 * 86_400_000;

type Reader = (opts: { since: Date; devices: string[]; keys: string[] }) => Promise<Map<string, Array<{ t: number; v: Record<string, number | null> }>>>;

/** Is a refresh due (none yet, or the last one older than an hour)? */
export function forecastsDue(state: StateFile, now: Date): boolean {
  return !state.forecasts || now.getTime() - Date.parse(state.forecasts.at) >= FORECAST_EVERY_MS;
}

/** Recompute the forecasts of every marked number from the history; returns the events (replacements). */
export async function updateForecasts(state: StateFile, views: DeviceView[], numbersOf: (v: DeviceView) => DeviceNumber[], now: Date, read: Reader): Promise<LogEvent[]> {
  const wanted = new Map<string, DeviceNumber[]>();
  for (const v of views) {
    const marked = numbersOf(v).filter((n) => n.forecast);
    if (marked.length) wanted.set(v.id, marked);
  }
  const previous = state.forecasts?.devices ?? {};
  const devices: Record<string, Record<string, NumberForecast>> = {};
  const events: LogEvent[] = [];
  if (wanted.size) {
    const keys = [...new Set([...wanted.values()].flat().map((n) => n.key))];
    const series = await read({ since: new Date(now.getTime() - WINDOW_MS), devices: [...wanted.keys()], keys });
    for (const [id, numbers] of wanted) {
      const samples = series.get(id) ?? [];
      for (const n of numbers) {
        const f = forecastDaysLeft(samples.map((s) => ({ t: s.t, v: s.v[n.key] ?? null })), now);
        const out: NumberForecast = { daysLeft: f.daysLeft === null ? null : Math.round(f.daysLeft * 10) / 10, ratePerDay: f.ratePerDay === null ? null : Math.round(f.ratePerDay * 100) / 100, replacedAt: f.replacedAt };
        // a number with no figure (a steady disk, too few readings) has no forecast: nothing is kept for
        // it, which every reader takes as it took all-null figures — at 10,000 VMs that is most of them
        if (out.daysLeft !== null || out.ratePerDay !== null || out.replacedAt !== null) (devices[id] ??= {})[n.key] = out;
        const before = previous[id]?.[n.key]?.replacedAt ?? null;
        if (f.replacedAt && f.replacedAt !== before) events.push({ at: f.replacedAt, type: 'replaced', device: id, message: `${n.title} replaced (now ${n.value ?? '?'}${n.unit})` });
      }
    }
  }
  state.forecasts = { at: now.toISOString(), devices };
  return events;
}

/** `black toner 9.5d` — the soonest forecasts of a device, for tables and emails. */
export function forecastSummary(forecasts: Record<string, NumberForecast> | undefined, numbers: DeviceNumber[], max = 2): string {
  if (!forecasts) return '';
  return numbers
    .filter((n) => forecasts[n.key]?.daysLeft !== null && forecasts[n.key]?.daysLeft !== undefined)
    .sort((a, b) => forecasts[a.key].daysLeft! - forecasts[b.key].daysLeft!)
    .slice(0, max)
    .map((n) => `${n.title} ${Math.round(forecasts[n.key].daysLeft!)}d`)
    .join(', ');
}

export type { Config };

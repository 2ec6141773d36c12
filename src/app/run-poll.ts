// One poll: collect → evaluate → record → (notify) → save. Wiring only; the decisions live in src/core.
import type { Config } from '../config/types.js';
import type { LogEvent, Reading, Transition } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import type { DeviceNumber } from '../core/numbers.js';
import { evaluate } from '../core/evaluate.js';
import { activeOverride } from '../core/overrides.js';
import type { Source } from '../sources/types.js';
import { deviceRules, knownDevices, numbersOf, selectSources, viewsOf } from './devices.js';
import type { HistoryEntry } from '../history/store.js';
import { appendEvents } from './events.js';
import { forecastsDue, updateForecasts } from './forecasts.js';
import { overrunNotice, scheduleNotices } from './schedule.js';
import type { Notifier, DeliveryReport } from '../notify/notifier.js';
import type { StateStore } from '../state/store.js';
import type { StateFile } from '../state/types.js';
import { errorMessage } from '../util/errors.js';

export { selectSources, viewsOf, knownDevices } from './devices.js';
export { appendEvents } from './events.js';

export interface PollDeps {
  sources: readonly Source[];
  openStore: () => Promise<StateStore>;
  notifier?: Notifier | null;
  now: () => Date;
  log: (line: string) => void;
  /** Where each poll's numbers go (history files beside the state); none: not kept. */
  history?: HistoryRecorder | null;
  /** Progress of the collectors, passed through to them (see CollectContext.progress); none: not asked. */
  progress?: (done: number, total: number | null, label: string, unit?: string) => void;
}

/** The history edge: append one poll's numbers, then prune. Its failure never fails the poll. */
export interface HistoryRecorder {
  record(at: Date, entries: HistoryEntry[]): Promise<void>;
  /** Read back the numbers of some devices since a time (for forecasts). */
  read(opts: { since: Date; devices: string[]; keys: string[] }): Promise<Map<string, Array<{ t: number; v: Record<string, number | null> }>>>;
}

export interface PollResult {
  transitions: Transition[];
  readings: Reading[];
  delivery: DeliveryReport | null;
  durationMs: number;
  /** Why this poll's numbers could not be kept in the history (the poll itself went on), else null. */
  historyError: string | null;
  /** What this poll noticed about the schedule (missed polls, overlapping ones). */
  notices: string[];
}

export async function runPoll(config: Config, deps: PollDeps, words: string[] = []): Promise<PollResult> {
  const selected = selectSources(deps.sources, words);
  const started = Date.now();
  const startedAt = deps.now();
  const store = await deps.openStore();
  try {
    const state = store.data;
    const now = deps.now();
    // cron stopped for a while, or polls piling up on the lock: news for the log, status and the next email
    const interval = config.pollIntervalMs ?? 5 * 60_000;
    const schedule = scheduleNotices(state.checkedAt, startedAt, now, interval);
    const last = (state.sources.simplemon ??= {}) as { overrun?: LogEvent | null };
    if (last.overrun) schedule.push(last.overrun);
    last.overrun = null;
    const jobs = [...selected].map(async ([c, kinds]) => {
      const memory = (state.sources[c.name] ??= {});
      try {
        return await c.collect({ config, now, log: deps.log, memory, progress: deps.progress }, kinds);
      } catch (e) {
        // a source that fails as a whole: every device it has in the config becomes unreadable, the others go on
        deps.log(`[${c.name}] poll failed: ${errorMessage(e)}`);
        const readings: Reading[] = c.configured(config).map((d) => ({ ...d, reachable: false, error: `poll failed: ${errorMessage(e)}`, metrics: {} }));
        return { readings, removed: [] };
      }
    });
    const results = await Promise.all(jobs);
    const readings = results.flatMap((r) => r.readings);
    // the last readings of a device are parsed only where this poll needs them: evaluate merges what a
    // device behind a host that is down still tells (its host, its power) into them; every other device
    // read now gets new ones, and one not read keeps its own as they were (store.ts)
    store.loadMetrics?.(readings.filter((r) => r.reachable && r.blockedBy).map((r) => r.id));
    // rules may read the forecasts of the last refresh (toner-forecast)
    for (const r of readings) r.forecast = state.forecasts?.devices[r.id] ?? null;
    const out = evaluate({ now, readings, previous: state.devices, rulesOf: deviceRules(config, deps.sources) });
    state.devices = out.devices;
    const events: LogEvent[] = [...schedule, ...out.events];
    const at = now.toISOString();
    for (const id of results.flatMap((r) => r.removed ?? [])) {
      if (!state.devices[id]) continue;
      delete state.devices[id];
      events.push({ at, type: 'device-removed', device: id, message: 'no longer in the inventory' });
    }
    // devices taken out of the config leave the state (with an event), so status shows exactly the configured ones
    const known = knownDevices(config, deps.sources);
    for (const id of Object.keys(state.devices)) {
      if (!known(id)) {
        delete state.devices[id];
        events.push({ at, type: 'device-removed', device: id, message: 'no longer in the config' });
      }
    }
    for (const [id, o] of Object.entries(state.overrides)) {
      if (!activeOverride(o, now)) {
        delete state.overrides[id];
        events.push({ at, type: 'override-expired', device: id, message: `override ${o.state} (${o.reason}) expired` });
      }
    }
    for (const id of Object.keys(state.acks)) {
      // an acknowledgement lasts until the problem recovers
      if (state.devices[id]?.state === 'ok' || !state.devices[id]) delete state.acks[id];
    }
    if (deps.history && forecastsDue(state, now)) {
      try {
        store.loadMetrics?.(); // the numbers of every device, read now or not, name what to forecast
        events.push(...(await updateForecasts(state, viewsOf(state, config, deps.sources, now), numbersOf(config, deps.sources), now, deps.history.read)));
      } catch (e) {
        deps.log(`forecasts not updated: ${errorMessage(e)}`);
      }
    }
    appendEvents(state, events, config.eventLogSize);
    state.checkedAt = at;
    let delivery: DeliveryReport | null = null;
    const views = viewsOf(state, config, deps.sources, now);
    if (deps.notifier) deps.notifier.plan(state.notify, { now, transitions: out.transitions, views, notices: schedule.map((e) => e.message ?? '') });
    await store.save(); // what is owed is durable before anything is sent
    if (deps.notifier && state.notify.outbox.length) {
      delivery = await deps.notifier.deliver(state.notify, deps.now(), () => store.save()); // saved after each delivered email
      await store.save();
    }
    // a poll that took longer than the interval: said by the next poll (this one's events are saved)
    last.overrun = overrunNotice(Date.now() - started, interval, deps.now());
    if (last.overrun) await store.save();
    const historyError = deps.history ? await recordHistory(deps.history, now, views, readings, numbersOf(config, deps.sources)) : null;
    return { transitions: out.transitions, readings, delivery, durationMs: Date.now() - started, historyError, notices: schedule.map((e) => e.message ?? '') };
  } finally {
    await store.close();
  }
}

/** The numbers of the devices read in this poll (an unreachable device adds nothing: no new values). */
async function recordHistory(history: HistoryRecorder, now: Date, views: DeviceView[], readings: Reading[], numbers: (v: DeviceView) => DeviceNumber[]): Promise<string | null> {
  const read = new Set(readings.filter((r) => r.reachable).map((r) => r.id));
  const entries: HistoryEntry[] = [];
  for (const v of views) {
    if (!read.has(v.id)) continue;
    const list = numbers(v);
    if (list.length) entries.push({ id: v.id, numbers: Object.fromEntries(list.map((n) => [n.key, n.value])) });
  }
  try {
    await history.record(now, entries);
    return null;
  } catch (e) {
    return `history not kept: ${errorMessage(e)}`;
  }
}

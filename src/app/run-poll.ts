// One poll: collect → evaluate → record → (notify) → save. Wiring only; the decisions live in src/core.
import type { Config } from '../config/types.js';
import type { DeviceKind, DeviceState, LogEvent, Reading, Transition } from '../core/types.js';
import { blankDevice, evaluate, type DeviceRules } from '../core/evaluate.js';
import { resolveRule } from '../core/rule.js';
import { rulesFor } from '../core/rules/index.js';
import { viewDevice, type DeviceView } from '../core/view.js';
import { activeOverride, activeWindow } from '../core/overrides.js';
import type { Collector, DeviceThresholds } from '../sources/types.js';
import type { Notifier, DeliveryReport } from '../notify/notifier.js';
import type { StateStore } from '../state/store.js';
import type { StateFile } from '../state/types.js';
import { ConfigError, errorMessage } from '../util/errors.js';

export interface PollDeps {
  collectors: Array<Collector & DeviceThresholds>;
  openStore: () => Promise<StateStore>;
  notifier?: Notifier | null;
  now: () => Date;
  log: (line: string) => void;
}

export interface PollResult {
  transitions: Transition[];
  readings: Reading[];
  delivery: DeliveryReport | null;
  durationMs: number;
}

/** The collectors selected by `poll [what…]`; no words = all. Unknown words are usage errors. */
export function selectCollectors(all: Collector[], words: string[]): Map<Collector, Set<string>> {
  const out = new Map<Collector, Set<string>>();
  if (!words.length) {
    for (const c of all) out.set(c, new Set(c.targets));
    return out;
  }
  const known = all.flatMap((c) => c.targets);
  for (const w of words) {
    const c = all.find((x) => x.targets.includes(w));
    if (!c) throw new ConfigError(`cannot poll "${w}": known are ${known.join(', ')}`);
    if (!out.has(c)) out.set(c, new Set());
    out.get(c)!.add(w);
  }
  return out;
}

export function rulesResolver(config: Config, collectors: Array<Collector & DeviceThresholds>): (r: { id: string; kind: DeviceKind }) => DeviceRules {
  return (r) => {
    const own = collectors.map((c) => c.thresholdsFor?.(config, r.id)).find((x) => x !== undefined);
    const out: DeviceRules = {};
    for (const def of rulesFor(r.kind)) out[def.name] = resolveRule(def, config.thresholds[r.kind]?.[def.name], own?.[def.name]);
    return out;
  };
}

/** Is a device in the state still part of the configuration (configured, or inventory of a configured source)? */
export function knownDevices(config: Config, collectors: Collector[]): (id: string) => boolean {
  const configured = new Set(collectors.flatMap((c) => c.configured(config).map((d) => d.id)));
  return (id) => configured.has(id) || collectors.some((c) => c.owns(config, id));
}

/**
 * Every known device as status and alerts see it now: the configured devices in config order (never
 * polled ones as `unknown`), then the inventory discovered by configured sources, by id.
 */
export function viewsOf(state: StateFile, config: Config, collectors: Collector[], now: Date): DeviceView[] {
  const view = (d: DeviceState) =>
    viewDevice(d, {
      override: activeOverride(state.overrides[d.id], now),
      window: activeWindow(config.maintenance, d.id, now),
      ack: state.acks[d.id] ?? null,
    });
  const out: DeviceView[] = [];
  const seen = new Set<string>();
  for (const c of collectors) {
    for (const d of c.configured(config)) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      out.push(view(state.devices[d.id] ?? blankDevice(d, state.checkedAt ?? now.toISOString())));
    }
  }
  const inventory = Object.values(state.devices)
    .filter((d) => !seen.has(d.id) && collectors.some((c) => c.owns(config, d.id)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const d of inventory) out.push(view(d));
  return out;
}

/** Append to the bounded event log (oldest dropped first). Every writer of events goes through here. */
export function appendEvents(state: StateFile, events: LogEvent[], max: number): void {
  state.events.push(...events);
  if (state.events.length > max) state.events.splice(0, state.events.length - max);
}

export async function runPoll(config: Config, deps: PollDeps, words: string[] = []): Promise<PollResult> {
  const selected = selectCollectors(deps.collectors, words);
  const started = Date.now();
  const store = await deps.openStore();
  try {
    const state = store.data;
    const now = deps.now();
    const jobs = [...selected].map(async ([c, targets]) => {
      const memory = (state.sources[c.name] ??= {});
      try {
        return await c.collect({ config, now, log: deps.log, memory }, targets);
      } catch (e) {
        // a source that fails as a whole: every device it has in the config becomes unreadable, the others go on
        deps.log(`[${c.name}] poll failed: ${errorMessage(e)}`);
        const readings: Reading[] = c.configured(config).map((d) => ({ ...d, reachable: false, error: `poll failed: ${errorMessage(e)}`, metrics: {} }));
        return { readings, removed: [] };
      }
    });
    const results = await Promise.all(jobs);
    const readings = results.flatMap((r) => r.readings);
    const out = evaluate({ now, readings, previous: state.devices, rulesOf: rulesResolver(config, deps.collectors) });
    state.devices = out.devices;
    const events: LogEvent[] = [...out.events];
    const at = now.toISOString();
    for (const id of results.flatMap((r) => r.removed ?? [])) {
      if (!state.devices[id]) continue;
      delete state.devices[id];
      events.push({ at, type: 'device-removed', device: id, message: 'no longer in the inventory' });
    }
    // devices taken out of the config leave the state (with an event), so status shows exactly the configured ones
    const known = knownDevices(config, deps.collectors);
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
    appendEvents(state, events, config.eventLogSize);
    state.checkedAt = at;
    let delivery: DeliveryReport | null = null;
    if (deps.notifier) deps.notifier.plan(state, { now, config, transitions: out.transitions, views: viewsOf(state, config, deps.collectors, now) });
    await store.save(); // what is owed is durable before anything is sent
    if (deps.notifier && state.notify.outbox.length) {
      delivery = await deps.notifier.deliver(state, deps.now());
      await store.save();
    }
    return { transitions: out.transitions, readings, delivery, durationMs: Date.now() - started };
  } finally {
    await store.close();
  }
}

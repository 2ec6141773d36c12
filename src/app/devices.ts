// The device use cases every command shares: which sources a `poll`/`status` word selects, each
// device's rules as data, the devices known to the config, the views status and alerts see, and the
// numbers each device exposes. Driven by the list of sources; no kind is named here.
import type { Config } from '../config/types.js';
import type { DeviceKind, DeviceState, Reading } from '../core/types.js';
import { blankDevice, type DeviceRules, type DeviceRuleSet } from '../core/evaluate.js';
import { resolveRule } from '../core/rule.js';
import { viewDevice, type DeviceView } from '../core/view.js';
import { activeOverride, activeWindow } from '../core/overrides.js';
import type { DeviceNumber } from '../core/numbers.js';
import type { Source } from '../sources/types.js';
import type { StateFile } from '../state/types.js';
import { ConfigError } from '../util/errors.js';

/**
 * The sources selected by `poll [what…]` with the kinds asked of each; no words = everything. A word is a
 * kind's name, singular or plural (`printers`, `vm`); unknown words are usage errors.
 */
export function selectSources(all: readonly Source[], words: string[]): Map<Source, Set<DeviceKind>> {
  const out = new Map<Source, Set<DeviceKind>>();
  if (!words.length) {
    for (const s of all) out.set(s, new Set(s.kinds.map((k) => k.kind)));
    return out;
  }
  for (const w of words) {
    const source = all.find((s) => s.kinds.some((k) => k.words.includes(w)));
    if (!source) throw new ConfigError(`cannot poll "${w}": known are ${all.flatMap((s) => s.kinds.map((k) => k.words[0])).join(', ')}`);
    if (!out.has(source)) out.set(source, new Set());
    out.get(source)!.add(source.kinds.find((k) => k.words.includes(w))!.kind);
  }
  return out;
}

/** Each device's rules as data: its kind's definitions with built-in, kind-level and device-level settings merged. */
export function deviceRules(config: Config, sources: readonly Source[]): (r: Pick<Reading, 'id' | 'kind'>) => DeviceRuleSet {
  const byKind = new Map(sources.flatMap((s) => s.kinds.map((k) => [k.kind, k.rules] as const)));
  return (r) => {
    const own = sources.map((s) => s.thresholdsFor?.(config, r.id)).find((x) => x !== undefined);
    const defs = byKind.get(r.kind) ?? [];
    const settings: DeviceRules = {};
    for (const def of defs) settings[def.name] = resolveRule(def, config.thresholds[r.kind]?.[def.name], own?.[def.name]);
    return { defs, settings };
  };
}

/** Is a device in the state still part of the configuration (configured, or inventory of a configured source)? */
export function knownDevices(config: Config, sources: readonly Source[]): (id: string) => boolean {
  const configured = new Set(sources.flatMap((s) => s.configured(config).map((d) => d.id)));
  return (id) => configured.has(id) || sources.some((s) => s.owns(config, id));
}

/**
 * Every known device as status and alerts see it now: the configured devices in config order (never
 * polled ones as `unknown`), then the inventory discovered by configured sources, by id.
 */
export function viewsOf(state: StateFile, config: Config, sources: readonly Source[], now: Date): DeviceView[] {
  const view = (d: DeviceState) =>
    viewDevice(d, {
      override: activeOverride(state.overrides[d.id], now),
      window: activeWindow(config.maintenance, d.id, now),
      ack: state.acks[d.id] ?? null,
      forecast: state.forecasts?.devices[d.id] ?? null,
    });
  const out: DeviceView[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    for (const d of s.configured(config)) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      out.push(view(state.devices[d.id] ?? blankDevice(d, state.checkedAt ?? now.toISOString())));
    }
  }
  const inventory = Object.values(state.devices)
    .filter((d) => !seen.has(d.id) && sources.some((s) => s.owns(config, d.id)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const d of inventory) out.push(view(d));
  return out;
}

/** The numbers each device exposes, as its source declares them, with the thresholds in force for it. */
export function numbersOf(config: Config, sources: readonly Source[]): (v: DeviceView) => DeviceNumber[] {
  const rules = deviceRules(config, sources);
  const specs = new Map(sources.flatMap((s) => s.kinds.map((k) => [k.kind, k] as const)));
  return (v) => specs.get(v.kind)?.numbers(v, rules(v).settings) ?? [];
}

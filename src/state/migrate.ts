// Schema versions of the state file. PURE: JSON in, StateFile out, or an error message.
import { SCHEMA_VERSION, type StateFile, type StateSection } from './types.js';
import { isObject, kindOf } from '../util/json-shape.js';
import { decodeDevices, SchemaError, type Readings } from './codec.js';

export { SchemaError };

/** A new state: the store's own fields, and each section's defaults. */
export function emptyState(sections: readonly StateSection[] = []): StateFile {
  const own = { schemaVersion: SCHEMA_VERSION, checkedAt: null, devices: {}, events: [], overrides: {}, acks: {}, sources: {} };
  return { ...own, ...Object.fromEntries(sections.map((x) => [x.key, x.empty()])) } as unknown as StateFile;
}

/**
 * Versions: 0 is the unversioned development format (devices and events only); 1 the first release,
 * every device written whole with its metrics; 2 the compact form of codec.ts, the metrics in the
 * readings file beside the state. In memory all of them are the same shape (StateFile): index i of
 * MIGRATIONS turns a file of version i, read as it was written, into version i + 1 in that shape.
 */
const MIGRATIONS: Array<(old: Record<string, unknown>) => Record<string, unknown>> = [
  (v0) => ({ ...emptyState(), ...v0, schemaVersion: 1 }),
  // the devices as version 1 wrote them are already whole, metrics included: the next save writes
  // them in version 2's form (and keeps the version 1 file as <file>.v1.bak, store.ts)
  (v1) => ({ ...v1, schemaVersion: 2 }),
];

/**
 * Bring parsed JSON up to the current schema; throws SchemaError for a newer or malformed file.
 * `readings`: the parsed readings file (version 2 on; null: none, every device's metrics `{}`, no forecasts).
 */
export function migrate(raw: unknown, sections: readonly StateSection[] = [], readings: Readings | null = null): { state: StateFile; from: number } {
  if (!isObject(raw)) throw new SchemaError('the top level is not a JSON object');
  const from = raw.schemaVersion === undefined ? 0 : raw.schemaVersion;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) throw new SchemaError(`schemaVersion ${JSON.stringify(raw.schemaVersion)} is not a version number`);
  if (from > SCHEMA_VERSION) throw new SchemaError(`it was written by a newer simplemon (schemaVersion ${from}; this one reads up to ${SCHEMA_VERSION})`);
  let cur: Record<string, unknown> = raw;
  if (from >= 2) {
    // compact devices, checked as they are read back; their metrics and the forecasts from the readings
    const { deviceDefaults, ...rest } = raw;
    cur = { ...rest, devices: decodeDevices(raw.devices, deviceDefaults, readings ? (id) => readings.metricsOf(id) : null) };
    if (readings?.forecasts !== undefined) cur.forecasts = readings.forecasts;
  }
  for (let v = from; v < SCHEMA_VERSION; v++) cur = MIGRATIONS[v](cur);
  const base = emptyState(sections);
  const state = { ...base, ...cur } as StateFile;
  // Every top-level field is checked here, so that a hand-edited or damaged file is a state-file error
  // naming the field, never a TypeError deep in a poll ("n.outbox.push is not a function").
  for (const k of ['devices', 'overrides', 'acks', 'sources'] as const) {
    if (!isObject(state[k])) throw new SchemaError(`"${k}" is not an object (it is ${kindOf(state[k])})`);
  }
  if (!Array.isArray(state.events)) throw new SchemaError(`"events" is not a list (it is ${kindOf(state.events)})`);
  if (state.checkedAt !== null && typeof state.checkedAt !== 'string') throw new SchemaError(`"checkedAt" is not a time or null (it is ${kindOf(state.checkedAt)})`);
  if (state.forecasts !== undefined && (!isObject(state.forecasts) || !isObject(state.forecasts.devices))) throw new SchemaError(`"forecasts" is not {at, devices} (it is ${kindOf(state.forecasts)})`);
  // the sections other modules own (the notifier's outbox) check themselves
  const st = state as unknown as Record<string, unknown>;
  for (const sec of sections) {
    try {
      st[sec.key] = sec.check(st[sec.key] === undefined ? sec.empty() : st[sec.key]);
    } catch (e) {
      throw new SchemaError((e as Error).message);
    }
  }
  for (const k of ['overrides', 'acks', 'sources'] as const) {
    for (const [id, v] of Object.entries(state[k])) if (!isObject(v)) throw new SchemaError(`"${k}" entry "${id}" is not an object (it is ${kindOf(v)})`);
  }
  state.events.forEach((e, i) => {
    if (!isObject(e) || typeof e.type !== 'string') throw new SchemaError(`"events[${i}]" is not an event (no "type")`);
  });
  if (from < 2) {
    // whole devices as version 0 and 1 wrote them (version 2's are checked by decodeDevices)
    for (const [id, d] of Object.entries(state.devices)) {
      if (!isObject(d)) throw new SchemaError(`device "${id}" is malformed (it is ${kindOf(d)}, not an object)`);
      for (const [k, ok] of [['state', typeof d.state === 'string'], ['reach', isObject(d.reach)], ['rules', isObject(d.rules)]] as const) {
        if (!ok) throw new SchemaError(`device "${id}" is malformed ("${k}" is ${kindOf(d[k])})`);
      }
    }
  }
  return { state, from };
}

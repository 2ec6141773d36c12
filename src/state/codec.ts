// The state file's stored form (schemaVersion 2) and the in-memory StateFile, both ways. PURE.
//
// In memory nothing changed: every device is a whole DeviceState (src/core/types.ts), metrics included.
// On disk the state file holds what alerting needs and spells out only what differs from a default:
//
//   | field of a device        | left out of the file when it is                         | read back as          |
//   |--------------------------|---------------------------------------------------------|-----------------------|
//   | id                       | (always: it is the key)                                 | the key               |
//   | kind                     | the id's first part (`vm` of `vm/vc1/web-01`)           | that part             |
//   | name                     | the id's last part (`web-01`)                           | that part             |
//   | target                   | equal to the name (hosts)                               | the name              |
//   | since                    | deviceDefaults.since (the most shared: the first poll)  | deviceDefaults.since  |
//   | reach, each rule         | state ok, since = the device's since, message, pending  | those values          |
//   |                          | (and reach.error) null — each field on its own          |                       |
//   | a rule that is ok with   | always                                                  | (absent)              |
//   | no message, no pending   |                                                         |                       |
//   | blockedBy                | null                                                    | null                  |
//   | lastSeen, lastPoll       | deviceDefaults.lastSeen / .lastPoll (the most shared:   | those values          |
//   |                          | the last poll); null is written as null                 |                       |
//   | metrics                  | (always: they are in the readings file, see below)      | the readings' entry   |
//
// `state` is always written (`jq '.devices[] | select(.state == "critical")'` keeps working).
//
// A rule that is ok, with no message and nothing pending, is not written at all: for alerting it is the
// same as a rule not observed yet. Nothing reads the `since` of an ok rule (a device's problems are its
// rules that are not ok; its state and since are its own); the next poll observes the rule again and
// starts it ok, since then, just as it would a rule newly turned on (core/evaluate.ts stepRule). What a
// rule remembers for alerting — a state that is not ok and since when, a pending run and its count, a
// message — is always written. At 10,000 VMs this leaves out ~20,000 rule states of every save.
//
// The last readings of each device (`metrics`: what status shows and the numbers check, OpenMetrics and
// the HTML page give) and the forecasts (derived from the history, refreshed hourly) are not alerting
// state: they go to their own file beside the state (store.ts, readingsFile()), exactly as the source
// and the forecasts gave them. A poll rewrites them once (they change at every poll anyway); the saves
// after each delivered email, and the commands that change overrides and acks, write the small state
// file alone; `events`, `alerts` and completion need not read them.
import type { DeviceState, RuleState } from '../core/types.js';
import { SCHEMA_VERSION, type StateFile } from './types.js';
import { isObject, kindOf } from '../util/json-shape.js';

export class SchemaError extends Error {}

/** The defaults the devices of one file share, written once at the top of it. */
export interface DeviceDefaults {
  since?: string;
  lastSeen?: string | null;
  lastPoll?: string | null;
}

/** A device as written in the state file (see the table above): every field may be left out but `state`. */
export type StoredDevice = Partial<Omit<DeviceState, 'metrics' | 'reach' | 'rules'>> & {
  reach?: Partial<DeviceState['reach']>;
  rules?: Record<string, Partial<RuleState>>;
};

/** The state file's content: the in-memory state without metrics and forecasts, its devices compact. */
export type StoredState = Omit<StateFile, 'devices' | 'forecasts'> & {
  deviceDefaults?: DeviceDefaults;
  devices: Record<string, StoredDevice>;
};

const kindPart = (id: string): string => {
  const i = id.indexOf('/');
  return i < 0 ? '' : id.slice(0, i);
};
const namePart = (id: string): string => id.slice(id.lastIndexOf('/') + 1);

/** Is `kind` what the file leaves out: the id's first part? (Compared in place: no substring per device.) */
function isKindPart(id: string, kind: string): boolean {
  const i = id.indexOf('/');
  return kind === '' ? i <= 0 : i === kind.length && id.startsWith(kind);
}

/** Is `name` the id's last part? */
function isNamePart(id: string, name: string): boolean {
  return id.length - name.length - 1 === id.lastIndexOf('/') && id.endsWith(name);
}

/**
 * The since, lastSeen and lastPoll most devices share, in one pass without counting (Boyer–Moore
 * majority vote): a value more than half the devices have is found for sure, which at the end of a
 * poll is the case; otherwise some value, and the devices that differ from it spell theirs out.
 */
function sharedTimes(devices: Record<string, DeviceState>): DeviceDefaults {
  let since: string | undefined;
  let seen: string | null | undefined;
  let poll: string | null | undefined;
  let a = 0;
  let b = 0;
  let c = 0;
  let any = false;
  for (const id in devices) {
    const d = devices[id];
    any = true;
    if (a === 0) since = d.since;
    a += d.since === since ? 1 : -1;
    if (b === 0) seen = d.lastSeen;
    b += d.lastSeen === seen ? 1 : -1;
    if (c === 0) poll = d.lastPoll;
    c += d.lastPoll === poll ? 1 : -1;
  }
  return any ? { since, lastSeen: seen ?? null, lastPoll: poll ?? null } : {};
}

function packRule(r: RuleState, since: string): Partial<RuleState> {
  const o: Partial<RuleState> = {};
  if (r.state !== 'ok') o.state = r.state;
  if (r.since !== since) o.since = r.since;
  if (r.message !== null && r.message !== undefined) o.message = r.message;
  if (r.pending !== null && r.pending !== undefined) o.pending = r.pending;
  return o;
}

function packDevice(id: string, d: DeviceState, defaults: DeviceDefaults): StoredDevice {
  const o: StoredDevice = {};
  if (d.id !== id) o.id = d.id;
  if (!isKindPart(id, d.kind)) o.kind = d.kind;
  if (!isNamePart(id, d.name)) o.name = d.name;
  if (d.target !== d.name) o.target = d.target;
  o.state = d.state;
  const since = d.since;
  if (since !== defaults.since) o.since = since;
  const r = d.reach;
  if (r.state !== 'ok' || r.since !== since || (r.message !== null && r.message !== undefined) || (r.pending !== null && r.pending !== undefined) || (r.error !== null && r.error !== undefined)) {
    const reach: Partial<DeviceState['reach']> = packRule(r, since);
    if (r.error !== null && r.error !== undefined) reach.error = r.error;
    o.reach = reach;
  }
  let rules: Record<string, Partial<RuleState>> | undefined;
  for (const name in d.rules) {
    const rs = d.rules[name];
    // a rule that is ok with no message and nothing pending is as one never observed (see the table)
    if (rs.state === 'ok' && (rs.message === null || rs.message === undefined) && (rs.pending === null || rs.pending === undefined)) continue;
    (rules ??= {})[name] = packRule(rs, since);
  }
  if (rules) o.rules = rules;
  if (d.blockedBy !== null && d.blockedBy !== undefined) o.blockedBy = d.blockedBy;
  if (d.lastSeen !== defaults.lastSeen) o.lastSeen = d.lastSeen;
  if (d.lastPoll !== defaults.lastPoll) o.lastPoll = d.lastPoll;
  return o;
}

/** The in-memory state → what the state file holds (no metrics: see readingsOf). */
export function encodeState(state: StateFile): StoredState {
  const defaults = sharedTimes(state.devices);
  const devices: Record<string, StoredDevice> = {};
  let any = false;
  for (const id in state.devices) {
    devices[id] = packDevice(id, state.devices[id], defaults);
    any = true;
  }
  // the fields in the order of the in-memory state, deviceDefaults just before the devices
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state)) {
    if (k === 'devices') {
      if (any) out.deviceDefaults = defaults;
      out.devices = devices;
    } else if (k !== 'forecasts') out[k] = (state as unknown as Record<string, unknown>)[k];
  }
  // the version of this form, whatever the state in memory says it came from
  out.schemaVersion = SCHEMA_VERSION;
  return out as unknown as StoredState;
}

/** What the readings file gives the state: each device's metrics (none: `{}`) and the forecasts. */
export interface Readings {
  metricsOf(id: string): Record<string, unknown> | undefined;
  forecasts?: StateFile['forecasts'];
}

/** The devices' last readings, for the readings file: [id, metrics] of every device that has any. */
export function readingsOf(state: StateFile): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const id in state.devices) {
    const m = state.devices[id].metrics;
    for (const _ in m) {
      out.push([id, m]);
      break;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// reading back: every field checked as it is read, so that a hand-edited or damaged file is an error
// naming the device and the field, never a TypeError deep in a poll

function malformed(id: string, field: string, v: unknown): never {
  throw new SchemaError(`device "${id}" is malformed ("${field}" is ${kindOf(v)})`);
}

const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optTime = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';

function unpackRule(id: string, field: string, raw: unknown, since: string): RuleState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) malformed(id, field, raw);
  const r = raw as Partial<RuleState>;
  const state = r.state;
  const rsince = r.since;
  const pending = r.pending;
  if (state !== undefined && typeof state !== 'string') malformed(id, `${field}.state`, state);
  if (rsince !== undefined && typeof rsince !== 'string') malformed(id, `${field}.since`, rsince);
  if (pending !== undefined && pending !== null && (typeof pending !== 'object' || Array.isArray(pending))) malformed(id, `${field}.pending`, pending);
  return { state: state ?? 'ok', since: rsince ?? since, message: r.message ?? null, pending: pending ?? null };
}

function unpackDevice(id: string, raw: unknown, defaults: DeviceDefaults, metrics: Record<string, unknown> | undefined): DeviceState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SchemaError(`device "${id}" is malformed (it is ${kindOf(raw)}, not an object)`);
  const o = raw as StoredDevice;
  if (typeof o.state !== 'string') malformed(id, 'state', o.state);
  if (!optString(o.id)) malformed(id, 'id', o.id);
  if (!optString(o.kind)) malformed(id, 'kind', o.kind);
  if (!optString(o.name)) malformed(id, 'name', o.name);
  if (!optString(o.target)) malformed(id, 'target', o.target);
  if (!optString(o.since)) malformed(id, 'since', o.since);
  if (!optTime(o.lastSeen)) malformed(id, 'lastSeen', o.lastSeen);
  if (!optTime(o.lastPoll)) malformed(id, 'lastPoll', o.lastPoll);
  if (!optTime(o.blockedBy)) malformed(id, 'blockedBy', o.blockedBy);
  // (undefined only for a device written by hand without one, as version 1 read it)
  const since = (o.since ?? defaults.since) as string;
  const name = o.name ?? namePart(id);
  let reach: DeviceState['reach'];
  if (o.reach === undefined) reach = { state: 'ok', since, message: null, pending: null, error: null };
  else {
    reach = unpackRule(id, 'reach', o.reach, since) as DeviceState['reach'];
    reach.error = (o.reach as { error?: string | null }).error ?? null;
  }
  const rules: Record<string, RuleState> = {};
  const stored = o.rules;
  if (stored !== undefined) {
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) malformed(id, 'rules', stored);
    for (const rule in stored) rules[rule] = unpackRule(id, `rules.${rule}`, stored[rule], since);
  }
  return {
    id: o.id ?? id,
    kind: o.kind ?? kindPart(id),
    name,
    target: o.target ?? name,
    state: o.state,
    since,
    reach,
    rules,
    blockedBy: o.blockedBy ?? null,
    lastSeen: o.lastSeen !== undefined ? o.lastSeen : (defaults.lastSeen ?? null),
    lastPoll: o.lastPoll !== undefined ? o.lastPoll : (defaults.lastPoll ?? null),
    metrics: metrics ?? {},
  };
}

/**
 * The stored devices → whole DeviceStates, each with its metrics from the readings (none: `{}`; a
 * reading of a device the state does not hold is ignored).
 */
export function decodeDevices(stored: unknown, defaultsRaw: unknown, metricsOf: Readings['metricsOf'] | null): Record<string, DeviceState> {
  if (!isObject(stored)) throw new SchemaError(`"devices" is not an object (it is ${kindOf(stored)})`);
  if (defaultsRaw !== undefined && !isObject(defaultsRaw)) throw new SchemaError(`"deviceDefaults" is not an object (it is ${kindOf(defaultsRaw)})`);
  const defaults = (defaultsRaw ?? {}) as DeviceDefaults;
  if (!optString(defaults.since)) throw new SchemaError(`"deviceDefaults.since" is not a time (it is ${kindOf(defaults.since)})`);
  for (const k of ['lastSeen', 'lastPoll'] as const) if (!optTime(defaults[k])) throw new SchemaError(`"deviceDefaults.${k}" is not a time or null (it is ${kindOf(defaults[k])})`);
  const out: Record<string, DeviceState> = {};
  for (const id in stored) out[id] = unpackDevice(id, stored[id], defaults, metricsOf ? metricsOf(id) : undefined);
  return out;
}

// Schema versions of the state file. PURE: JSON in, StateFile out, or an error message.
import { SCHEMA_VERSION, type StateFile } from './types.js';
import { emptyNotifyState } from '../notify/types.js';

export function emptyState(): StateFile {
  return { schemaVersion: SCHEMA_VERSION, checkedAt: null, devices: {}, events: [], overrides: {}, acks: {}, notify: emptyNotifyState(), sources: {} };
}

/**
 * Migrations: index i turns version i into version i+1. Version 0 is the unversioned development
 * format (devices and events only); version 1 is the first release.
 */
const MIGRATIONS: Array<(old: Record<string, unknown>) => Record<string, unknown>> = [
  (v0) => ({ ...emptyState(), ...v0, schemaVersion: 1 }),
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class SchemaError extends Error {}

/** Bring parsed JSON up to the current schema; throws SchemaError for a newer or malformed file. */
export function migrate(raw: unknown): { state: StateFile; from: number } {
  if (!isObject(raw)) throw new SchemaError('the top level is not a JSON object');
  const from = raw.schemaVersion === undefined ? 0 : raw.schemaVersion;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) throw new SchemaError(`schemaVersion ${JSON.stringify(raw.schemaVersion)} is not a version number`);
  if (from > SCHEMA_VERSION) throw new SchemaError(`it was written by a newer simplemon (schemaVersion ${from}; this one reads up to ${SCHEMA_VERSION})`);
  let cur: Record<string, unknown> = raw;
  for (let v = from; v < SCHEMA_VERSION; v++) cur = MIGRATIONS[v](cur);
  const base = emptyState();
  const state = { ...base, ...cur } as StateFile;
  for (const k of ['devices', 'overrides', 'acks', 'sources'] as const) {
    if (!isObject(state[k])) throw new SchemaError(`"${k}" is not an object`);
  }
  if (!Array.isArray(state.events)) throw new SchemaError('"events" is not a list');
  if (!isObject(state.notify)) throw new SchemaError('"notify" is not an object');
  state.notify = { ...emptyNotifyState(), ...state.notify };
  for (const [id, d] of Object.entries(state.devices)) {
    if (!isObject(d) || typeof d.state !== 'string' || !isObject(d.reach) || !isObject(d.rules)) throw new SchemaError(`device "${id}" is malformed`);
  }
  return { state, from };
}

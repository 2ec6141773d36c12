// The state store: lowdb over our own adapter, which adds what lowdb's JSONFile lacks here — unique temp
// names with fsync (atomic.ts), mode 0600, schema versions, and a refusal to reset a bad file — and
// keeps the devices' last readings in their own file beside the state (codec.ts says why).
import { constants } from 'node:fs';
import { isAscii } from 'node:buffer';
import { open, copyFile, unlink } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic.js';
import { acquireLock, type Lock } from './lock.js';
import { fsReason } from './fs-reason.js';
import { emptyState, migrate, SchemaError } from './migrate.js';
import { encodeState, type Readings } from './codec.js';
import type { StateFile, StateSection } from './types.js';
import { SCHEMA_VERSION } from './types.js';
import { RunError } from '../util/errors.js';
import { clean } from '../render/sanitize.js';
import { isObject, kindOf } from '../util/json-shape.js';

/** The readings file's own version (its shape: {"schemaVersion":1,"forecasts":{at, devices},"devices":{"<id>":{metrics}, …}}). */
export const READINGS_VERSION = 1;

/** Where the devices' last readings are kept: beside the state, `simplemon.json` → `simplemon.readings.json`. */
export function readingsFile(stateFile: string): string {
  return `${stateFile.replace(/\.json$/i, '')}.readings.json`;
}

/** A state file that exists but cannot be used. Never silently reset or overwritten. */
export class StateFileError extends RunError {
  constructor(file: string, why: string, options?: { cause?: unknown }) {
    super(`state file ${file} cannot be used: ${clean(why)}. It was left untouched; fix it, or move it away to start afresh.`, options);
    this.name = 'StateFileError';
  }
}

/**
 * JSON text in ASCII: every other character as its \u escape (JSON.parse and jq read them back as they
 * were). A file in ASCII is read as Latin-1, which is ten times faster than decoding UTF-8.
 */
function ascii(json: string): string {
  // (a string of ASCII alone is as long as its UTF-8, and byteLength counts that natively)
  return Buffer.byteLength(json, 'utf8') === json.length ? json : json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A file's text; null when it does not exist. Never through a symbolic link (O_NOFOLLOW). */
async function readText(file: string): Promise<string | null> {
  try {
    // O_NOFOLLOW: a state file replaced by a symbolic link is refused, never read through (its target's
    // first bytes would show in an error) nor replaced by the next save
    const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!(await fh.stat()).isFile()) throw Object.assign(new Error('it is not a regular file'), { code: 'ENOTREG' });
      const buf = await fh.readFile();
      return isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new StateFileError(file, 'it is a symbolic link, and simplemon does not follow one (it could reveal or replace another file); put the real file in its place', { cause: e });
    throw new StateFileError(file, code === 'ENOTREG' ? 'it is not a regular file' : `it cannot be read: ${fsReason(e)}`, { cause: e });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 says where by offset; an operator with an editor wants the line and column
    const msg = (e as Error).message.replace(/ in JSON at position (\d+)(?: \(line \d+ column \d+\))?/, (_, pos: string) => {
      const before = text.slice(0, Number(pos)).split('\n');
      return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    });
    throw new StateFileError(file, `it is not valid JSON (${msg})`, { cause: e });
  }
}

// ------------------------------------------------------------------------------------------------
// the readings file: {"schemaVersion":1,"forecasts":{…},"devices":{ then one device a line, then }}
//
// One device a line lets a store opened for change (a poll) keep each device's line as text and parse
// only the few it needs (see loadMetrics): a poll replaces the readings of what it reads, and keeps
// those of the rest as they were. JSON.stringify never writes a raw line break, so a line is a device.
// A file in any other layout (reformatted by hand, say) is simply parsed whole.

/** Why a readings file cannot be used, or null. */
function readingsProblem(raw: unknown): string | null {
  if (!isObject(raw)) return 'the top level is not a JSON object';
  if (raw.schemaVersion !== READINGS_VERSION) {
    return typeof raw.schemaVersion === 'number' && raw.schemaVersion > READINGS_VERSION
      ? `it was written by a newer simplemon (schemaVersion ${raw.schemaVersion}; this one reads up to ${READINGS_VERSION})`
      : `schemaVersion ${JSON.stringify(raw.schemaVersion)} is not ${READINGS_VERSION}`;
  }
  if (!isObject(raw.devices)) return `"devices" is not an object (it is ${kindOf(raw.devices)})`;
  if (raw.forecasts !== undefined && (!isObject(raw.forecasts) || !isObject(raw.forecasts.devices))) return `"forecasts" is not {at, devices} (it is ${kindOf(raw.forecasts)})`;
  return null;
}

/** The whole file parsed: every device's metrics as objects. */
function parseReadings(text: string, file: string): { forecasts?: StateFile['forecasts']; devices: Record<string, unknown> } {
  const raw = parseJson(text, file);
  const why = readingsProblem(raw);
  if (why) throw new StateFileError(file, why);
  return raw as { forecasts?: StateFile['forecasts']; devices: Record<string, unknown> };
}

/** The file in its own layout: the head parsed, each device's metrics as its JSON text; null: another layout. */
function scanReadings(text: string): { forecasts?: StateFile['forecasts']; lines: Map<string, string> } | null {
  const lines = text.split('\n');
  const n = lines.length;
  const first = lines[0];
  if (n < 3 || lines[n - 1] !== '' || lines[n - 2] !== '}}' || !first.startsWith('{"schemaVersion":') || !first.endsWith('"devices":{')) return null;
  let head: unknown;
  try {
    head = JSON.parse(`${first}}}`);
  } catch {
    return null;
  }
  if (readingsProblem(head)) return null; // parsed whole, for the error
  const out = new Map<string, string>();
  for (let i = 1; i < n - 2; i++) {
    const line = lines[i];
    const end = i < n - 3 ? line.length - 1 : line.length; // every line but the last ends with a comma
    if (end < line.length && line.charCodeAt(end) !== 44) return null;
    if (line.charCodeAt(0) !== 34 || line.charCodeAt(end - 1) !== 125) return null;
    // the id: up to the first quote not escaped by a backslash
    let q = 0;
    for (;;) {
      q = line.indexOf('"', q + 1);
      if (q < 0) return null;
      let b = q - 1;
      while (line.charCodeAt(b) === 92) b--;
      if ((q - 1 - b) % 2 === 0) break;
    }
    if (line.charCodeAt(q + 1) !== 58 || line.charCodeAt(q + 2) !== 123) return null;
    let id: string;
    try {
      id = line.lastIndexOf('\\', q) > 0 ? (JSON.parse(line.slice(0, q + 1)) as string) : line.slice(1, q);
    } catch {
      return null;
    }
    out.set(id, line.slice(q + 2, end));
  }
  return { forecasts: (head as { forecasts?: StateFile['forecasts'] }).forecasts, lines: out };
}

function readingsText(forecasts: StateFile['forecasts'], lines: string[]): string {
  return `{"schemaVersion":${READINGS_VERSION}${forecasts ? `,"forecasts":${ascii(JSON.stringify(forecasts))}` : ''},"devices":{\n${lines.join(',\n')}${lines.length ? '\n' : ''}}}\n`;
}

const isEmpty = (m: Record<string, unknown>): boolean => {
  for (const _ in m) return false;
  return true;
};

/** An internal error: the metrics of a device not loaded were read (see StateStore.loadMetrics). */
function notLoaded(): Error {
  return new Error('the metrics of a device were read before they were loaded: call the store\'s loadMetrics() first');
}

/**
 * The metrics of a device whose readings a store opened for change has not parsed yet: anything that
 * reads them fails loudly, rather than see a device with no readings. Passing it on (spreading the
 * device, a view) is fine; the store writes such a device's line back as it was.
 */
const NOT_LOADED: Record<string, unknown> = new Proxy(Object.freeze({}) as Record<string, unknown>, {
  get: (_, k) => {
    if (typeof k === 'symbol') return undefined; // util.inspect and the like
    throw notLoaded();
  },
  has: () => {
    throw notLoaded();
  },
  ownKeys: () => {
    throw notLoaded();
  },
});

/** One device's line of the readings file, parsed: an object, or an error naming the file and the device. */
function parseReadingLine(line: string, id: string, rfile: string): Record<string, unknown> {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch (e) {
    throw new StateFileError(rfile, `the readings of "${id}" are not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isObject(m)) throw new StateFileError(rfile, `the readings of "${id}" are not an object (they are ${kindOf(m)})`);
  return m;
}

/** How an adapter treats the readings file. */
type ReadingsMode =
  /** read whole: every device's metrics (status, check, export …) */
  | 'all'
  /** not read: every device's metrics `{}`, no forecasts (events, alerts …); never written */
  | 'none'
  /** read as lines, each device's parsed on demand (loadMetrics); written back: a store opened for change */
  | 'lazy'
  /** only these devices' metrics (`check printer/x`), the others `{}`, no line of theirs parsed; never written */
  | { only: ReadonlySet<string> };

class StateAdapter implements Adapter<StateFile> {
  migratedFrom: number | null = null;
  /**
   * What the readings file holds, as of the last read or write: each device's metrics object (NOT_LOADED
   * for one whose line was not parsed), its line, and the forecasts; null when that is not known (no
   * state yet, or a version 1 state with its metrics inline). A save rewrites the readings file only
   * when a device's metrics or the forecasts are other objects than these: a poll's first save does; the
   * saves after each delivered email and the commands that change overrides or acks do not.
   */
  private disk: { metrics: Map<string, Record<string, unknown>>; lines: Map<string, string>; forecasts: StateFile['forecasts'] } | null = null;
  constructor(
    readonly file: string,
    readonly sections: readonly StateSection[] = [],
    readonly mode: ReadingsMode = 'all',
  ) {}

  async read(): Promise<StateFile | null> {
    const text = await readText(this.file);
    if (text === null) return null;
    const raw = parseJson(text, this.file);
    const version = isObject(raw) ? raw.schemaVersion : undefined;
    const rfile = readingsFile(this.file);
    let readings: Readings | null = null;
    let lines = new Map<string, string>();
    const rtext = this.mode !== 'none' && typeof version === 'number' && version >= 2 ? await readText(rfile) : null;
    if (rtext !== null) {
      const only = typeof this.mode === 'object' ? this.mode.only : null;
      const scanned = this.mode === 'lazy' || only ? scanReadings(rtext) : null;
      if (scanned && only) {
        readings = { forecasts: scanned.forecasts, metricsOf: (id) => (only.has(id) && scanned.lines.has(id) ? parseReadingLine(scanned.lines.get(id)!, id, rfile) : undefined) };
      } else if (scanned) {
        lines = scanned.lines;
        readings = { forecasts: scanned.forecasts, metricsOf: (id) => (lines.has(id) ? NOT_LOADED : undefined) };
      } else {
        const whole = parseReadings(rtext, rfile);
        readings = {
          forecasts: whole.forecasts,
          metricsOf: (id) => {
            const m = whole.devices[id];
            if (m !== undefined && !isObject(m)) throw new StateFileError(rfile, `the readings of "${id}" are not an object (they are ${kindOf(m)})`);
            return m;
          },
        };
      }
    }
    try {
      const { state, from } = migrate(raw, this.sections, readings);
      this.migratedFrom = from < SCHEMA_VERSION ? from : null;
      if (from >= 2) {
        const metrics = new Map<string, Record<string, unknown>>();
        for (const id in state.devices) {
          const m = state.devices[id].metrics;
          if (m === NOT_LOADED || !isEmpty(m)) metrics.set(id, m);
        }
        this.disk = { metrics, lines, forecasts: state.forecasts };
      }
      return state;
    } catch (e) {
      if (e instanceof SchemaError) throw new StateFileError(this.file, e.message, { cause: e });
      throw e;
    }
  }

  /** Parse the lines of these devices (all: of every device) whose metrics are not loaded yet. */
  loadMetrics(data: StateFile, ids?: Iterable<string>): void {
    const disk = this.disk;
    if (!disk) return;
    for (const id of ids ?? Object.keys(data.devices)) {
      const d = data.devices[id];
      if (!d || d.metrics !== NOT_LOADED) continue;
      const m = parseReadingLine(disk.lines.get(id) ?? '{}', id, readingsFile(this.file));
      d.metrics = m;
      disk.metrics.set(id, m); // as on disk: not a change
    }
  }

  /** The devices' metrics, in the state's order, and whether they (or the forecasts) differ from the file's. */
  private readingsNow(data: StateFile): { list: Array<[string, Record<string, unknown>]>; changed: boolean } {
    const disk = this.disk;
    let changed = disk === null || disk.forecasts !== data.forecasts;
    const list: Array<[string, Record<string, unknown>]> = [];
    for (const id in data.devices) {
      const m = data.devices[id].metrics;
      if (m !== NOT_LOADED && isEmpty(m)) continue;
      list.push([id, m]);
      if (!changed && disk!.metrics.get(id) !== m) changed = true;
    }
    if (!changed && disk!.metrics.size !== list.length) changed = true;
    return { list, changed };
  }

  async write(data: StateFile): Promise<void> {
    if (this.mode === 'none' || typeof this.mode === 'object') throw new Error('a state read without all its readings cannot be saved');
    if (this.migratedFrom !== null) {
      // keep the pre-migration file once, so an upgrade never loses anything
      // EXCL: an existing backup (or a link planted in its name) is never overwritten
      await copyFile(this.file, `${this.file}.v${this.migratedFrom}.bak`, constants.COPYFILE_EXCL).catch(() => {});
      this.migratedFrom = null;
    }
    // the readings first: a state file never names a reading older than what is beside it
    const { list, changed } = this.readingsNow(data);
    if (changed) {
      const rfile = readingsFile(this.file);
      const oldLines = this.disk?.lines;
      const lines = new Map<string, string>();
      const metrics = new Map<string, Record<string, unknown>>();
      for (const [id, m] of list) {
        // a device whose readings were not parsed keeps its line as it was
        const json = m === NOT_LOADED ? oldLines!.get(id)! : ascii(JSON.stringify(m));
        lines.set(id, json);
        metrics.set(id, m);
      }
      if (list.length || data.forecasts) {
        await writeFileAtomic(rfile, readingsText(data.forecasts, list.map(([id]) => `${ascii(JSON.stringify(id))}:${lines.get(id)}`)));
      } else {
        // nothing to keep: no file, rather than one a later state could take for its own
        await unlink(rfile).catch((e) => {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        });
      }
      this.disk = { metrics, lines, forecasts: data.forecasts };
    }
    // compact: with thousands of VMs the file is megabytes, and `status --json` is the readable view
    await writeFileAtomic(this.file, ascii(JSON.stringify(encodeState(data))) + '\n');
  }
}

export interface StateStore {
  file: string;
  data: StateFile;
  save(): Promise<void>;
  close(): Promise<void>;
  /**
   * A store opened for change parses a device's last readings (its `metrics`) only when asked: load
   * those of these devices (none given: of every device) before reading them. Until then a device's
   * metrics may be a placeholder that throws when read; passing the device on, or saving, is fine.
   * (A store that holds everything — a test's — need not have it.)
   */
  loadMetrics?(ids?: Iterable<string>): void;
}

/**
 * Read the state without the lock (status): writes are atomic renames, so a read sees a whole file (of
 * the state, and of the readings: a poll in between may make them one poll apart, which only shows).
 * `metrics: false`: the devices' last readings and the forecasts are not read (metrics left `{}`), for
 * commands that show none.
 */
export async function readState(file: string, sections: readonly StateSection[] = [], opts: { metrics?: boolean | readonly string[] } = {}): Promise<StateFile> {
  const mode: ReadingsMode = opts.metrics === false ? 'none' : Array.isArray(opts.metrics) ? { only: new Set(opts.metrics) } : 'all';
  const db = new Low<StateFile>(new StateAdapter(file, sections, mode), emptyState(sections));
  await db.read();
  return db.data;
}

/**
 * Open the state for change under the exclusive lock. The caller must `close()` (in finally).
 * Saving keeps the lock; close releases it. The devices' last readings are parsed on demand (loadMetrics).
 */
export async function openState(file: string, opts: { lockTimeoutMs: number; command: string; warn?: (line: string) => void; sections?: readonly StateSection[] }): Promise<StateStore> {
  const lock: Lock = await acquireLock(file, opts.lockTimeoutMs, opts.command, { warn: opts.warn });
  try {
    const adapter = new StateAdapter(file, opts.sections, 'lazy');
    const db = new Low<StateFile>(adapter, emptyState(opts.sections));
    await db.read();
    return {
      file,
      get data() {
        return db.data;
      },
      set data(v: StateFile) {
        db.data = v;
      },
      save: async () => {
        try {
          await db.write();
        } catch (e) {
          throw new RunError(`cannot save state file ${file}: ${fsReason(e)}; the previous state is kept`, { cause: e });
        }
      },
      close: () => lock.release(),
      loadMetrics: (ids) => adapter.loadMetrics(db.data, ids),
    };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

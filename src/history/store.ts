// History: every poll's numbers, per device, in append-only daily files beside the state
// (`<state-dir>/history/YYYY-MM-DD.jsonl`, UTC days) — never inside the state file, which is rewritten
// whole on every poll.
//
// Format: one JSON line per poll, each line standing alone:
//   {"t":"<ISO>","k":[["cpu","memory"],["black_toner","page_count"]],"d":{"vm/vc/a":[0,12.5,40],"printer/x":[1,80,48213]}}
// `k` lists the key sets seen in this poll once; each device is its key set's index, then its values in
// that order. Against `{"vm/vc/a":{"cpu":12.5,…}}` this halves the bytes (key names are not repeated
// 5,000 times a poll; bench/history.mjs), and a device's values are a flat array of numbers, which a
// reader finds and parses without parsing the rest of the line. One line per poll is one write(2) with
// O_APPEND, and no line depends on another (no dictionary or delta to rebuild), so a torn line loses one
// poll and nothing else. Days that are over are gzipped by prune (`YYYY-MM-DD.jsonl.gz`); reading
// streams through gunzip.
//
// A poll killed mid-append leaves a torn last line: readers skip a line that does not parse (never
// fatal), and the next append first checks the last byte and starts on a fresh line.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, copyFile } from 'node:fs/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { dirname, join } from 'node:path';

export interface HistoryEntry {
  id: string;
  numbers: Record<string, number | null>;
}

export interface HistorySample {
  /** Epoch milliseconds of the poll. */
  t: number;
  v: Record<string, number | null>;
}

export interface ReadOptions {
  since: Date;
  until?: Date;
  /** Which devices: a list of ids (fast: only those devices' part of each line is parsed) or a predicate. */
  devices?: readonly string[] | ((id: string) => boolean);
  /** Only these keys (a sample with none of them is left out). */
  keys?: readonly string[];
  /** Told about each line that could not be read (torn by a killed poll, or damaged). */
  onSkip?: (file: string, line: number, why: string) => void;
}

export interface PruneOptions {
  /** Segments whose whole day is older than this are removed. */
  keepMs: number;
  /** Then the oldest segments are removed until the folder is at most this size (today's is kept). */
  maxBytes: number;
}

export interface PruneResult {
  removed: string[];
  compressed: string[];
  /** Bytes of history left. */
  bytes: number;
}

export const HISTORY_DEFAULTS = { keepMs: 35 * 86_400_000, maxBytes: 200 * 1024 * 1024 };

const DAY = 86_400_000;
/** Fast and within a few per cent of the best ratio on these lines (bench/history.mjs). */
const GZIP_LEVEL = 4;
const SEGMENT = /^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$/;

/** The history folder for a state file: `history/` beside it. */
export function historyDir(stateFile: string): string {
  return join(dirname(stateFile), 'history');
}

function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function historyError(message: string, cause: unknown): Error {
  return new Error(`${message}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}

/**
 * One poll's line, by JSON.stringify (native, 3–4× faster than building the string in JS). Non-finite
 * numbers (NaN, Infinity) become null, as JSON has no such numbers.
 */
export function formatLine(at: Date, entries: readonly HistoryEntry[]): string {
  const sets = new Map<string, number>();
  const k: string[][] = [];
  const d: Record<string, Array<number | null>> = Object.create(null);
  for (const e of entries) {
    const keys = Object.keys(e.numbers);
    const sig = keys.join('\u0000');
    let idx = sets.get(sig);
    if (idx === undefined) {
      sets.set(sig, (idx = k.length));
      k.push(keys);
    }
    const row: Array<number | null> = [idx];
    for (const key of keys) {
      const v = e.numbers[key];
      row.push(typeof v === 'number' ? v : null);
    }
    d[e.id] = row;
  }
  return JSON.stringify({ t: at.toISOString(), k, d }) + '\n';
}

/** One device's values back into `{ key: value }` with the line's key sets; null when malformed. */
function unpack(sets: unknown, arr: unknown): Record<string, number | null> | null {
  if (!Array.isArray(arr) || !Array.isArray(sets)) return null;
  const keys = sets[arr[0] as number];
  if (!Array.isArray(keys) || keys.length !== arr.length - 1) return null;
  const v: Record<string, number | null> = {};
  for (let i = 0; i < keys.length; i++) setOwn(v, keys[i], arr[i + 1] as number | null);
  return v;
}

/** `o[k] = v`, also for a key named `__proto__` (which would otherwise set the prototype). */
function setOwn(o: Record<string, number | null>, k: string, v: number | null): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/**
 * Append one poll to the day's segment of `at` (UTC): one O_APPEND write, file mode 0600, folder 0700.
 * If the file does not end with a newline (a poll was killed mid-append), the line starts on a fresh one.
 */
export async function appendHistory(dir: string, at: Date, entries: readonly HistoryEntry[]): Promise<void> {
  if (Number.isNaN(at.getTime())) throw new Error(`cannot append to history in ${dir}: the poll time is not a valid date`);
  const file = join(dir, `${dayOf(at)}.jsonl`);
  let line = formatLine(at, entries);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const fh = await open(file, 'a+', 0o600);
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) line = '\n' + line;
      }
      await fh.appendFile(line, 'utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw historyError(`cannot append to history file ${file}`, e);
  }
}

interface Segment {
  day: string;
  file: string;
  gz: boolean;
  start: number;
}

async function listSegments(dir: string): Promise<Segment[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw historyError(`cannot list history folder ${dir}`, e);
  }
  const out: Segment[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (!m) continue;
    const start = Date.parse(`${m[1]}T00:00:00Z`);
    if (Number.isNaN(start)) continue;
    out.push({ day: m[1], file: join(dir, name), gz: !!m[2], start });
  }
  // by day; a day's .gz (older polls) before its .jsonl (polls appended after it was compressed)
  return out.sort((a, b) => a.start - b.start || Number(b.gz) - Number(a.gz));
}

const NL = 0x0a;
const QUOTE = 0x22;
const WHOLE_END = Buffer.from(']}}');
const EMPTY_END = Buffer.from('"d":{}}');
const K_START = Buffer.from('"k":');
const K_END = Buffer.from('],"d":{');

/** A whole line ends the `d` object and the line: `…]}}`, or `…"d":{}}` when no device had numbers. */
function looksWhole(line: Buffer): boolean {
  const n = line.length;
  return (n >= 3 && line.compare(WHOLE_END, 0, 3, n - 3, n) === 0) || (n >= 7 && line.compare(EMPTY_END, 0, 7, n - 7, n) === 0);
}

/**
 * The lines of a stream as Buffers, without decoding them: finding one device in a 1 MB line is then a
 * byte search, and only that device's part is ever turned into a string.
 */
async function* bufferLines(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of input) {
    let from = 0;
    for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, from)) {
      const head = chunk.subarray(from, nl);
      yield pending.length ? Buffer.concat([...pending, head]) : head;
      pending = [];
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
  }
  if (pending.length) yield Buffer.concat(pending);
}

function keep(v: Record<string, number | null>, keys: readonly string[] | undefined): Record<string, number | null> | null {
  if (!keys) return v;
  let out: Record<string, number | null> | null = null;
  for (const k of keys) if (Object.hasOwn(v, k)) setOwn((out ??= {}), k, v[k]);
  return out;
}

/**
 * Read the samples between `since` and `until` (inclusive), per device, oldest first. Streams line by line
 * (only segments whose day overlaps the window are opened), so a week of a large site is never in memory
 * at once — only what the filters keep. Lines that do not parse are skipped (see `onSkip`).
 */
export async function readHistory(dir: string, opts: ReadOptions): Promise<Map<string, HistorySample[]>> {
  const since = opts.since.getTime();
  const until = opts.until ? opts.until.getTime() : Infinity;
  const ids = Array.isArray(opts.devices) ? (opts.devices as readonly string[]) : null;
  const pred = typeof opts.devices === 'function' ? opts.devices : null;
  // `"<id>":[` preceded by `{` or `,` can only be a device entry of `d`: inside a JSON string a quote is
  // always escaped, and only device entries hold arrays after a key (ids "t", "k" and "d" take the slow path).
  const needles = ids && !ids.some((id) => id === 't' || id === 'd' || id === 'k') ? ids.map((id) => [id, Buffer.from(`${JSON.stringify(id)}:[`)] as const) : null;
  const out = new Map<string, HistorySample[]>();
  const add = (id: string, t: number, v: Record<string, number | null>) => {
    const kept = keep(v, opts.keys);
    if (!kept) return;
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push({ t, v: kept });
  };

  for (const seg of await listSegments(dir)) {
    if (seg.start + DAY <= since || seg.start > until) continue;
    let n = 0;
    try {
      const raw = createReadStream(seg.file, { highWaterMark: 1 << 20 });
      const input = seg.gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
      raw.on('error', (e) => input.destroy(e));
      for await (const line of bufferLines(input)) {
        n++;
        if (!line.length) continue;
        // the time is the first field, so lines outside the window are skipped without parsing them
        const tEnd = line[0] === 0x7b && line[1] === QUOTE && line[2] === 0x74 ? line.indexOf(QUOTE, 6) : -1;
        const t = tEnd > 0 ? Date.parse(line.toString('latin1', 6, tEnd)) : NaN;
        if (Number.isNaN(t)) {
          opts.onSkip?.(seg.file, n, 'not a history line');
          continue;
        }
        if (t < since || t > until) continue;
        if (!looksWhole(line)) {
          opts.onSkip?.(seg.file, n, 'torn line');
          continue;
        }
        if (needles) {
          let sets: unknown;
          for (const [id, needle] of needles) {
            let at = line.indexOf(needle, tEnd);
            while (at > 0 && line[at - 1] !== 0x7b && line[at - 1] !== 0x2c) at = line.indexOf(needle, at + 1);
            if (at < 0) continue;
            const open = at + needle.length - 1;
            const end = line.indexOf(0x5d /* ] */, open);
            try {
              if (sets === undefined) {
                const k = line.indexOf(K_START, tEnd) + K_START.length;
                sets = JSON.parse(line.toString('utf8', k, line.indexOf(K_END, k) + 1));
              }
              const v = unpack(sets, JSON.parse(line.toString('latin1', open, end + 1)));
              if (v) add(id, t, v);
              else opts.onSkip?.(seg.file, n, `bad entry for ${id}`);
            } catch {
              opts.onSkip?.(seg.file, n, `bad entry for ${id}`);
            }
          }
          continue;
        }
        let rec: { k: unknown; d: Record<string, unknown> };
        try {
          rec = JSON.parse(line.toString('utf8'));
        } catch {
          opts.onSkip?.(seg.file, n, 'torn line');
          continue;
        }
        if (!rec || typeof rec.d !== 'object' || rec.d === null) continue;
        for (const id in rec.d) {
          if (ids ? ids.includes(id) : pred ? pred(id) : true) {
            const v = unpack(rec.k, rec.d[id]);
            if (v) add(id, t, v);
          }
        }
      }
    } catch (e) {
      // a damaged .gz: what was read before the damage is kept, like a torn line
      if (seg.gz && (e as NodeJS.ErrnoException).code?.startsWith('Z_')) {
        opts.onSkip?.(seg.file, n + 1, `damaged compressed segment: ${(e as Error).message}`);
        continue;
      }
      throw historyError(`cannot read history file ${seg.file}`, e);
    }
  }
  for (const list of out.values()) {
    for (let i = 1; i < list.length; i++) {
      if (list[i].t < list[i - 1].t) {
        list.sort((a, b) => a.t - b.t);
        break;
      }
    }
  }
  return out;
}

/** Gzip a finished day into `<day>.jsonl.gz` (after an existing .gz, as a second gzip member), then drop the .jsonl. */
async function compressSegment(plain: string, gzFile: string): Promise<void> {
  const tmp = `${gzFile}.${process.pid}.tmp`;
  const hadGz = await stat(gzFile).then(() => true, () => false);
  if (hadGz) await copyFile(gzFile, tmp);
  try {
    await pipeline(createReadStream(plain), createGzip({ level: GZIP_LEVEL }), createWriteStream(tmp, { flags: hadGz ? 'a' : 'w', mode: 0o600 }));
    const fh = await open(tmp, 'r');
    await fh.sync().finally(() => fh.close());
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await rename(tmp, gzFile);
  await unlink(plain);
}

/**
 * Bound the history: remove segments whose whole day ended more than `keepMs` before `now`, gzip the
 * days that are over, then remove the oldest segments until the folder is at most `maxBytes` (the
 * current day's segment is never removed: it holds the polls being written).
 */
export async function pruneHistory(dir: string, now: Date, opts: PruneOptions): Promise<PruneResult> {
  const result: PruneResult = { removed: [], compressed: [], bytes: 0 };
  const today = dayOf(now);
  const cutoff = now.getTime() - opts.keepMs;
  try {
    // temp files of a compression that was killed
    for (const name of await readdir(dir).catch(() => [] as string[])) if (name.endsWith('.tmp') && SEGMENT.test(name.replace(/\.\d+\.tmp$/, ''))) await unlink(join(dir, name)).catch(() => {});
    let segs = await listSegments(dir);
    for (const s of segs) {
      if (s.start + DAY <= cutoff) {
        await unlink(s.file);
        result.removed.push(s.file);
      }
    }
    segs = segs.filter((s) => !result.removed.includes(s.file));
    for (const s of segs) {
      if (s.gz || s.day >= today) continue;
      const gz = `${s.file}.gz`;
      await compressSegment(s.file, gz);
      result.compressed.push(s.file);
    }
    segs = await listSegments(dir);
    const sized = await Promise.all(segs.map(async (s) => ({ ...s, size: (await stat(s.file)).size })));
    let total = sized.reduce((n, s) => n + s.size, 0);
    for (const s of sized) {
      if (total <= opts.maxBytes) break;
      if (s.day >= today) break;
      await unlink(s.file);
      result.removed.push(s.file);
      total -= s.size;
    }
    result.bytes = total;
  } catch (e) {
    throw historyError(`cannot prune history folder ${dir}`, e);
  }
  return result;
}

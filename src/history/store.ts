// History: every poll's numbers, per device, in append-only daily files beside the state
// (`<state-dir>/history/YYYY-MM-DD.jsonl`, UTC days) — never inside the state file, which is rewritten
// whole on every poll.
//
// Format: one JSON line per poll, `{"t":"<ISO>","d":{"<device id>":{"<key>":<number|null>,…},…}}`.
// One line per poll is one write(2) with O_APPEND per poll, and any line stands alone (no dictionary or
// delta to rebuild), so a torn line loses one poll and nothing else. Days that are over are gzipped by
// prune (`YYYY-MM-DD.jsonl.gz`): the same key names repeat on every line, so they compress 5–10×,
// and reading streams through gunzip.
//
// A poll killed mid-append leaves a torn last line: readers skip a line that does not parse (never
// fatal), and the next append first checks the last byte and starts on a fresh line.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, copyFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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

/** One poll's line. Non-finite numbers (NaN, Infinity) are stored as null: JSON has no such numbers. */
export function formatLine(at: Date, entries: readonly HistoryEntry[]): string {
  let s = `{"t":"${at.toISOString()}","d":{`;
  let first = true;
  for (const e of entries) {
    let inner = '';
    for (const k in e.numbers) {
      const v = e.numbers[k];
      inner += `${inner ? ',' : ''}${JSON.stringify(k)}:${typeof v === 'number' && Number.isFinite(v) ? v : 'null'}`;
    }
    s += `${first ? '' : ','}${JSON.stringify(e.id)}:{${inner}}`;
    first = false;
  }
  return s + '}}\n';
}

/**
 * Append one poll to the day's segment of `at` (UTC): one O_APPEND write, file mode 0600, folder 0700.
 * If the file does not end with a newline (a poll was killed mid-append), the line starts on a fresh one.
 */
export async function appendHistory(dir: string, at: Date, entries: readonly HistoryEntry[]): Promise<void> {
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

/** Find the end of the flat object starting at `open` ('{'), skipping strings; -1 when torn. */
function objectEnd(line: string, open: number): number {
  for (let i = open + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < line.length; i++) {
        const d = line.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7d /* } */) return i;
  }
  return -1;
}

/** A whole line ends the `d` object and the line: `…}}}`, or `…"d":{}}` when no device had numbers. */
function looksWhole(line: string): boolean {
  return line.endsWith('}}}') || line.endsWith('"d":{}}');
}

function keep(v: Record<string, number | null>, keys: readonly string[] | undefined): Record<string, number | null> | null {
  if (!keys) return v;
  let out: Record<string, number | null> | null = null;
  for (const k of keys) if (k in v) (out ??= {})[k] = v[k];
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
  // `"<id>":{` preceded by `{` or `,` can only be a device entry of `d`: inside a JSON string a quote is
  // always escaped, and only `d` and device entries hold objects (ids "t" and "d" take the slow path).
  const needles = ids && !ids.some((id) => id === 't' || id === 'd') ? ids.map((id) => [id, `${JSON.stringify(id)}:{`] as const) : null;
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
      const raw = createReadStream(seg.file);
      const input = seg.gz ? raw.pipe(createGunzip()) : raw;
      raw.on('error', (e) => input.destroy(e));
      const rl = createInterface({ input, crlfDelay: Infinity });
      for await (const line of rl) {
        n++;
        if (!line) continue;
        // the time is the first field, so lines outside the window are skipped without parsing them
        const tEnd = line.startsWith('{"t":"') ? line.indexOf('"', 6) : -1;
        const t = tEnd > 0 ? Date.parse(line.slice(6, tEnd)) : NaN;
        if (Number.isNaN(t)) {
          opts.onSkip?.(seg.file, n, 'not a history line');
          continue;
        }
        if (t < since || t > until) continue;
        if (needles) {
          if (!looksWhole(line)) {
            opts.onSkip?.(seg.file, n, 'torn line');
            continue;
          }
          for (const [id, needle] of needles) {
            let at = line.indexOf(needle, tEnd);
            while (at > 0 && line[at - 1] !== '{' && line[at - 1] !== ',') at = line.indexOf(needle, at + 1);
            if (at < 0) continue;
            const open = at + needle.length - 1;
            const end = objectEnd(line, open);
            if (end < 0) continue;
            try {
              add(id, t, JSON.parse(line.slice(open, end + 1)));
            } catch {
              opts.onSkip?.(seg.file, n, `bad entry for ${id}`);
            }
          }
          continue;
        }
        let rec: { t: string; d: Record<string, Record<string, number | null>> };
        try {
          rec = JSON.parse(line);
        } catch {
          opts.onSkip?.(seg.file, n, 'torn line');
          continue;
        }
        if (!rec || typeof rec.d !== 'object' || rec.d === null) continue;
        for (const id in rec.d) {
          if (ids ? ids.includes(id) : pred ? pred(id) : true) add(id, t, rec.d[id]);
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

// History at scale (issue 13 item 4): one poll of 5,000 devices × 10 numbers appended, a day of 288 such
// polls read back for one device, and prune (the per-poll call, and gzipping a finished day). Each figure
// beside its floor in the same run: JSON.stringify + fs.appendFileSync of the same poll; a naive reader
// that JSON.parses every line; gzip -4 of the same file by zlib in one call.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { median } from './startup.mjs';

const DEVICES = 5000;
const KEYS = ['cpu', 'memory', 'disk_c', 'disk_d', 'disk_e', 'net_rx', 'net_tx', 'uptime', 'snapshots', 'black_toner'];
const POLLS = 288;
const DAY = 86_400_000;

/** One poll's entries: VM-like numbers with one decimal, like the sources give them. */
function pollEntries(poll) {
  const out = [];
  for (let d = 0; d < DEVICES; d++) {
    const numbers = {};
    KEYS.forEach((k, i) => {
      const x = Math.abs(Math.sin(d * 13.7 + i * 3.1 + poll * 0.37)) * (i === 7 ? 3e6 : 100);
      numbers[k] = i === 9 && d % 7 === 0 ? null : Math.round(x * 10) / 10;
    });
    out.push({ id: `vm/vc1/app-server-${String(d).padStart(5, '0')}`, numbers });
  }
  return out;
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const f1 = (x) => x.toFixed(1);
/** simplemon ÷ reference: below 1 is faster than the reference. */
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

export async function benchHistory({ repoRoot, log }) {
  const { appendHistory, readHistory, pruneHistory } = await import(join(repoRoot, 'dist', 'history', 'store.js'));
  const root = mkdtempSync(join(tmpdir(), 'simplemon-bench-history-'));
  const rows = [];
  try {
    // 1. append one poll, interleaved with the floor, median of 9
    const day0 = Date.parse('2026-11-23T00:00:00Z');
    const dir = join(root, 'history');
    const floorFile = join(root, 'floor.jsonl');
    const ours = [];
    const floor = [];
    const entries = pollEntries(0);
    for (let i = 0; i < 9; i++) {
      log(`history: append ${i + 1}/9`);
      let t0 = process.hrtime.bigint();
      await appendHistory(dir, new Date(day0 + i * 300_000), entries);
      ours.push(ms(t0));
      t0 = process.hrtime.bigint();
      const rec = { t: new Date(day0 + i * 300_000).toISOString(), d: Object.fromEntries(entries.map((e) => [e.id, e.numbers])) };
      appendFileSync(floorFile, JSON.stringify(rec) + '\n');
      floor.push(ms(t0));
    }
    const bytesPerPoll = statSync(join(dir, '2026-11-23.jsonl')).size / 9;
    rows.push(['append one poll (5,000 devices × 10 numbers)', `${f1(median(ours))} ms`, `${f1(median(floor))} ms`, ratio(median(ours), median(floor))]);
    const appendRow = { ours: median(ours), floor: median(floor), bytes: 0 };

    // 2. a whole day of 288 polls, then read 24 h of one device
    for (let p = 9; p < POLLS; p++) {
      if (p % 48 === 0) log(`history: writing poll ${p}/${POLLS}`);
      await appendHistory(dir, new Date(day0 + p * 300_000), pollEntries(p));
    }
    const dayFile = join(dir, '2026-11-23.jsonl');
    const dayBytes = statSync(dayFile).size;
    const id = 'vm/vc1/app-server-02500';
    const since = new Date(day0);
    const readOurs = [];
    const readNaive = [];
    let got = 0;
    for (let i = 0; i < 3; i++) {
      log(`history: read 24 h of one device ${i + 1}/3`);
      let t0 = process.hrtime.bigint();
      got = (await readHistory(dir, { since, devices: [id] })).get(id)?.length ?? 0;
      readOurs.push(ms(t0));
      t0 = process.hrtime.bigint();
      let n = 0;
      for await (const line of createInterface({ input: createReadStream(dayFile), crlfDelay: Infinity })) if (JSON.parse(line).d[id]) n++;
      readNaive.push(ms(t0));
      if (n !== got) throw new Error(`read ${got} samples, the naive reader ${n}`);
    }
    if (got !== POLLS) throw new Error(`expected ${POLLS} samples of ${id}, read ${got}`);
    rows.push([`read 24 h of one device (${POLLS} polls, ${mb(dayBytes)} day)`, `${Math.round(median(readOurs))} ms`, `${Math.round(median(readNaive))} ms (parse every line)`, ratio(median(readOurs), median(readNaive))]);

    // 3. prune: the per-poll call with nothing to do, then the first call after midnight (gzip the day)
    const next = new Date(day0 + DAY + 60_000);
    const raw = readFileSync(dayFile);
    log('history: gzip reference');
    let t0 = process.hrtime.bigint();
    const refGz = gzipSync(raw, { level: 4 }).length;
    const refMs = ms(t0);
    log('history: prune (gzip the finished day)');
    t0 = process.hrtime.bigint();
    await pruneHistory(dir, next, { keepMs: 35 * DAY, maxBytes: 200 * 1024 * 1024 });
    const gzMs = ms(t0);
    const gzBytes = statSync(join(dir, '2026-11-23.jsonl.gz')).size;
    rows.push([`prune after midnight: gzip the day (${mb(dayBytes)} → ${mb(gzBytes)}, ${f1(dayBytes / gzBytes)}×)`, `${Math.round(gzMs)} ms`, `${Math.round(refMs)} ms (zlib.gzipSync, ${mb(refGz)})`, ratio(gzMs, refMs)]);
    const idle = [];
    for (let i = 0; i < 9; i++) {
      t0 = process.hrtime.bigint();
      await pruneHistory(dir, next, { keepMs: 35 * DAY, maxBytes: 200 * 1024 * 1024 });
      idle.push(ms(t0));
    }
    rows.push(['prune on every other poll (nothing to do)', `${f1(median(idle))} ms`, '—', '—']);
    const readGz = [];
    for (let i = 0; i < 3; i++) {
      log(`history: read the gzipped day ${i + 1}/3`);
      t0 = process.hrtime.bigint();
      got = (await readHistory(dir, { since, devices: [id] })).get(id)?.length ?? 0;
      readGz.push(ms(t0));
    }
    if (got !== POLLS) throw new Error(`expected ${POLLS} samples from the .gz, read ${got}`);
    rows.push(['read 24 h of one device from the gzipped day', `${Math.round(median(readGz))} ms`, `${Math.round(median(readOurs))} ms (plain)`, ratio(median(readGz), median(readOurs))]);

    const lines = [
      '| history | simplemon | reference | simplemon ÷ reference |',
      '| --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      `${Math.round(bytesPerPoll / 1024)} KiB per poll plain (${Math.round(bytesPerPoll / DEVICES)} B per device); a day of ${POLLS} polls ${mb(dayBytes)} plain, ${mb(gzBytes)} gzipped:`,
      `the default cap (200 MiB) holds today plus ~${Math.max(0, Math.floor((200 * 1024 * 1024 - dayBytes) / gzBytes))} gzipped days at this size; 35 days need ~${mb(dayBytes + 34 * gzBytes)}.`,
    ];
    const { row } = await import('./table.mjs');
    lines.table = [
      row({ work: `history: append one poll, ${DEVICES} devices × 10 numbers (${Math.round(bytesPerPoll / 1024)} KiB)`, ours: { ms: appendRow.ours }, refName: 'JSON.stringify + appendFileSync', ref: { ms: appendRow.floor }, note: 'in-process' }),
      row({ work: `history: read 24 h of one device (${POLLS} polls)`, ours: { ms: median(readOurs) }, refName: 'parse every line', ref: { ms: median(readNaive) }, target: { ratio: 1 } }),
    ];
    return lines;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// The history store on real temp folders: append, read back with filters, prune by age and size, torn lines.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory, readHistory, pruneHistory, historyDir } from '../../dist/history/store.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const fresh = () => mkdtempSync(join(tmpdir(), 'simplemon-history-'));
const at = (ms) => new Date(T0 + ms);

test('historyDir() is history/ beside the state file', () => {
  assert.equal(historyDir('/var/lib/simplemon/simplemon.json'), '/var/lib/simplemon/history');
});

test('appendHistory() writes one line per poll into the UTC day segment, mode 0600, and readHistory() gives it back per device', async () => {
  const dir = join(fresh(), 'history');
  await appendHistory(dir, at(5 * MIN), [
    { id: 'printer/a', numbers: { black_toner: 80, page_count: 1000 } },
    { id: 'printer/b', numbers: { black_toner: null, cyan_toner: 40 } },
  ]);
  await appendHistory(dir, at(10 * MIN), [{ id: 'printer/a', numbers: { black_toner: 79, page_count: 1010 } }]);
  assert.deepEqual(readdirSync(dir), ['2026-11-20.jsonl']);
  assert.equal(statSync(join(dir, '2026-11-20.jsonl')).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const lines = readFileSync(join(dir, '2026-11-20.jsonl'), 'utf8').split('\n');
  assert.equal(lines.length, 3, 'two lines and the final newline');
  assert.equal(lines[0], '{"t":"2026-11-20T00:05:00.000Z","k":[["black_toner","page_count"],["black_toner","cyan_toner"]],"d":{"printer/a":[0,80,1000],"printer/b":[1,null,40]}}', 'key sets once, then each device as [key set, values…]');

  const all = await readHistory(dir, { since: at(0) });
  assert.deepEqual([...all.keys()], ['printer/a', 'printer/b']);
  assert.deepEqual(all.get('printer/a'), [
    { t: T0 + 5 * MIN, v: { black_toner: 80, page_count: 1000 } },
    { t: T0 + 10 * MIN, v: { black_toner: 79, page_count: 1010 } },
  ]);
  assert.deepEqual(all.get('printer/b'), [{ t: T0 + 5 * MIN, v: { black_toner: null, cyan_toner: 40 } }]);
});

test('readHistory() filters by time window, device (list or predicate) and key', async () => {
  const dir = fresh();
  for (let d = 0; d < 3; d++) {
    for (let h = 0; h < 24; h += 6) {
      await appendHistory(dir, at(d * DAY + h * 3_600_000), [
        { id: 'printer/a', numbers: { black_toner: 100 - d * 10 - h / 6, page_count: d * 100 + h } },
        { id: 'vm/vc/x', numbers: { cpu: h } },
        { id: 'printer/a2', numbers: { black_toner: 1 } },
      ]);
    }
  }
  assert.equal(readdirSync(dir).length, 3);
  const since = at(DAY + 6 * 3_600_000);
  const until = at(2 * DAY);
  const byList = await readHistory(dir, { since, until, devices: ['printer/a'], keys: ['black_toner'] });
  assert.deepEqual([...byList.keys()], ['printer/a'], 'printer/a2 is not printer/a');
  assert.deepEqual(byList.get('printer/a').map((s) => [s.t - T0, s.v]), [
    [DAY + 6 * 3_600_000, { black_toner: 89 }],
    [DAY + 12 * 3_600_000, { black_toner: 88 }],
    [DAY + 18 * 3_600_000, { black_toner: 87 }],
    [2 * DAY, { black_toner: 80 }],
  ]);
  const byPred = await readHistory(dir, { since, until, devices: (id) => id.startsWith('printer/'), keys: ['black_toner'] });
  assert.deepEqual([...byPred.keys()].sort(), ['printer/a', 'printer/a2']);
  assert.deepEqual(byPred.get('printer/a'), byList.get('printer/a'), 'the fast path and the full parse agree');
  const noKey = await readHistory(dir, { since, devices: ['vm/vc/x'], keys: ['black_toner'] });
  assert.equal(noKey.size, 0, 'a device without any of the keys has no samples');
  assert.equal((await readHistory(join(dir, 'missing'), { since })).size, 0, 'no folder yet: no history');
});

test('a poll killed mid-append: the torn line is skipped when reading, the next append starts on a fresh line', async () => {
  const dir = fresh();
  const file = join(dir, '2026-11-20.jsonl');
  await appendHistory(dir, at(5 * MIN), [{ id: 'printer/a', numbers: { black_toner: 80 } }, { id: 'printer/b', numbers: { black_toner: 50 } }]);
  await appendHistory(dir, at(10 * MIN), [{ id: 'printer/a', numbers: { black_toner: 79 } }, { id: 'printer/b', numbers: { black_toner: 49 } }]);
  const size = statSync(file).size;
  // the kill: the second line lost its end, in the middle of printer/b's object
  const text = readFileSync(file, 'utf8');
  const cut = text.lastIndexOf('"printer/b":[0,49') + 15;
  truncateSync(file, cut);
  assert.ok(statSync(file).size < size);
  await appendHistory(dir, at(15 * MIN), [{ id: 'printer/a', numbers: { black_toner: 78 } }, { id: 'printer/b', numbers: { black_toner: 48 } }]);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.length, 4);
  assert.doesNotThrow(() => JSON.parse(lines[2]), 'the new poll is a whole line of its own');

  for (const devices of [undefined, ['printer/a', 'printer/b']]) {
    const skipped = [];
    const h = await readHistory(dir, { since: at(0), devices, onSkip: (f, n, why) => skipped.push([n, why]) });
    assert.deepEqual(h.get('printer/a').map((s) => s.v.black_toner), [80, 78], 'the torn poll is skipped for every device');
    assert.deepEqual(h.get('printer/b').map((s) => s.v.black_toner), [50, 48]);
    assert.deepEqual(skipped, [[2, 'torn line']]);
  }
});

test('pruneHistory() removes days older than keep, gzips finished days (still readable), and keeps today', async () => {
  const dir = fresh();
  for (let d = 0; d < 5; d++) {
    for (let p = 0; p < 10; p++) await appendHistory(dir, at(d * DAY + p * 5 * MIN), [{ id: 'printer/a', numbers: { black_toner: 100 - d * 10 - p / 10, page_count: d * 1000 + p } }]);
  }
  const before = await readHistory(dir, { since: at(2 * DAY) });
  const now = at(4 * DAY + 12 * 3_600_000);
  const r = await pruneHistory(dir, now, { keepMs: 2.5 * DAY, maxBytes: 1e9 });
  // day 1 ends at 2d, which is 2.5d before now: gone; day 2 ends at 3d: kept
  assert.deepEqual(r.removed.map((f) => f.slice(-16)), ['2026-11-20.jsonl', '2026-11-21.jsonl']);
  assert.deepEqual(readdirSync(dir).sort(), ['2026-11-22.jsonl.gz', '2026-11-23.jsonl.gz', '2026-11-24.jsonl']);
  assert.equal(r.compressed.length, 2);
  assert.equal(statSync(join(dir, '2026-11-22.jsonl.gz')).mode & 0o777, 0o600);
  const after = await readHistory(dir, { since: at(2 * DAY) });
  assert.deepEqual(after, before, 'compressed days read back exactly');
  const fast = await readHistory(dir, { since: at(2 * DAY), devices: ['printer/a'] });
  assert.deepEqual(fast, before);
  assert.ok(r.bytes > 0 && r.bytes < 5000);
  // a poll appended to a day after it was compressed (late clock) is kept and read after the old ones
  await appendHistory(dir, at(3 * DAY + 23 * 3_600_000), [{ id: 'printer/a', numbers: { black_toner: 1 } }]);
  await pruneHistory(dir, now, { keepMs: 2.5 * DAY, maxBytes: 1e9 });
  assert.ok(!existsSync(join(dir, '2026-11-23.jsonl')));
  const late = await readHistory(dir, { since: at(3 * DAY), until: at(4 * DAY - 1) });
  assert.deepEqual(late.get('printer/a').map((s) => s.v.black_toner).slice(-2), [70 - 0.9, 1], 'the second gzip member is read too');
});

test('pruneHistory() removes the oldest days until the folder fits max-size, never today', async () => {
  const dir = fresh();
  const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
  for (let d = 0; d < 4; d++) for (let p = 0; p < 20; p++) await appendHistory(dir, at(d * DAY + p * MIN), [{ id: `vm/vc/d${d}`, numbers: big }]);
  const now = at(3 * DAY + 3_600_000);
  await pruneHistory(dir, now, { keepMs: 35 * DAY, maxBytes: 1e9 }); // compress first, to know the sizes
  const sizes = Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).size]));
  const today = sizes['2026-11-23.jsonl'];
  const oneGz = sizes['2026-11-22.jsonl.gz'];
  const r = await pruneHistory(dir, now, { keepMs: 35 * DAY, maxBytes: today + oneGz });
  assert.deepEqual(readdirSync(dir).sort(), ['2026-11-22.jsonl.gz', '2026-11-23.jsonl']);
  assert.equal(r.bytes, today + oneGz);
  await pruneHistory(dir, now, { keepMs: 35 * DAY, maxBytes: 10 });
  assert.deepEqual(readdirSync(dir), ['2026-11-23.jsonl'], "today's segment stays even over the cap");
});

test('readHistory() keeps device ids and keys that need JSON escaping apart', async () => {
  const dir = fresh();
  const odd = 'printer/a"],"x":[0,1';
  await appendHistory(dir, at(MIN), [
    { id: odd, numbers: { 'k"]}': 1, plain: 2 } },
    { id: 'printer/a', numbers: { plain: 3, nan: NaN } },
    { id: 'printer/proto', numbers: JSON.parse('{"__proto__":5}') },
  ]);
  for (const devices of [undefined, ['printer/a', odd]]) {
    const h = await readHistory(dir, { since: at(0), devices });
    assert.deepEqual(h.get(odd), [{ t: T0 + MIN, v: { 'k"]}': 1, plain: 2 } }]);
    assert.deepEqual(h.get('printer/a'), [{ t: T0 + MIN, v: { plain: 3, nan: null } }], 'NaN is stored as null');
  }
  const proto = (await readHistory(dir, { since: at(0), devices: ['printer/proto'], keys: ['__proto__'] })).get('printer/proto')[0].v;
  assert.ok(Object.hasOwn(proto, '__proto__'), 'a key named __proto__ is data, not a prototype');
  assert.equal(Object.getOwnPropertyDescriptor(proto, '__proto__').value, 5);
});

test('a stray file or a damaged compressed day never stops a read', async () => {
  const dir = fresh();
  await appendHistory(dir, at(DAY), [{ id: 'printer/a', numbers: { black_toner: 5 } }]);
  writeFileSync(join(dir, 'notes.txt'), 'hello');
  writeFileSync(join(dir, '2026-11-20.jsonl.gz'), Buffer.from('not gzip at all'));
  const skipped = [];
  const h = await readHistory(dir, { since: at(0), onSkip: (f, n, why) => skipped.push(why) });
  assert.deepEqual(h.get('printer/a').map((s) => s.v.black_toner), [5]);
  assert.equal(skipped.length, 1);
  assert.match(skipped[0], /damaged compressed segment/);
});

// summarizeQueue() and pagesByHost(): the queue metrics, the stuck decision across polls (row for row
// with the decisions written above summarizeQueue), and pages per host counted once per job.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeQueue, pagesByHost, UNKNOWN_HOST } from '../../dist/sources/printers/queue.js';

const T0 = new Date('2026-12-01T08:00:00.000Z');
const at = (min) => new Date(T0.getTime() + min * 60_000);
const iso = (min) => at(min).toISOString();
const STUCK = { stuckAfterMs: 15 * 60_000 };
const job = (id, over = {}) => ({ id, state: 'pending', host: 'pc-1', createdAt: iso(0), impressionsCompleted: 0, ...over });

describe('summarizeQueue: metrics', () => {
  test('counts not-completed jobs, held ones, jobs by host, and the oldest age; finished jobs are ignored', () => {
    const jobs = [
      job(1, { host: 'pc-accounting-7', createdAt: iso(-30), state: 'pending-held' }),
      job(2, { host: '10.1.2.3', createdAt: iso(-5), state: 'processing', impressionsCompleted: 3 }),
      job(3, { host: 'pc-accounting-7', createdAt: iso(-1) }),
      job(4, { host: null, createdAt: null }),
      job(5, { host: 'pc-9', state: 'completed', createdAt: iso(-600) }),
      job(6, { host: 'pc-9', state: 'canceled' }),
    ];
    const { metrics, memory } = summarizeQueue(jobs, T0, STUCK);
    assert.deepEqual(metrics, {
      jobs: 4,
      held: 1,
      oldestJobAgeSeconds: 1800,
      jobsByHost: { 'pc-accounting-7': 2, '10.1.2.3': 1, [UNKNOWN_HOST]: 1 },
      stuck: false,
    });
    assert.deepEqual(Object.keys(memory.jobs).sort(), ['1', '2', '3', '4']);
  });

  test('an empty queue: zero jobs, no oldest age, not stuck', () => {
    const { metrics } = summarizeQueue([], T0, STUCK);
    assert.deepEqual(metrics, { jobs: 0, held: 0, oldestJobAgeSeconds: null, jobsByHost: {}, stuck: false });
  });

  test('a job with no creation time ages from the poll that first saw it', () => {
    const first = summarizeQueue([job(1, { createdAt: null })], at(0), STUCK);
    assert.equal(first.metrics.oldestJobAgeSeconds, 0);
    const second = summarizeQueue([job(1, { createdAt: null })], at(10), STUCK, first.memory);
    assert.equal(second.metrics.oldestJobAgeSeconds, 600);
  });

  test('host names such as __proto__ are plain keys', () => {
    const { metrics } = summarizeQueue([job(1, { host: '__proto__' }), job(2, { host: '__proto__' })], T0, STUCK);
    assert.equal(Object.getOwnPropertyDescriptor(metrics.jobsByHost, '__proto__')?.value, 2);
  });

  test('the memory survives a JSON round trip (it lives in the state file)', () => {
    const a = summarizeQueue([job(1, { createdAt: iso(-3) })], at(0), STUCK);
    const b1 = summarizeQueue([job(1, { createdAt: iso(-3) })], at(20), STUCK, a.memory);
    const b2 = summarizeQueue([job(1, { createdAt: iso(-3) })], at(20), STUCK, JSON.parse(JSON.stringify(a.memory)));
    assert.deepEqual(b2, b1);
  });
});

describe('summarizeQueue: stuck, poll after poll', () => {
  // Each row: a sequence of polls [minute, jobs]; the stuck value expected after each poll.
  const rows = [
    {
      why: 'one job at the head with 0 pages for 20 min: stuck on the first poll that sees it',
      polls: [[0, [job(1, { createdAt: iso(-20) })], true]],
    },
    {
      why: 'a young job is not stuck; the same job with no progress becomes stuck once older than the limit',
      polls: [
        [0, [job(1, { createdAt: iso(-1) })], false],
        [10, [job(1, { createdAt: iso(-1) })], false],
        [15, [job(1, { createdAt: iso(-1) })], true],
      ],
    },
    {
      why: 'a long job whose pages keep growing is never stuck',
      polls: [
        [0, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 10 })], false],
        [5, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 40 })], false],
        [20, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 41 })], false],
        [40, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 90 })], false],
      ],
    },
    {
      why: 'a job that stops printing half way becomes stuck stuckAfter after its last page',
      polls: [
        [0, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 10 })], false],
        [5, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 12 })], false],
        [15, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 12 })], false],
        [20, [job(1, { createdAt: iso(-60), state: 'processing', impressionsCompleted: 12 })], true],
      ],
    },
    {
      why: 'an old job waiting behind a job that progresses is not stuck',
      polls: [
        [0, [job(1, { createdAt: iso(-30), state: 'processing', impressionsCompleted: 5 }), job(2, { createdAt: iso(-25) })], false],
        [10, [job(1, { createdAt: iso(-30), state: 'processing', impressionsCompleted: 50 }), job(2, { createdAt: iso(-25) })], false],
      ],
    },
    {
      why: 'the queue moves when an active job leaves it: the next one waiting is not stuck',
      polls: [
        [0, [job(1, { createdAt: iso(-30), state: 'processing', impressionsCompleted: 5 }), job(2, { createdAt: iso(-25) })], false],
        [14, [job(2, { createdAt: iso(-25) })], false],
        [30, [job(2, { createdAt: iso(-25) })], true],
      ],
    },
    {
      why: 'held jobs wait for a person: never stuck, however old',
      polls: [
        [0, [job(1, { createdAt: iso(-600), state: 'pending-held' })], false],
        [60, [job(1, { createdAt: iso(-600), state: 'pending-held' })], false],
      ],
    },
    {
      why: 'a held job does not hide a stuck one, and does not count as progress',
      polls: [[0, [job(1, { createdAt: iso(-600), state: 'pending-held' }), job(2, { createdAt: iso(-20) })], true]],
    },
    {
      why: 'processing-stopped (the printer stopped mid-job) with no progress is stuck',
      polls: [[0, [job(1, { createdAt: iso(-16), state: 'processing-stopped', impressionsCompleted: 0 })], true]],
    },
    {
      why: 'a job already printing when first seen counts from that poll: not stuck at once',
      polls: [
        [0, [job(1, { createdAt: iso(-120), state: 'processing', impressionsCompleted: 3 })], false],
        [15, [job(1, { createdAt: iso(-120), state: 'processing', impressionsCompleted: 3 })], true],
      ],
    },
    {
      why: 'a job with no creation time and no memory counts from first sight',
      polls: [
        [0, [job(1, { createdAt: null })], false],
        [16, [job(1, { createdAt: null })], true],
      ],
    },
  ];
  for (const { why, polls } of rows) {
    test(why, () => {
      let memory;
      for (const [min, jobs, expected] of polls) {
        const r = summarizeQueue(jobs, at(min), STUCK, memory);
        assert.equal(r.metrics.stuck, expected, `at minute ${min}`);
        memory = r.memory;
      }
    });
  }
});

describe('pagesByHost', () => {
  test('sums job-impressions-completed of finished jobs per originating host', () => {
    const r = pagesByHost([
      job(1, { host: 'pc-accounting-7', state: 'completed', impressionsCompleted: 12 }),
      job(2, { host: 'pc-accounting-7', state: 'completed', impressionsCompleted: 3 }),
      job(3, { host: '10.1.2.3', state: 'canceled', impressionsCompleted: 2 }),
      job(4, { host: '10.1.2.3', state: 'aborted', impressionsCompleted: null }),
      job(5, { host: null, state: 'completed', impressionsCompleted: 7 }),
      job(6, { host: 'pc-9', state: 'processing', impressionsCompleted: 100 }),
    ]);
    assert.deepEqual(r.added, { 'pc-accounting-7': 15, '10.1.2.3': 2, [UNKNOWN_HOST]: 7 });
    assert.deepEqual(r.totals, r.added);
    assert.equal(r.memory.counted.length, 5);
  });

  test('a job listed again at the next poll is not counted twice; new jobs add to the totals', () => {
    const a = pagesByHost([job(1, { state: 'completed', impressionsCompleted: 4 })]);
    const b = pagesByHost([job(1, { state: 'completed', impressionsCompleted: 4 }), job(2, { state: 'completed', impressionsCompleted: 6 })], JSON.parse(JSON.stringify(a.memory)));
    assert.deepEqual(b.added, { 'pc-1': 6 });
    assert.deepEqual(b.totals, { 'pc-1': 10 });
    const c = pagesByHost([job(1, { state: 'completed', impressionsCompleted: 4 }), job(2, { state: 'completed', impressionsCompleted: 6 })], b.memory);
    assert.deepEqual(c.added, {});
    assert.deepEqual(c.totals, { 'pc-1': 10 });
  });

  test('the memory keeps only jobs the server still lists; an id reused with another creation time counts again', () => {
    const a = pagesByHost([job(1, { state: 'completed', impressionsCompleted: 4, createdAt: iso(-100) }), job(2, { state: 'completed', impressionsCompleted: 1 })]);
    const b = pagesByHost([job(2, { state: 'completed', impressionsCompleted: 1 })], a.memory);
    assert.equal(b.memory.counted.length, 1);
    const c = pagesByHost([job(1, { state: 'completed', impressionsCompleted: 9, createdAt: iso(5) })], b.memory);
    assert.deepEqual(c.added, { 'pc-1': 9 });
    assert.deepEqual(c.totals, { 'pc-1': 14 });
  });
});

test('the queue logic, the IPP encoding and the record mapping are pure; collectQueue loads the client only when it runs', async () => {
  const { readFile } = await import('node:fs/promises');
  const src = (f) => readFile(new URL(`../../src/${f}`, import.meta.url), 'utf8');
  const imports = (text) => [...text.matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({ type: !!m[1], from: m[2] }));
  for (const f of ['sources/printers/queue.ts', 'protocols/ipp/encoding.ts', 'protocols/ipp/jobs.ts']) {
    for (const i of imports(await src(f))) assert.ok(i.from.startsWith('./'), `${f} imports ${i.from}`);
  }
  const collect = imports(await src('sources/printers/queue-collect.ts'));
  assert.deepEqual(
    collect.filter((i) => !i.type).map((i) => i.from),
    ['./queue.js'],
  );
});

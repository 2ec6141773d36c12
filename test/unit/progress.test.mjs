// The progress of a long poll on a terminal (issue 12, item 4): the text the spinner and the
// `status --watch` header show, and the hook that carries the sources' counts to it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { progressPart, progressText, progressTracker } from '../../dist/render/progress.js';
import { collectPrinters } from '../../dist/sources/printers/collect.js';
import { runPoll } from '../../dist/app/run-poll.js';
import { kindRules } from '../../dist/core/rule.js';
import { emptyState } from '../../dist/state/migrate.js';

test('progressPart(): done/total when the total is known, the count alone when not, the unit after it', () => {
  assert.equal(progressPart('printers', { done: 120, total: 200 }), 'printers 120/200');
  assert.equal(progressPart('vCenter vc1', { done: 2, total: null, unit: 'pages' }), 'vCenter vc1 2 pages');
  assert.equal(progressPart('vCenter vc1', { done: 1, total: null, unit: 'page' }), 'vCenter vc1 1 page');
  assert.equal(progressPart('vCenter vc1', { done: 2, total: 3, unit: 'pages' }), 'vCenter vc1 2/3 pages');
});

test('progressText(): every label in the order it first reported, comma-separated; empty before any report', () => {
  assert.equal(progressText(new Map()), '');
  const t = progressTracker();
  assert.equal(t.text(), '');
  t.report(1, 200, 'printers');
  t.report(1, null, 'vCenter vc1', 'page');
  t.report(120, 200, 'printers'); // an update keeps its place
  t.report(2, null, 'vCenter vc1', 'pages');
  assert.equal(t.text(), 'printers 120/200, vCenter vc1 2 pages');
});

test('progressTracker() tells its listener the whole line at each report', () => {
  const seen = [];
  const t = progressTracker((text) => seen.push(text));
  t.report(1, 2, 'printers');
  t.report(2, 2, 'printers');
  assert.deepEqual(seen, ['printers 1/2', 'printers 2/2']);
});

test('collectPrinters() counts the printers done, read or not, up to the total', async () => {
  const printer = (name) => ({ name, id: `printer/${name}`, address: '127.0.0.1', port: 161, snmp: { version: '2c', community: 'c' }, timeoutMs: 1000, retries: 0, thresholds: {} });
  const sys = [
    { oid: '1.3.6.1.2.1.1.1.0', type: 'octets', value: Buffer.from('Fake') },
    { oid: '1.3.6.1.2.1.1.5.0', type: 'octets', value: Buffer.from('fake') },
  ];
  const session = (fail) => ({
    async get(oids) {
      if (fail) throw new Error('no answer');
      return oids.map((o) => sys.find((x) => x.oid === o) ?? null);
    },
    async walk() {
      return [];
    },
    close() {},
  });
  const counts = [];
  const readings = await collectPrinters(['a', 'b', 'down', 'c'].map(printer), {
    concurrency: 2,
    openSession: async (t) => session(t.name === 'down'),
    onDone: (done, total) => counts.push(`${done}/${total}`),
  });
  assert.deepEqual(readings.map((r) => r.reachable), [true, true, false, true]);
  assert.deepEqual(counts, ['1/4', '2/4', '3/4', '4/4']);
});

test('runPoll() hands its progress hook to every source, and a poll without one works as before', async () => {
  const source = {
    name: 'gadgets',
    kinds: [{ kind: 'gadget', title: 'Gadgets', words: ['gadgets', 'gadget'], rules: kindRules('gadget', 'unknown', []), columns: [], numbers: () => [] }],
    section: { key: 'gadgets', empty: () => [], parse: () => [] },
    configured: (config) => config.gadgets.map((n) => ({ id: `gadget/${n}`, kind: 'gadget', name: n, target: n })),
    owns: () => false,
    async collect(ctx) {
      const names = ctx.config.gadgets;
      names.forEach((_, i) => ctx.progress?.(i + 1, names.length, 'gadgets'));
      return { readings: names.map((n) => ({ id: `gadget/${n}`, kind: 'gadget', name: n, target: n, reachable: true, error: null, metrics: {} })) };
    },
  };
  const config = { file: '/x/c.yaml', dir: '/x', stateFile: '/x/s.json', lockTimeoutMs: 1000, eventLogSize: 100, defaults: { timeoutMs: 1000, retries: 0, concurrency: 4 }, thresholds: {}, email: null, maintenance: [], secrets: [], warnings: [], gadgets: ['a', 'b'] };
  const store = () => ({ file: '/x/s.json', data: emptyState(), save: async () => {}, close: async () => {} });
  const t = progressTracker();
  const deps = { sources: [source], now: () => new Date('2026-12-01T08:00:00Z'), log: () => {} };
  const r = await runPoll(config, { ...deps, openStore: async () => store(), progress: t.report });
  assert.equal(t.text(), 'gadgets 2/2');
  assert.equal(r.readings.length, 2);
  const plain = await runPoll(config, { ...deps, openStore: async () => store() });
  assert.equal(plain.readings.length, 2);
});

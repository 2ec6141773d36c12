// The poll use case (src/app/run-poll.ts) with plain fake sources, an in-memory store and a recording
// notifier: no network, no files. What used to be proved only end to end.
import test from 'node:test';
import assert from 'node:assert/strict';
import { runPoll } from '../../dist/app/run-poll.js';
import { selectSources, numbersOf } from '../../dist/app/devices.js';
import { kindRules } from '../../dist/core/rule.js';
import { emptyAppState as emptyState } from '../../dist/app/state.js';

const T0 = new Date('2026-12-01T08:00:00Z');

/** A source of one kind `gadget` whose devices are the config's `gadgets` list; readings come from `answers`. */
function fakeSource({ name = 'gadgets', kind = 'gadget', answers = {}, fail = null, removed = [] } = {}) {
  const calls = [];
  return {
    calls,
    name,
    kinds: [
      {
        kind,
        title: 'Gadgets',
        words: [`${kind}s`, kind],
        rules: kindRules(kind, 'unknown', [
          { name: 'level', kind, description: 'level below 20', defaults: { enabled: true, critical: { op: 'below', value: 20 } }, measure: (m) => [{ label: 'level', value: m.level ?? null, unit: '%' }] },
        ]),
        columns: [],
        numbers: (v, rules) => [{ name: 'level_percent', key: 'level', title: 'level', value: v.metrics.level ?? null, unit: '%', critical: rules.level.critical }],
      },
    ],
    section: { key: `${kind}s`, empty: () => [], parse: () => [] },
    configured: (config) => (config[`${kind}s`] ?? []).map((n) => ({ id: `${kind}/${n}`, kind, name: n, target: `${n}.example` })),
    owns: () => false,
    async collect(ctx, kinds) {
      calls.push([...kinds]);
      if (fail) throw new Error(fail);
      return {
        readings: (ctx.config[`${kind}s`] ?? []).map((n) => {
          const a = answers[n];
          return { id: `${kind}/${n}`, kind, name: n, target: `${n}.example`, reachable: a !== undefined, error: a === undefined ? 'no answer' : null, metrics: a ?? {} };
        }),
        removed,
      };
    },
  };
}

function config(over = {}) {
  return { file: '/x/monitor.config.yaml', dir: '/x', stateFile: '/x/state.json', lockTimeoutMs: 1000, eventLogSize: 100, defaults: { timeoutMs: 1000, retries: 0, concurrency: 4 }, thresholds: {}, email: null, maintenance: [], secrets: [], warnings: [], ...over };
}

/** An in-memory store that records the order of saves among the other steps. */
function memoryStore(journal, state = emptyState()) {
  return { file: '/x/state.json', data: state, save: async () => journal.push('save'), close: async () => journal.push('close') };
}

function deps(sources, journal, store, extra = {}) {
  return { sources, openStore: async () => store, now: () => T0, log: (l) => journal.push(`log ${l}`), ...extra };
}

test('runPoll() saves what is owed before the notifier sends anything, and saves again after', async () => {
  const journal = [];
  const src = fakeSource({ answers: { a: { level: 5 } } });
  const store = memoryStore(journal);
  const notifier = {
    plan(notify, input) {
      journal.push(`plan ${input.transitions.map((t) => `${t.device}:${t.to}`).join(',')}`);
      notify.outbox.push({ id: 'm1' });
    },
    async deliver(notify) {
      journal.push('deliver');
      notify.outbox.length = 0;
      return { sent: 1, failed: 0, deferred: 0, lines: [] };
    },
  };
  const r = await runPoll(config({ gadgets: ['a'] }), deps([src], journal, store, { notifier }));
  assert.deepEqual(journal.filter((l) => !l.startsWith('log')), ['plan gadget/a:critical', 'save', 'deliver', 'save', 'close']);
  assert.equal(r.delivery.sent, 1);
  assert.equal(store.data.devices['gadget/a'].state, 'critical');
});

test('runPoll(): one source failing as a whole leaves its devices unreadable while the other source goes on', async () => {
  const journal = [];
  const good = fakeSource({ answers: { a: { level: 50 } } });
  const bad = fakeSource({ name: 'widgets', kind: 'widget', fail: 'socket hang up' });
  const store = memoryStore(journal);
  const r = await runPoll(config({ gadgets: ['a'], widgets: ['w1', 'w2'] }), deps([good, bad], journal, store));
  assert.equal(store.data.devices['gadget/a'].state, 'ok');
  for (const id of ['widget/w1', 'widget/w2']) {
    assert.equal(store.data.devices[id].state, 'unknown');
    assert.match(store.data.devices[id].reach.error, /poll failed: socket hang up/);
  }
  assert.ok(journal.some((l) => l === 'log [widgets] poll failed: socket hang up'));
  assert.equal(r.readings.length, 3);
});

test('runPoll(): devices a source reports removed, and devices taken out of the config, leave the state with an event', async () => {
  const journal = [];
  const state = emptyState();
  const src1 = fakeSource({ answers: { a: { level: 50 }, b: { level: 50 }, c: { level: 50 } } });
  const store = memoryStore(journal, state);
  await runPoll(config({ gadgets: ['a', 'b', 'c'] }), deps([src1], journal, store));
  assert.deepEqual(Object.keys(state.devices).sort(), ['gadget/a', 'gadget/b', 'gadget/c']);
  const src2 = fakeSource({ answers: { a: { level: 50 }, b: { level: 50 } }, removed: ['gadget/b'] });
  await runPoll(config({ gadgets: ['a', 'b'] }), deps([src2], journal, store));
  assert.deepEqual(Object.keys(state.devices), ['gadget/a']);
  const removed = state.events.filter((e) => e.type === 'device-removed').map((e) => `${e.device}: ${e.message}`).sort();
  assert.deepEqual(removed, ['gadget/b: no longer in the inventory', 'gadget/c: no longer in the config']);
});

test('runPoll(): an expired override is pruned with an event; one still in force stays', async () => {
  const journal = [];
  const state = emptyState();
  state.overrides['gadget/a'] = { state: 'ok', reason: 'old', by: 'ann', since: '2026-11-30T08:00:00Z', until: '2026-12-01T07:00:00Z' };
  state.overrides['gadget/b'] = { state: 'ok', reason: 'still', by: 'ann', since: '2026-11-30T08:00:00Z', until: '2026-12-01T09:00:00Z' };
  const src = fakeSource({ answers: { a: { level: 50 }, b: { level: 50 } } });
  await runPoll(config({ gadgets: ['a', 'b'] }), deps([src], journal, memoryStore(journal, state)));
  assert.deepEqual(Object.keys(state.overrides), ['gadget/b']);
  const ev = state.events.find((e) => e.type === 'override-expired');
  assert.equal(ev.device, 'gadget/a');
  assert.match(ev.message, /override ok \(old\) expired/);
});

test('selectSources(): a kind word, singular or plural, selects its source and kind; an unknown word is a usage error', () => {
  const g = fakeSource();
  const w = fakeSource({ name: 'widgets', kind: 'widget' });
  const sel = selectSources([g, w], ['widget']);
  assert.deepEqual([...sel.keys()].map((s) => s.name), ['widgets']);
  assert.deepEqual([...sel.get(w)], ['widget']);
  assert.equal(selectSources([g, w], []).size, 2);
  assert.throws(() => selectSources([g, w], ['toasters']), /cannot poll "toasters": known are gadgets, widgets/);
});

test('numbersOf(): a device exposes the numbers its source declares, with the thresholds in force for it', () => {
  const src = fakeSource();
  const numbers = numbersOf(config({ thresholds: { gadget: { level: { critical: { op: 'below', value: 35 } } } } }), [src]);
  const [n] = numbers({ id: 'gadget/a', kind: 'gadget', metrics: { level: 42 } });
  assert.equal(n.value, 42);
  assert.deepEqual(n.critical, { op: 'below', value: 35 });
  assert.deepEqual(numbers({ id: 'toaster/x', kind: 'toaster', metrics: {} }), [], 'a kind no source declares has no numbers');
});

// Forecasts in the poll (src/app/forecasts.ts): from a week of history, each marked number gets days
// left; a replacement is one event, not one per refresh; unmarked numbers get none.
import test from 'node:test';
import assert from 'node:assert/strict';
import { updateForecasts, forecastsDue, forecastSummary } from '../../dist/app/forecasts.js';
import { emptyState } from '../../dist/state/migrate.js';

const NOW = new Date('2026-12-08T12:00:00Z');
const DAY = 86_400_000;
const view = { id: 'printer/p', kind: 'printer', metrics: {} };
const numbers = () => [
  { name: 'supply_percent', key: 'black_toner', title: 'black toner', value: 30, unit: '%', forecast: true },
  { name: 'page_count', key: 'pages', title: 'pages', value: 100, unit: 'c' },
];

/** A week of 5-minute readings: black toner falls 2 points a day from 44 to 30; cyan is replaced on day 4. */
function week({ replaceAt = null } = {}) {
  const samples = [];
  for (let t = NOW.getTime() - 7 * DAY; t <= NOW.getTime(); t += 5 * 60_000) {
    const days = (t - (NOW.getTime() - 7 * DAY)) / DAY;
    let v = 44 - 2 * days;
    if (replaceAt !== null && t >= replaceAt) v = 100 - 2 * ((t - replaceAt) / DAY);
    samples.push({ t, v: { black_toner: Math.round(v * 10) / 10, pages: 100 } });
  }
  return samples;
}

test('updateForecasts(): a steady fall of 2 points a day from 30 % gives 15 days left; numbers not marked get no forecast', async () => {
  const state = emptyState();
  let asked;
  const events = await updateForecasts(state, [view], numbers, NOW, async (opts) => {
    asked = opts;
    return new Map([['printer/p', week()]]);
  });
  assert.deepEqual(asked.keys, ['black_toner'], 'only the marked numbers are read');
  const f = state.forecasts.devices['printer/p'];
  assert.ok(Math.abs(f.black_toner.daysLeft - 15) < 0.5, JSON.stringify(f));
  assert.ok(Math.abs(f.black_toner.ratePerDay - 2) < 0.05);
  assert.equal(f.pages, undefined);
  assert.deepEqual(events, []);
  assert.equal(forecastSummary(f, numbers()), 'black toner 15d');
});

test('updateForecasts(): a number with no figure (a steady level) keeps no forecast, and a device with none no entry (the state stays small)', async () => {
  const state = emptyState();
  const steady = [];
  for (let t = NOW.getTime() - 7 * DAY; t <= NOW.getTime(); t += 5 * 60_000) steady.push({ t, v: { black_toner: 30, pages: 100 } });
  const disk = { id: 'vm/vc1/web', kind: 'vm', metrics: {} };
  const diskNumbers = (v) => (v.kind === 'vm' ? [{ name: 'disk_free_percent', key: 'disk_root', title: '/ free', value: 60, unit: '%', forecast: true }] : numbers());
  await updateForecasts(state, [view, disk], diskNumbers, NOW, async () => new Map([['printer/p', week()], ['vm/vc1/web', steady.map((x) => ({ t: x.t, v: { disk_root: 60 } }))]]));
  assert.deepEqual(Object.keys(state.forecasts.devices), ['printer/p'], JSON.stringify(state.forecasts.devices));
  assert.ok(state.forecasts.devices['printer/p'].black_toner.daysLeft > 0);
  // every reader takes a missing forecast as it took one with no figures
  assert.equal(forecastSummary(state.forecasts.devices['vm/vc1/web'], diskNumbers(disk)), '');
});

test('updateForecasts(): a replacement is one `replaced` event, and the next refresh does not repeat it', async () => {
  const state = emptyState();
  const replaceAt = NOW.getTime() - 3 * DAY;
  const read = async () => new Map([['printer/p', week({ replaceAt })]]);
  const first = await updateForecasts(state, [view], numbers, NOW, read);
  assert.equal(first.length, 1);
  assert.equal(first[0].type, 'replaced');
  assert.equal(first[0].device, 'printer/p');
  assert.match(first[0].message, /black toner replaced/);
  assert.ok(Math.abs(Date.parse(first[0].at) - replaceAt) <= 10 * 60_000);
  const again = await updateForecasts(state, [view], numbers, new Date(NOW.getTime() + 3600_000), read);
  assert.deepEqual(again, []);
});

test('forecastsDue(): at most once an hour', () => {
  const state = emptyState();
  assert.equal(forecastsDue(state, NOW), true);
  state.forecasts = { at: NOW.toISOString(), devices: {} };
  assert.equal(forecastsDue(state, new Date(NOW.getTime() + 59 * 60_000)), false);
  assert.equal(forecastsDue(state, new Date(NOW.getTime() + 60 * 60_000)), true);
});

test('toner-forecast: off by default; `{ below-days: 7 }` warns when a toner is forecast to run out within 7 days, naming it', async () => {
  const { evaluate } = await import('../../dist/core/evaluate.js');
  const { rulesFor } = await import('../../dist/sources/index.js');
  const { resolveRule } = await import('../../dist/core/rule.js');
  const metrics = {
    pageCount: 1, supplies: [
      { index: '1.1', description: 'Black Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 30, percent: 30 },
      { index: '1.2', description: 'Cyan Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 60, percent: 60 },
    ], printerStatus: 'idle', deviceStatus: 'running', errors: [], alerts: [], console: [],
  };
  const reading = { id: 'printer/p', kind: 'printer', name: 'p', target: 't', reachable: true, error: null, metrics, forecast: { black_toner: { daysLeft: 4.6, ratePerDay: 6, replacedAt: null }, cyan_toner: { daysLeft: 30, ratePerDay: 2, replacedAt: null } } };
  const rulesOf = (over) => () => ({ defs: rulesFor('printer'), settings: Object.fromEntries(rulesFor('printer').map((d) => [d.name, resolveRule(d, over[d.name])])) });
  const off = evaluate({ now: NOW, readings: [reading], previous: {}, rulesOf: rulesOf({}) });
  assert.equal(off.devices['printer/p'].state, 'ok');
  const on = evaluate({ now: NOW, readings: [reading], previous: {}, rulesOf: rulesOf({ 'toner-forecast': { enabled: true, options: { 'below-days': 7 } } }) });
  const d = on.devices['printer/p'];
  assert.equal(d.state, 'warning');
  assert.equal(d.rules['toner-forecast'].message, 'black toner empty in ~5 days');
});

test('runPoll() with a history edge: forecasts from the history reach the state, and the table shows days left', async () => {
  const { runPoll } = await import('../../dist/app/run-poll.js');
  const { printerSource } = await import('../../dist/sources/printers/index.js');
  const { printerColumns } = await import('../../dist/sources/printers/columns.js');
  const { viewsOf } = await import('../../dist/app/devices.js');
  const metrics = { pageCount: 1, supplies: [{ index: '1.1', description: 'Black Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 30, percent: 30 }], printerStatus: 'idle', deviceStatus: 'running', errors: [], alerts: [], console: [] };
  const source = { ...printerSource, collect: async () => ({ readings: [{ id: 'printer/p', kind: 'printer', name: 'p', target: 't', reachable: true, error: null, metrics }] }) };
  const config = { file: '/x/c.yaml', dir: '/x', stateFile: '/x/s.json', lockTimeoutMs: 1000, eventLogSize: 100, defaults: { timeoutMs: 1000, retries: 0, concurrency: 4 }, thresholds: {}, email: null, maintenance: [], secrets: [], warnings: [], printers: [{ id: 'printer/p', name: 'p', address: 't', port: 161, thresholds: {}, queue: null }] };
  const state = emptyState();
  const recorded = [];
  const history = { record: async (at, entries) => recorded.push(entries), read: async () => new Map([['printer/p', week()]]) };
  const store = { file: '/x/s.json', data: state, save: async () => {}, close: async () => {} };
  const r = await runPoll(config, { sources: [source], openStore: async () => store, now: () => NOW, log: () => {}, history });
  assert.equal(r.historyError, null);
  assert.deepEqual(recorded[0].map((e) => e.id), ['printer/p']);
  assert.equal(recorded[0][0].numbers.black_toner, 30);
  assert.ok(Math.abs(state.forecasts.devices['printer/p'].black_toner.daysLeft - 15) < 0.5);
  const view = viewsOf(state, config, [source], NOW)[0];
  assert.match(printerColumns.find((c) => c.header === 'Toner / ink').value(view, NOW), /^black 30% \(15d\)$/);
});

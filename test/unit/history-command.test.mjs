// deviceHistory() and listEvents(), in process with a clock passed in: which numbers get a forecast,
// declared titles and units, the window, and the events.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory } from '../../dist/history/store.js';
import { emptyState } from '../../dist/state/migrate.js';
import { deviceHistory } from '../../dist/cli/commands/history.js';
import { listEvents } from '../../dist/cli/commands/events.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'simplemon-history-cmd-'));
const config = { stateFile: join(dir, 'simplemon.json'), printers: [], email: { timezone: 'UTC' }, eventLogSize: 1000 };
const state = emptyState();
state.devices['vm/vc/a'] = { id: 'vm/vc/a' };
state.events = [
  { at: new Date(NOW - 2 * DAY).toISOString(), type: 'transition', device: 'vm/vc/a', from: 'ok', to: 'warning', message: 'disk C: 9% free' },
  { at: new Date(NOW - 3_600_000).toISOString(), type: 'ack', device: 'vm/vc/b', message: 'known' },
];

test('setup: five days of a VM whose CPU and free disk both fall', async () => {
  for (let t = NOW - 5 * DAY; t <= NOW; t += 3_600_000) {
    const ago = (NOW - t) / DAY;
    await appendHistory(join(dir, 'history'), new Date(t), [{ id: 'vm/vc/a', numbers: { cpu: 20 + 10 * ago, disk_c: 10 + 2 * ago, uptime: 1e6 - ago * 1e4 } }]);
  }
});

test('deviceHistory(): without declarations every falling percentage-like number gets a forecast; a number above 100 never', async () => {
  const { history } = await deviceHistory(config, state, 'vm/vc/a', { since: '2d' }, { now: NOW, utf8: true });
  const by = Object.fromEntries(history.numbers.map((n) => [n.key, n]));
  assert.ok(Math.abs(by.disk_c.forecast.daysLeft - 5) < 1e-6, 'free 10 %, losing 2 a day: full in 5 days');
  assert.ok(Math.abs(by.cpu.forecast.daysLeft - 2) < 1e-6, 'an undeclared falling 0–100 number is taken as a percentage');
  assert.equal(by.uptime.forecast, null);
  assert.equal(by.uptime.percent, false);
  assert.equal(history.polls, 49, '2 days of hourly polls, both ends included');
  assert.equal(by.disk_c.latest, 10);
  assert.equal(by.disk_c.min, 10);
  assert.equal(by.disk_c.max, 14);
  assert.deepEqual(history.events.map((e) => e.type), ['transition']);
});

test('deviceHistory(): with the numbers the source declares, only % numbers get a forecast, shown with their titles', async () => {
  const describe = (id) => (id === 'vm/vc/a' ? [
    { name: 'cpu_percent', key: 'cpu', title: 'CPU', value: 20, unit: '' },
    { name: 'disk_free_percent', key: 'disk_c', title: 'disk C: free', value: 10, unit: '%' },
  ] : null);
  const { history, output } = await deviceHistory(config, state, 'vm/vc/a', { since: '2d', metric: ['cpu,disk_c'] }, { now: NOW, utf8: false, describe });
  const by = Object.fromEntries(history.numbers.map((n) => [n.key, n]));
  assert.deepEqual(Object.keys(by), ['cpu', 'disk_c'], '--metric keeps only those keys');
  assert.equal(by.cpu.forecast, null, 'declared not a percentage');
  assert.ok(Math.abs(by.disk_c.forecast.daysLeft - 5) < 1e-6);
  assert.match(output, /^ {2}disk C: free +10% +10% +14% +[_.\-=#]+ +0 in 5\.0 days \(−2\.0\/day\)$/m);
  assert.match(output, /^ {2}CPU +20 +20 +40 +[_.\-=#]+$/m);
  assert.match(output, /^events:\n {2}2026-11-29 12:00 UTC {2}transition {2}ok → warning: disk C: 9% free$/m);
});

test('listEvents(): filters by window, glob and types', () => {
  assert.deepEqual(listEvents(config, state, NOW, { since: '1d' }).events.map((e) => e.device), ['vm/vc/b']);
  assert.deepEqual(listEvents(config, state, NOW, { device: 'vm/*/a' }).events.map((e) => e.type), ['transition']);
  assert.deepEqual(listEvents(config, state, NOW, { type: ['ack,transition'] }).events.length, 2);
  assert.throws(() => listEvents(config, state, NOW, { since: 'yesterday' }), /--since "yesterday" is not a duration/);
});

// Overrides, maintenance windows (fixed clock, across midnight, DST) and the device view.
import test from 'node:test';
import assert from 'node:assert/strict';
import { activeOverride, activeWindow, windowCovers, matchesGlob, localClock } from '../../dist/core/overrides.js';
import { viewDevice } from '../../dist/core/view.js';
import { parseConfig } from '../../dist/config/load.js';
import { parseUntil } from '../../dist/cli/commands/override.js';

const at = (iso) => new Date(iso);

test('activeOverride(): in force until its expiry, forever without one', () => {
  const o = { state: 'maintenance', reason: 'r', by: 'ann', since: '2026-11-24T10:00:00Z', until: '2026-11-24T11:00:00Z' };
  assert.equal(activeOverride(o, at('2026-11-24T10:59:59Z')), o);
  assert.equal(activeOverride(o, at('2026-11-24T11:00:00Z')), null);
  assert.equal(activeOverride({ ...o, until: null }, at('2030-01-01T00:00:00Z'))?.state, 'maintenance');
  assert.equal(activeOverride(undefined, at('2026-11-24T10:00:00Z')), null);
});

test('device globs: * stays within a segment, ** crosses them', () => {
  assert.ok(matchesGlob('host/vc1/*', 'host/vc1/esx-1'));
  assert.ok(!matchesGlob('host/vc1/*', 'host/vc10/esx-1'));
  assert.ok(!matchesGlob('host/vc1/*', 'vm/vc1/web'));
  assert.ok(matchesGlob('printer/floor2-*', 'printer/floor2-a'));
  assert.ok(matchesGlob('**', 'vm/vc1/web'));
  assert.ok(matchesGlob('printer/office.1', 'printer/office.1'));
  assert.ok(!matchesGlob('printer/office.1', 'printer/officeX1'), 'dots are literal');
});

const sunday = (over = {}) => ({ name: 'weekly-patching', devices: ['host/vc1/*', 'vm/vc1/*'], days: [0], fromMin: 120, toMin: 240, timezone: 'Asia/Shanghai', ...over });

// 2026-11-29 is a Sunday. Asia/Shanghai is UTC+8 all year.
const WINDOW_CASES = [
  ['Sunday 01:59 Shanghai: before', '2026-11-28T17:59:00Z', false],
  ['Sunday 02:00 Shanghai: inside', '2026-11-28T18:00:00Z', true],
  ['Sunday 03:59 Shanghai: inside', '2026-11-28T19:59:00Z', true],
  ['Sunday 04:00 Shanghai: after', '2026-11-28T20:00:00Z', false],
  ['Saturday 02:30 Shanghai: wrong day', '2026-11-27T18:30:00Z', false],
  ['Sunday 02:30 UTC is 10:30 in Shanghai: outside', '2026-11-29T02:30:00Z', false],
];
for (const [name, t, want] of WINDOW_CASES) {
  test(`windowCovers(): ${name}`, () => assert.equal(windowCovers(sunday(), at(t)), want));
}

test('a window across midnight (Saturday 23:00 → 01:00) covers both sides of midnight only', () => {
  const w = sunday({ days: [6], fromMin: 23 * 60, toMin: 60 });
  assert.equal(windowCovers(w, at('2026-11-28T15:30:00Z')), true, 'Saturday 23:30');
  assert.equal(windowCovers(w, at('2026-11-28T16:30:00Z')), true, 'Sunday 00:30, started Saturday');
  assert.equal(windowCovers(w, at('2026-11-28T17:00:00Z')), false, 'Sunday 01:00');
  assert.equal(windowCovers(w, at('2026-11-27T15:30:00Z')), false, 'Friday 23:30');
  assert.equal(windowCovers(w, at('2026-11-29T16:30:00Z')), false, 'Monday 00:30: started Sunday, not a window day');
});

test('DST spring forward (Europe/Berlin, 2026-03-29): 02:00–04:00 lasts one real hour, and until is 04:00 CEST', () => {
  const w = sunday({ timezone: 'Europe/Berlin' });
  assert.equal(windowCovers(w, at('2026-03-29T00:30:00Z')), false, '01:30 CET');
  assert.equal(windowCovers(w, at('2026-03-29T01:00:00Z')), true, '03:00 CEST (02:xx does not exist)');
  assert.equal(windowCovers(w, at('2026-03-29T01:59:00Z')), true, '03:59 CEST');
  assert.equal(windowCovers(w, at('2026-03-29T02:00:00Z')), false, '04:00 CEST');
  const m = activeWindow([w], 'host/vc1/esx-1', at('2026-03-29T01:00:00Z'));
  assert.equal(m.until, '2026-03-29T02:00:00.000Z');
});

test('DST fall back (Europe/Berlin, 2026-10-25): 02:00–04:00 lasts three real hours', () => {
  const w = sunday({ timezone: 'Europe/Berlin' });
  assert.equal(windowCovers(w, at('2026-10-24T23:59:00Z')), false, '01:59 CEST');
  assert.equal(windowCovers(w, at('2026-10-25T00:00:00Z')), true, '02:00 CEST');
  assert.equal(windowCovers(w, at('2026-10-25T01:30:00Z')), true, '02:30 CET (the second time)');
  assert.equal(windowCovers(w, at('2026-10-25T02:59:00Z')), true, '03:59 CET');
  assert.equal(windowCovers(w, at('2026-10-25T03:00:00Z')), false, '04:00 CET');
  assert.equal(activeWindow([w], 'vm/vc1/web', at('2026-10-25T01:30:00Z')).until, '2026-10-25T03:00:00.000Z');
});

test('a Sunday 02:00–04:00 window silences the devices it names and nothing else', () => {
  const w = sunday({ devices: ['host/vc1/*'] });
  const t = at('2026-11-28T18:30:00Z');
  assert.deepEqual(activeWindow([w], 'host/vc1/esx-1', t), { source: 'weekly-patching', reason: 'maintenance window weekly-patching', until: '2026-11-28T20:00:00.000Z' });
  assert.equal(activeWindow([w], 'vm/vc1/web', t), null);
  assert.equal(activeWindow([w], 'host/vc2/esx-1', t), null);
  assert.equal(activeWindow([w], 'printer/office-1', t), null);
});

test('localClock() reads the wall clock of a zone', () => {
  assert.deepEqual(localClock(at('2026-11-28T18:30:00Z'), 'Asia/Shanghai'), { day: 0, min: 150 });
  assert.deepEqual(localClock(at('2026-11-28T18:30:00Z'), 'UTC'), { day: 6, min: 1110 });
});

const device = (state = 'critical') => ({
  id: 'printer/office-1',
  kind: 'printer',
  name: 'office-1',
  target: 'h:161',
  state,
  since: '2026-11-24T00:00:00Z',
  reach: { state: 'ok', since: 'x', message: null, pending: null, error: null },
  rules: state === 'ok' ? {} : { 'toner-low': { state, since: 'x', message: 'black toner 12% < 20%', pending: null } },
  blockedBy: null,
  lastSeen: '2026-11-24T00:00:00Z',
  lastPoll: '2026-11-24T00:00:00Z',
  metrics: {},
});
const ov = (state) => ({ state, reason: 'replacing the fuser', by: 'ann', since: '2026-11-24T00:00:00Z', until: '2026-11-24T01:00:00Z' });

test('viewDevice(): a forced state is what status sees, the real state stays underneath', () => {
  const v = viewDevice(device('critical'), { override: ov('ok') });
  assert.equal(v.state, 'ok');
  assert.equal(v.realState, 'critical');
  assert.deepEqual(v.problems, []);
  const w = viewDevice(device('ok'), { override: ov('warning') });
  assert.equal(w.state, 'warning');
  assert.deepEqual(w.problems, [{ rule: 'override', severity: 'warning', message: 'set by ann: replacing the fuser' }]);
});

test('viewDevice(): maintenance keeps the real state and problems visible and marks the device', () => {
  const v = viewDevice(device('critical'), { override: ov('maintenance') });
  assert.equal(v.state, 'critical');
  assert.deepEqual(v.maintenance, { source: 'override', reason: 'replacing the fuser', until: '2026-11-24T01:00:00Z' });
  assert.equal(v.problems.length, 1);
  const fromWindow = viewDevice(device('ok'), { window: { source: 'weekly', reason: 'patching', until: null } });
  assert.equal(fromWindow.maintenance.source, 'weekly');
});

test('viewDevice(): an ack shows only while there is a problem', () => {
  const ack = { reason: 'ordered toner', by: 'bob', since: 'x' };
  assert.deepEqual(viewDevice(device('critical'), { ack }).ack, ack);
  assert.equal(viewDevice(device('ok'), { ack }).ack, null);
});

test('config: maintenance windows with days, times and zones, every error with its path', () => {
  const cfg = parseConfig(
    'maintenance:\n  - { name: weekly-patching, devices: ["host/vc1/*", "vm/vc1/*"], every: sunday, from: "02:00", to: "04:00", timezone: Asia/Shanghai }\n  - { name: nightly, devices: ["printer/*"], every: [mon, tue], from: "23:30", to: "00:30" }\n',
    '/x/c.yaml',
    { env: {} },
  );
  assert.deepEqual(cfg.maintenance[0], { name: 'weekly-patching', devices: ['host/vc1/*', 'vm/vc1/*'], days: [0], fromMin: 120, toMin: 240, timezone: 'Asia/Shanghai', reason: undefined });
  assert.deepEqual(cfg.maintenance[1].days, [1, 2]);
  assert.throws(
    () => parseConfig('maintenance:\n  - { name: w, devices: [vm1], every: caturday, from: "25:00", to: "04:00", timezone: Mars/Olympus }\n', '/x/c.yaml', { env: {} }),
    (e) =>
      /c\.yaml:2:\d+: maintenance\[0\]\.devices\[0\]: "vm1" is not a device id or glob/.test(e.message) &&
      /maintenance\[0\]\.every: "caturday" is not a day/.test(e.message) &&
      /maintenance\[0\]\.from: "25:00" is not a time of day/.test(e.message) &&
      /maintenance\[0\]\.timezone: "Mars\/Olympus" is not a time zone/.test(e.message),
  );
});

test('parseUntil(): local "YYYY-MM-DD HH:MM" or ISO, never in the past', () => {
  const now = at('2026-11-24T00:00:00Z');
  assert.equal(parseUntil('2026-12-01T08:00:00Z', now).toISOString(), '2026-12-01T08:00:00.000Z');
  const local = parseUntil('2026-12-01 08:00', now);
  assert.equal(local.getHours(), 8);
  assert.equal(local.getDate(), 1);
  assert.throws(() => parseUntil('2020-01-01 00:00', now), /in the past/);
  assert.throws(() => parseUntil('next tuesday', now), /is not a time/);
});

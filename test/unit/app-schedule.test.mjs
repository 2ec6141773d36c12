// Missed and overlapping polls (src/app/schedule.ts): news about the monitoring itself, in the event log,
// the poll's output and the next email.
import test from 'node:test';
import assert from 'node:assert/strict';
import { scheduleNotices, overrunNotice } from '../../dist/app/schedule.js';
import { runPoll } from '../../dist/app/run-poll.js';
import { composeDigest } from '../../dist/notify/compose.js';
import { emptyAppState } from '../../dist/app/state.js';
import { kindRules } from '../../dist/core/rule.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const MIN = 60_000;

test('scheduleNotices(): a gap of more than 3 intervals is missed polls; a wait for the lock longer than one interval is an overrun; a normal poll says nothing', () => {
  assert.deepEqual(scheduleNotices(new Date(NOW - 5 * MIN).toISOString(), NOW, NOW, 5 * MIN), []);
  assert.deepEqual(scheduleNotices(new Date(NOW - 15 * MIN).toISOString(), NOW, NOW, 5 * MIN), [], 'three intervals is still on time');
  const [m] = scheduleNotices(new Date(NOW - 2 * 60 * MIN).toISOString(), NOW, NOW, 5 * MIN);
  assert.equal(m.type, 'missed-polls');
  assert.equal(m.message, 'no poll for 2h (about 23 missed at poll-interval 5m): was cron stopped or the host down?');
  assert.deepEqual(scheduleNotices(null, NOW, NOW, 5 * MIN), [], 'the first poll ever has nothing to compare');
  const [o] = scheduleNotices(new Date(NOW - 5 * MIN).toISOString(), new Date(NOW - 7 * MIN), NOW, 5 * MIN);
  assert.equal(o.type, 'poll-overrun');
  assert.match(o.message, /waited 7m for the state lock, longer than poll-interval 5m/);
  assert.equal(overrunNotice(4 * MIN, 5 * MIN, NOW), null);
  assert.match(overrunNotice(6 * MIN, 5 * MIN, NOW).message, /a poll took 6m, longer than poll-interval 5m/);
});

test('runPoll() after a gap: the notice is an event, in the result (printed by poll), and handed to the notifier for its email', async () => {
  const state = emptyAppState();
  state.checkedAt = new Date(NOW - 3 * 60 * MIN).toISOString();
  const source = {
    name: 'gadgets',
    kinds: [{ kind: 'gadget', title: 'Gadgets', words: ['gadgets'], rules: kindRules('gadget', 'unknown', []), columns: [], numbers: () => [] }],
    section: { key: 'gadgets', empty: () => [], parse: () => [] },
    configured: () => [{ id: 'gadget/a', kind: 'gadget', name: 'a', target: 't' }],
    owns: () => false,
    collect: async () => ({ readings: [{ id: 'gadget/a', kind: 'gadget', name: 'a', target: 't', reachable: true, error: null, metrics: {} }] }),
  };
  let planned;
  const notifier = { plan: (_n, input) => (planned = input), deliver: async () => ({ sent: 0, failed: 0, deferred: 0, lines: [] }) };
  const config = { file: '/x/c.yaml', dir: '/x', stateFile: '/x/s.json', lockTimeoutMs: 1000, eventLogSize: 100, pollIntervalMs: 5 * MIN, defaults: { timeoutMs: 1000, retries: 0, concurrency: 4 }, thresholds: {}, email: null, maintenance: [], secrets: [], warnings: [] };
  const r = await runPoll(config, { sources: [source], openStore: async () => ({ file: '/x/s.json', data: state, save: async () => {}, close: async () => {} }), notifier, now: () => NOW, log: () => {} });
  assert.equal(r.notices.length, 1);
  assert.match(r.notices[0], /^no poll for 3h/);
  assert.deepEqual(planned.notices, r.notices);
  assert.ok(state.events.some((e) => e.type === 'missed-polls' && e.message === r.notices[0]));
});

test('composeDigest(): notices come first, as a NOTE in the text and escaped in the HTML', () => {
  const item = { id: 'printer/p', kind: 'printer', name: 'p', action: 'problem', from: 'ok', to: 'critical', since: NOW.toISOString(), problems: [{ rule: 'toner-low', severity: 'critical', message: 'black toner 5% < 20%' }], ack: null, override: null, hides: [] };
  const c = composeDigest([item], { now: NOW, timezone: 'UTC', notices: ['no poll for 2h <b>'] });
  const lines = c.text.split('\n');
  assert.equal(lines[2], 'NOTE: no poll for 2h <b>');
  assert.ok(lines.findIndex((l) => l.includes('printer/p')) > 2, 'the devices follow the note');
  assert.match(c.html, /<b>Note:<\/b> no poll for 2h &lt;b&gt;/);
});

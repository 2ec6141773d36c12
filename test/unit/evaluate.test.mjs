// The evaluation core: the transition table of stepRule() row by row, then evaluate() end to end
// on plain readings with a fixed clock.
import test from 'node:test';
import assert from 'node:assert/strict';
import { stepRule, evaluate, problemsOf } from '../../dist/core/evaluate.js';
import { resolveRule, observeThresholds } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/sources/index.js';

const T0 = '2026-11-24T00:00:00.000Z';
const NOW = '2026-11-24T00:05:00.000Z';
const obs = (state, message = state === 'ok' ? null : `it is ${state}`) => ({ state, message });
const rs = (state, pending = null) => ({ state, since: T0, message: state === 'ok' ? null : `was ${state}`, pending });

// Mirrors the table above stepRule() in src/core/evaluate.ts, row by row.
// [name, confirmed, pending before, observation, F, S, expected state, expected pending (state,count) or null, since changes]
const TABLE = [
  ['O == C keeps C and clears pending', 'warning', { state: 'critical', count: 1 }, 'warning', 1, 1, 'warning', null, false],
  ['O worse, no pending, F=1: confirmed at once', 'ok', null, 'critical', 1, 1, 'critical', null, true],
  ['O worse, no pending, F=3: pending 1', 'ok', null, 'critical', 3, 1, 'ok', ['critical', 1], false],
  ['O worse, pending on the better side resets to 1', 'warning', { state: 'ok', count: 2 }, 'critical', 3, 3, 'warning', ['critical', 1], false],
  ['O worse, pending worse n=1, F=3: pending 2', 'ok', { state: 'warning', count: 1 }, 'critical', 3, 1, 'ok', ['critical', 2], false],
  ['O worse, pending worse n=2, F=3: confirmed on the 3rd', 'ok', { state: 'critical', count: 2 }, 'critical', 3, 1, 'critical', null, true],
  ['O better, no pending, S=1: recovered at once', 'critical', null, 'ok', 1, 1, 'ok', null, true],
  ['O better, pending on the worse side resets to 1', 'warning', { state: 'critical', count: 2 }, 'ok', 3, 2, 'warning', ['ok', 1], false],
  ['O better, pending better n=1, S=2: recovered', 'critical', { state: 'ok', count: 1 }, 'ok', 1, 2, 'ok', null, true],
  ['O better (de-escalation) counts as recovery', 'critical', { state: 'ok', count: 1 }, 'warning', 1, 2, 'warning', null, true],
];

for (const [name, c, pending, o, F, S, want, wantPending, sinceChanges] of TABLE) {
  test(`stepRule(): ${name}`, () => {
    const next = stepRule(rs(c, pending && { ...pending, message: 'x' }), obs(o), { failuresBeforeAlert: F, successesBeforeRecovery: S }, NOW);
    assert.equal(next.state, want);
    if (wantPending === null) assert.equal(next.pending, null);
    else assert.deepEqual([next.pending.state, next.pending.count], wantPending);
    assert.equal(next.since, sinceChanges ? NOW : T0);
  });
}

test('stepRule() on a new rule starts from ok', () => {
  const next = stepRule(undefined, obs('warning'), { failuresBeforeAlert: 2, successesBeforeRecovery: 1 }, NOW);
  assert.equal(next.state, 'ok');
  assert.deepEqual(next.pending, { state: 'warning', count: 1, message: 'it is warning' });
});

const settings = (over = {}) => ({
  enabled: true,
  warning: null,
  critical: { op: 'below', value: 20 },
  failuresBeforeAlert: 1,
  successesBeforeRecovery: 1,
  recoveryMargin: 0,
  options: {},
  ...over,
});

test('observeThresholds(): below and above, with the worst level winning and messages for each', () => {
  const s = settings({ warning: { op: 'below', value: 30 }, critical: { op: 'below', value: 10 } });
  const r = observeThresholds(
    [
      { label: 'black toner', value: 25, unit: '%' },
      { label: 'cyan toner', value: 5, unit: '%' },
      { label: 'magenta toner', value: 50, unit: '%' },
      { label: 'unknown', value: null, unit: '%' },
    ],
    s,
    'ok',
  );
  assert.equal(r.state, 'critical');
  assert.equal(r.message, 'black toner 25% < 30%; cyan toner 5% < 10%');
  const up = observeThresholds([{ label: 'cpu', value: 80.5, unit: '%' }], settings({ critical: { op: 'above', value: 80 } }), 'ok');
  assert.deepEqual(up, { state: 'critical', message: 'cpu 80.5% > 80%' });
});

test('observeThresholds(): recovery-margin holds a crossed level until the value clears it by the margin', () => {
  const s = settings({ recoveryMargin: 5 });
  const m = (v) => [{ label: 'black toner', value: v, unit: '%' }];
  assert.equal(observeThresholds(m(19), s, 'ok').state, 'critical');
  assert.equal(observeThresholds(m(22), s, 'critical').state, 'critical', 'inside the margin: still critical');
  assert.equal(observeThresholds(m(22), s, 'ok').state, 'ok', 'not crossed when it was ok');
  assert.equal(observeThresholds(m(25), s, 'critical').state, 'ok', 'at threshold + margin it clears');
});

test('resolveRule(): built-in defaults, then kind, then device settings; off disables', () => {
  const def = rulesFor('printer').find((r) => r.name === 'toner-low');
  assert.deepEqual(resolveRule(def).critical, { op: 'below', value: 20 });
  const r = resolveRule(def, { failuresBeforeAlert: 3 }, { critical: { op: 'below', value: 30 } });
  assert.equal(r.failuresBeforeAlert, 3);
  assert.deepEqual(r.critical, { op: 'below', value: 30 });
  assert.equal(resolveRule(def, { enabled: false }).enabled, false);
});

// --- evaluate() end to end -------------------------------------------------------------------

const printerRulesOf = (over = {}) => () => {
  const out = {};
  for (const def of rulesFor('printer')) out[def.name] = resolveRule(def, over[def.name]);
  return { defs: rulesFor('printer'), settings: out };
};

function reading(toner, extra = {}) {
  return {
    id: 'printer/office-1',
    kind: 'printer',
    name: 'office-1',
    target: '127.0.0.1:161',
    reachable: true,
    error: null,
    metrics: {
      sysName: 'p1',
      sysDescr: 'demo',
      pageCount: 100,
      supplies: [{ index: '1.1', description: 'Black Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: toner, percent: toner }],
      printerStatus: null,
      deviceStatus: 'running',
      errors: [],
    },
    ...extra,
  };
}

function run(readings, rulesOf = printerRulesOf()) {
  let previous = {};
  const all = [];
  readings.forEach((r, i) => {
    const out = evaluate({ now: new Date(Date.parse(T0) + i * 60_000), readings: [r], previous, rulesOf });
    previous = out.devices;
    all.push(out);
  });
  return all;
}

test('evaluate() raises critical on the first poll below 20 % and recovers on the first above', () => {
  const [a, b, c] = run([reading(50), reading(12), reading(60)]);
  assert.deepEqual(a.transitions.map((t) => [t.from, t.to]), [['unknown', 'ok']]);
  assert.deepEqual(b.transitions.map((t) => [t.from, t.to]), [['ok', 'critical']]);
  assert.deepEqual(b.transitions[0].problems, [{ rule: 'toner-low', severity: 'critical', message: 'black toner 12% < 20%' }]);
  assert.deepEqual(c.transitions.map((t) => [t.from, t.to]), [['critical', 'ok']]);
});

test('evaluate() raises critical only after 3 consecutive failures when failures-before-alert is 3', () => {
  const outs = run([reading(50), reading(10), reading(10), reading(10)], printerRulesOf({ 'toner-low': { failuresBeforeAlert: 3 } }));
  assert.deepEqual(outs.map((o) => o.devices['printer/office-1'].state), ['ok', 'ok', 'ok', 'critical']);
});

test('evaluate() does not flap at the threshold with a recovery margin', () => {
  const outs = run([reading(19), reading(21), reading(19), reading(22), reading(26)], printerRulesOf({ 'toner-low': { recoveryMargin: 5 } }));
  assert.deepEqual(outs.map((o) => o.devices['printer/office-1'].state), ['critical', 'critical', 'critical', 'critical', 'ok']);
  assert.equal(outs.flatMap((o) => o.transitions).length, 2);
});

const down = (error = 'timeout after 2s') => ({ ...reading(0), reachable: false, error, metrics: {} });

test('evaluate() makes an unreachable device unknown after 2 failed polls (the reachable default), keeps its last metrics, and names the reason', () => {
  const [, b, c] = run([reading(12), down(), down()]);
  assert.equal(b.devices['printer/office-1'].state, 'critical', 'one missed poll (a printer rebooting) is ridden out');
  assert.deepEqual(b.transitions, []);
  const d = c.devices['printer/office-1'];
  assert.equal(d.state, 'unknown');
  assert.equal(d.metrics.supplies[0].percent, 12, 'last good values kept');
  assert.deepEqual(problemsOf(d), [{ rule: 'reachable', severity: 'unknown', message: 'timeout after 2s' }]);
  assert.deepEqual(c.transitions.map((t) => [t.from, t.to]), [['critical', 'unknown']]);
});

test('evaluate() reports a device that never answered on the poll that first tries it, with the reason, and only then', () => {
  const [a, b, c] = run([down('authentication failed: unknown user name'), down('authentication failed: unknown user name'), reading(50)]);
  const d = a.devices['printer/office-1'];
  assert.equal(d.state, 'unknown');
  assert.deepEqual(problemsOf(d), [{ rule: 'reachable', severity: 'unknown', message: 'authentication failed: unknown user name' }]);
  assert.deepEqual(a.transitions.map((t) => [t.from, t.to, t.first]), [['unknown', 'unknown', true]]);
  assert.deepEqual(b.transitions, [], 'once');
  assert.deepEqual(c.transitions.map((t) => [t.from, t.to, t.first]), [['unknown', 'ok', false]]);
});

test('evaluate() keeps a device hidden behind an upstream failure silent on its first poll', () => {
  const [a] = run([{ ...down('x'), blockedBy: 'host/vc1/esx1' }]);
  assert.deepEqual(a.transitions, []);
});

test('evaluate() gives a blocked device state unknown and no problems of its own', () => {
  const [, b] = run([reading(12), { ...reading(12), reachable: false, error: 'x', blockedBy: 'vcenter/vc1' }]);
  const d = b.devices['printer/office-1'];
  assert.equal(d.state, 'unknown');
  assert.equal(d.blockedBy, 'vcenter/vc1');
  assert.deepEqual(problemsOf(d), []);
});

test('evaluate() treats level −3 ("some remaining") as no reason to alert', () => {
  const r = reading(50);
  r.metrics.supplies[0] = { ...r.metrics.supplies[0], level: -3, percent: 50 };
  r.metrics.supplies.push({ index: '1.2', description: 'Cyan Toner', type: 'toner', class: null, unit: null, maxCapacity: -2, level: -3, percent: 5 });
  const [a] = run([r]);
  assert.equal(a.devices['printer/office-1'].state, 'ok');
});

test('evaluate() turns a rule off when the config says off', () => {
  const [a] = run([reading(5)], printerRulesOf({ 'toner-low': { enabled: false } }));
  assert.equal(a.devices['printer/office-1'].state, 'ok');
});

const statusCases = [
  ['running, no errors', { deviceStatus: 'running', errors: [] }, 'ok', null],
  ['device status warning', { deviceStatus: 'warning', errors: ['lowToner'] }, 'warning', 'device status warning'],
  ['device status down', { deviceStatus: 'down', errors: [] }, 'critical', 'device status down'],
  ['jammed and door open', { deviceStatus: 'running', errors: ['jammed', 'doorOpen'] }, 'critical', 'errors: jammed, doorOpen'],
  ['low paper alone is no alert by default', { deviceStatus: 'running', errors: ['lowPaper'] }, 'ok', null],
  ['noToner', { deviceStatus: 'running', errors: ['noToner'] }, 'critical', 'errors: noToner'],
  ['offline', { deviceStatus: null, errors: ['offline'] }, 'critical', 'errors: offline'],
  ['serviceRequested', { deviceStatus: 'running', errors: ['serviceRequested'] }, 'critical', 'errors: serviceRequested'],
  ['noPaper', { deviceStatus: 'running', errors: ['noPaper'] }, 'critical', 'errors: noPaper'],
];
for (const [name, m, want, msg] of statusCases) {
  test(`printer-status rule: ${name} → ${want}`, () => {
    const r = reading(80);
    Object.assign(r.metrics, m);
    const [a] = run([r]);
    const d = a.devices['printer/office-1'];
    assert.equal(d.state, want);
    assert.equal(d.rules['printer-status'].message, msg);
  });
}

test('printer-status rule: the errors option chooses which bits are critical', () => {
  const r = reading(80);
  r.metrics.errors = ['lowPaper'];
  const [a] = run([r], printerRulesOf({ 'printer-status': { options: { errors: ['lowPaper'] } } }));
  assert.equal(a.devices['printer/office-1'].state, 'critical');
});

test('problemsOf(): an unreachable device\'s problem is the reading\'s error as the collector gave it (the reason alone)', () => {
  const [, , b] = run([reading(50), down('timeout after 2s (1 retry)'), down('timeout after 2s (1 retry)')]);
  assert.deepEqual(problemsOf(b.devices['printer/office-1']), [{ rule: 'reachable', severity: 'unknown', message: 'timeout after 2s (1 retry)' }]);
});

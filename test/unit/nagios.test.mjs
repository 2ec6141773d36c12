// The Nagios / Icinga plugin line: exit codes, status text, perfdata format and ranges, label safety.
import test from 'node:test';
import assert from 'node:assert/strict';
import { renderCheck, renderCheckError, perfItem, nagiosRange } from '../../dist/render/nagios.js';
import { NOW, POLLED, printer, host, vm, supply, numbersOf } from '../helpers/views.mjs';

const opts = { numbersOf, now: NOW, staleAfterMs: 15 * 60_000, checkedAt: POLLED };
const low = { rule: 'toner-low', severity: 'critical', message: 'black toner 12% < 20%' };

const okPrinter = printer('office-2', { supplies: [supply('1.1', 'Black Toner', 64)] });
const lowPrinter = printer('office-1', { state: 'critical', problems: [low], supplies: [supply('1.1', 'Black Toner', 12), supply('1.2', 'Waste Toner Box', 80, 'wasteToner', 'receptacleThatIsFilled')] });
const warnPrinter = printer('hall', { state: 'warning', problems: [{ rule: 'printer-status', severity: 'warning', message: 'device status warning' }] });
const goneHost = host('vc1', 'esx9', { state: 'unknown', problems: [{ rule: 'reachable', severity: 'unknown', message: 'unreachable: timeout after 2s' }], cpuPercent: null, memPercent: null });

// One row per case of the decision table above renderCheck().
const rows = [
  { name: 'one ok device → 0 OK', views: [okPrinter], exit: 0, line: /^SIMPLEMON OK - printer\/office-2: ok \| / },
  { name: 'one warning device → 1 WARNING with its problem', views: [warnPrinter], exit: 1, line: /^SIMPLEMON WARNING - printer\/hall: device status warning \| / },
  { name: 'one critical device → 2 CRITICAL with its problem', views: [lowPrinter], exit: 2, line: /^SIMPLEMON CRITICAL - printer\/office-1: black toner 12% < 20% \| / },
  { name: 'one unknown device → 3 UNKNOWN with why', views: [goneHost], exit: 3, line: /^SIMPLEMON UNKNOWN - host\/vc1\/esx9: unreachable: timeout after 2s \| / },
  { name: 'several: the worst wins, counted, worst named first', views: [okPrinter, warnPrinter, goneHost, lowPrinter], exit: 2,
    line: /^SIMPLEMON CRITICAL - 1 critical, 1 warning, 1 unknown of 4: printer\/office-1: black toner 12% < 20%; printer\/hall: device status warning; host\/vc1\/esx9: unreachable: timeout after 2s \| / },
  { name: 'several: an unknown among ok ones is not hidden', views: [okPrinter, goneHost], exit: 3, line: /^SIMPLEMON UNKNOWN - 1 unknown of 2: host\/vc1\/esx9: / },
  { name: 'several, all ok → 0 and the count', views: [okPrinter, host('vc1', 'esx1')], exit: 0, line: /^SIMPLEMON OK - 2 of 2 ok \| / },
  { name: 'stale data (last poll older than staleAfterMs) → 3, whatever the devices say', views: [okPrinter], exit: 3, checkedAt: '2026-11-24T05:00:00.000Z',
    line: /^SIMPLEMON UNKNOWN - data is stale \(last poll 2026-11-24T05:00:00.000Z, 60m ago; older than 15m\)$/ },
  { name: 'never polled → 3 stale', views: [okPrinter], exit: 3, checkedAt: null, line: /^SIMPLEMON UNKNOWN - data is stale \(last poll never/ },
  { name: 'maintenance: the view state (real) with the reason', views: [{ ...lowPrinter, maintenance: { source: 'override', reason: 'fuser swap', until: null } }], exit: 2,
    line: /^SIMPLEMON CRITICAL - printer\/office-1: black toner 12% < 20% \(maintenance: fuser swap\) \| / },
  { name: 'override ok: OK with who, why and the real state', views: [{ ...lowPrinter, state: 'ok', problems: [], override: { state: 'ok', reason: 'toner ordered', by: 'bob', since: POLLED, until: null } }], exit: 0,
    line: /^SIMPLEMON OK - printer\/office-1: ok \(override ok by bob: toner ordered; real state critical\) \| / },
  { name: 'override critical: the forced state, the reason said once', views: [{ ...okPrinter, state: 'critical', problems: [{ rule: 'override', severity: 'critical', message: 'set by bob: replace' }], override: { state: 'critical', reason: 'replace', by: 'bob', since: POLLED, until: null } }], exit: 2,
    line: /^SIMPLEMON CRITICAL - printer\/office-2: critical \(override critical by bob: replace; real state ok\) \| / },
];

for (const r of rows) {
  test(`renderCheck: ${r.name}`, () => {
    const out = renderCheck(r.views, { ...opts, ...('checkedAt' in r ? { checkedAt: r.checkedAt } : {}) });
    assert.equal(out.exitCode, r.exit);
    assert.match(out.line, r.line);
    assert.ok(!out.line.includes('\n'), 'one line');
  });
}

test('perfdata: one device: key labels, UOMs by the guidelines, ranges, min/max, trailing fields dropped', () => {
  const out = renderCheck([lowPrinter], opts);
  const perf = out.line.split(' | ')[1];
  assert.equal(perf, "'black_toner'=12%;;20:;0;100 'waste_toner_box'=80%;;;0;100 'pages'=48213c;;;0");
});

test('perfdata: above-levels are plain ranges, Celsius has no UOM, an unknown value is U', () => {
  const h = host('vc1', 'esx1', { gpus: [{ name: 'NVIDIA A2', vendor: 'NVIDIA', memoryMB: 16384, utilizationPercent: 37.25, memUsedPercent: 10, temperatureC: 54 }], memPercent: null });
  const perf = renderCheck([h], opts).line.split(' | ')[1].split(' ');
  assert.deepEqual(perf, ["'cpu'=23.4%;;80;0;100", "'memory'=U;;90;0;100", "'gpu0_util'=37.25%;;;0;100", "'gpu0_temp'=54"]);
});

test('perfdata: several devices: each label starts with the device id, so labels stay unique', () => {
  const perf = renderCheck([okPrinter, lowPrinter], opts).line.split(' | ')[1].split(' ');
  assert.deepEqual(perf.map((p) => p.split('=')[0]), ["'printer/office-2/black_toner'", "'printer/office-2/pages'", "'printer/office-1/black_toner'", "'printer/office-1/waste_toner_box'", "'printer/office-1/pages'"]);
});

test('nagiosRange: below N alerts under N (N:), above N alerts over N (N); none is empty', () => {
  assert.equal(nagiosRange({ op: 'below', value: 20 }), '20:');
  assert.equal(nagiosRange({ op: 'above', value: 80 }), '80');
  assert.equal(nagiosRange({ op: 'above', value: 92.5 }), '92.5');
  assert.equal(nagiosRange(null), '');
});

test('perfItem: hostile labels lose quotes, equals signs, pipes and line breaks; numbers have no exponent', () => {
  const n = { name: 'x', key: "a'b=c|d\ne", title: '', value: 1e-7, unit: 'B', min: 0, max: 1e15 };
  assert.equal(perfItem(n.key, n), "'a_b_c_d_e'=0B;;;0;1000000000000000");
  assert.equal(perfItem('v', { ...n, value: -0.0001, unit: '' }), "'v'=0;;;0;1000000000000000");
});

test('hostile device text cannot break the line: no newline, no pipe before perfdata, escapes visible', () => {
  const evil = printer("it's|x\n=y", { state: 'critical', problems: [{ rule: 'toner-low', severity: 'critical', message: 'black|toner\n\x1b[31m 1% < 20%' }], supplies: [supply('1.1', "Bl'ack=|\nToner", 1)] });
  const out = renderCheck([evil, okPrinter], opts);
  assert.equal(out.exitCode, 2);
  assert.ok(!/[\n\r\x1b]/.test(out.line));
  const [status, perf, ...extra] = out.line.split(' | ');
  assert.equal(extra.length, 0, 'exactly one " | "');
  assert.ok(!status.includes('|'), 'no pipe in the status text');
  assert.match(status, /printer\/it's¦x\\x0a=y: black¦toner\\x0a\\x1b\[31m 1% < 20%/);
  for (const item of perf.split(' ')) assert.match(item, /^'[^'=|]+'=[-0-9.U][^' ]*$/, item);
});

test('several devices: only 10 named, the rest counted; perfdata for all', () => {
  const many = Array.from({ length: 14 }, (_, i) => printer(`p${i}`, { state: 'critical', problems: [low], supplies: [supply('1.1', 'Black Toner', 12)] }));
  const out = renderCheck(many, opts);
  assert.match(out.line, /^SIMPLEMON CRITICAL - 14 critical of 14: printer\/p0: .*printer\/p9: black toner 12% < 20%; and 4 more \| /);
  assert.equal(out.line.split(' | ')[1].split(' ').length, 28);
});

test('renderCheckError: UNKNOWN, exit 3, one line', () => {
  const e = renderCheckError('invalid config /etc/x.yaml: 2 errors\n/etc/x.yaml:3:1: printers: bad|thing');
  assert.equal(e.exitCode, 3);
  assert.equal(e.line, 'SIMPLEMON UNKNOWN - invalid config /etc/x.yaml: 2 errors ¶ /etc/x.yaml:3:1: printers: bad¦thing');
});

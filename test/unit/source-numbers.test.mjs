// The numbers each source declares for its devices (src/sources/*/numbers.ts): what the Nagios line,
// OpenMetrics, history and the HTML page show. Keys unique per device, thresholds from the rules in force.
import test from 'node:test';
import assert from 'node:assert/strict';
import { printerNumbers } from '../../dist/sources/printers/numbers.js';
import { hostNumbers, vmNumbers, datastoreNumbers } from '../../dist/sources/vcenter/numbers.js';
import { KIND_SPECS, rulesFor } from '../../dist/sources/index.js';
import { resolveRule } from '../../dist/core/rule.js';

const settings = (kind, over = {}) => Object.fromEntries(rulesFor(kind).map((d) => [d.name, resolveRule(d, over[d.name])]));
const supply = (index, description, type, cls, level, percent) => ({ index, description, type, class: cls, unit: 'percent', maxCapacity: 100, level, percent });

test('printerNumbers(): each supply, toner carrying the toner-low threshold; −3 and unknown levels have no value (null, never the 50 % estimate); the page count as a counter', () => {
  const m = {
    pageCount: 12345,
    supplies: [
      supply('1.1', 'Black Toner', 'toner', 'supplyThatIsConsumed', 12, 12),
      supply('1.2', 'Cyan Toner', 'toner', 'supplyThatIsConsumed', -3, 50),
      supply('1.3', 'Magenta Toner', 'toner', 'supplyThatIsConsumed', -2, null),
      supply('1.4', 'Waste Toner Box', 'wasteToner', 'receptacleThatIsFilled', 80, 80),
      supply('1.5', 'Black Toner', 'toner', 'supplyThatIsConsumed', 40, 40),
    ],
  };
  const n = printerNumbers(m, settings('printer', { 'toner-low': { warning: { op: 'below', value: 30 }, critical: { op: 'below', value: 10 } } }));
  assert.deepEqual(n.map((x) => x.key), ['black_toner', 'cyan_toner', 'magenta_toner', 'waste_toner_box', 'black_toner_2', 'pages']);
  assert.deepEqual(n.slice(1, 3).map((x) => x.value), [null, null]);
  const black = n[0];
  assert.equal(black.value, 12);
  assert.equal(black.unit, '%');
  assert.deepEqual(black.labels, { supply: 'black toner' });
  assert.deepEqual([black.warning, black.critical], [{ op: 'below', value: 30 }, { op: 'below', value: 10 }]);
  assert.equal(n[3].critical, undefined, 'a waste receptacle is not watched by toner-low');
  assert.deepEqual(n[5], { name: 'page_count', key: 'pages', title: 'pages printed', value: 12345, unit: 'c', min: 0 });
  const off = printerNumbers(m, settings('printer', { 'toner-low': { enabled: false } }));
  assert.equal(off[0].critical, null, 'a rule turned off puts no threshold on its number');
});

test('vCenter numbers: host CPU/memory with their thresholds, GPUs by name, VM guest disks, datastore free space', () => {
  const h = hostNumbers({ cpuPercent: 91.5, memPercent: 40, uptimeSeconds: 3600, network: { rxKBps: 2, txKBps: null }, gpus: [{ name: 'NVIDIA A40', utilizationPercent: 31, memUsedPercent: null, temperatureC: 45 }] }, settings('host'));
  const byKey = Object.fromEntries(h.map((x) => [x.key, x]));
  assert.equal(byKey.cpu.value, 91.5);
  assert.deepEqual(byKey.cpu.critical, { op: 'above', value: 80 });
  assert.equal(byKey.net_rx.value, 2048, 'KB/s become bytes per second');
  assert.equal(byKey.net_tx.value, null);
  assert.equal(byKey.nvidia_a40_temp.unit, 'C');
  const v = vmNumbers({ cpuPercent: 5, memPercent: null, disks: [{ path: 'C:\\', freePercent: 8, freeBytes: 8, capacityBytes: 100 }, { path: '/', freePercent: 50, freeBytes: 50, capacityBytes: 100 }] }, settings('vm'));
  assert.deepEqual(v.map((x) => x.key), ['cpu', 'memory', 'disk_c', 'disk_c_free_bytes', 'disk_root', 'disk_root_free_bytes']);
  assert.deepEqual(v[2].critical, { op: 'below', value: 10 });
  assert.equal(v[1].critical, null, 'VM memory is off by default');
  const d = datastoreNumbers({ freePercent: 9, capacityBytes: 100, freeBytes: 9 }, settings('datastore'));
  assert.deepEqual(d.map((x) => [x.key, x.value]), [['free', 9], ['capacity', 100], ['free_bytes', 9]]);
});

test('every kind of every source declares its rules (reachable first), a title, words and columns', () => {
  assert.ok(KIND_SPECS.length >= 5);
  for (const k of KIND_SPECS) {
    assert.equal(k.rules[0].name, 'reachable', k.kind);
    assert.ok(k.words.includes(k.kind), `${k.kind} is one of its own words`);
    assert.ok(k.title && Array.isArray(k.columns));
    assert.ok(Array.isArray(k.numbers({ id: `${k.kind}/x`, kind: k.kind, metrics: {} }, settings(k.kind))));
  }
});

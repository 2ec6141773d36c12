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
  assert.equal(n[3].value, 80, 'a receptacle exposes its space remaining, like the MIB');
  assert.deepEqual([n[3].warning, n[3].critical], [{ op: 'below', value: 10 }, { op: 'below', value: 5 }], 'waste-full (above 90 / 95 % full) on the same scale: below 10 / 5 % remaining');
  assert.equal(n[3].title, 'waste toner box (space left)');
  assert.deepEqual(n[5], { name: 'page_count', key: 'pages', title: 'pages printed', value: 12345, unit: 'c', min: 0 });
  const off = printerNumbers(m, settings('printer', { 'toner-low': { enabled: false }, 'waste-full': { enabled: false } }));
  assert.equal(off[0].critical, null, 'a rule turned off puts no threshold on its number');
  assert.deepEqual([off[1].warning, off[1].critical], [null, null]);
});

test('printerNumbers(): parts carry supply-low, untyped cartridges toner-low, untyped waste containers waste-full as configured', () => {
  const m = {
    supplies: [
      supply('1.1', 'Black Cartridge HP CF410A', null, 'supplyThatIsConsumed', 5, 5),
      supply('1.2', 'Drum Unit', 'opc', 'supplyThatIsConsumed', 69, 69),
      supply('1.3', 'Fuser, PN unknown;SNunknown', null, null, 90, 90),
      supply('1.4', 'Waste Toner Container, PN 008R13061', null, null, 5, 5),
    ],
  };
  const n = printerNumbers(m, settings('printer', { 'waste-full': { warning: { op: 'above', value: 80 }, critical: null } }));
  assert.deepEqual(n.map((x) => [x.key, x.value, x.warning, x.critical]), [
    ['black_cartridge_hp_cf410a', 5, null, { op: 'below', value: 20 }],
    ['drum_unit', 69, { op: 'below', value: 10 }, null],
    ['fuser', 90, { op: 'below', value: 10 }, null],
    ['waste_toner_container', 5, { op: 'below', value: 20 }, null],
  ]);
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
  // disk paths whose keys clash, also with another disk's _free_bytes key: every key stays unique
  const clash = vmNumbers({ disks: ['/a b', '/a-b', '/x', '/x free bytes'].map((path) => ({ path, freePercent: 1, freeBytes: 1, capacityBytes: 2 })) }, settings('vm'));
  assert.deepEqual(clash.map((x) => x.key), ['disk_a_b', 'disk_a_b_free_bytes', 'disk_a_b_2', 'disk_a_b_free_bytes_2', 'disk_x', 'disk_x_free_bytes', 'disk_x_free_bytes_2', 'disk_x_free_bytes_free_bytes']);
  // a VM behind a host that is down keeps only its inventory facts: no figures, no numbers
  assert.deepEqual(vmNumbers({ vcenter: 'vc1', powerState: 'poweredOn', host: 'h', ip: null, ips: [] }, settings('vm')), []);
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

test('the help of poll and status names every kind the sources declare (it is static text, so a new source must be added there)', async () => {
  const { readFileSync } = await import('node:fs');
  const main = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');
  for (const k of KIND_SPECS) assert.ok(main.includes(k.words[0]), `${k.words[0]} in src/cli/main.ts help`);
});

// Stable device ids across renames (map.ts): when a second VM takes an existing VM's name, the VM that
// had the name keeps its id (and so its state); the newcomer gets vm/<vc>/<name>~<moref>. Before, ids
// went by (name, moref) order, so a newcomer whose moref sorts first took the id: the two swapped, and
// a misleading "WARNING (was critical)" plus "CRITICAL (was ok)" went out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapInventory } from '../../dist/sources/vcenter/map.js';
import { evaluate } from '../../dist/core/evaluate.js';
import { resolveRule } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/sources/index.js';

const KINDS = { hosts: true, vms: true, datastores: true };
const rulesOf = (r) => ({ defs: rulesFor(r.kind), settings: Object.fromEntries(rulesFor(r.kind).map((d) => [d.name, resolveRule(d)])) });

function vm(moref, name, cpuMhz) {
  return {
    type: 'VirtualMachine',
    moref,
    missing: [],
    props: { name, 'runtime.powerState': 'poweredOn', 'runtime.maxCpuUsage': 1000, 'summary.quickStats.overallCpuUsage': cpuMhz, 'config.template': false },
  };
}
const host = { type: 'HostSystem', moref: 'host-1', missing: [], props: { name: 'esx1', 'runtime.powerState': 'poweredOn', 'runtime.connectionState': 'connected' } };

/** One poll: map with the memory of the last one, as collect.ts does; returns readings by moref. */
function poll(memory, sets) {
  const assigned = {};
  const readings = mapInventory([host, ...sets], { vcenter: 'vc1', kinds: KINDS, perf: new Map(), perfNote: null, gpuNote: null, ids: memory.ids, assigned }, 't');
  memory.ids = assigned;
  return readings;
}
const idsOf = (readings) => Object.fromEntries(readings.filter((r) => r.kind === 'vm').map((r) => [r.name + ' ' + r.metrics.cpuUsageMhz, r.id]));

test('a newcomer taking an existing VM\'s name gets <name>~<moref>; the VM that had the name keeps its id and its state', () => {
  const memory = {};
  // web (vm-57) runs hot: critical
  const first = poll(memory, [vm('vm-57', 'web', 950), vm('vm-9', 'db', 100)]);
  assert.deepEqual(idsOf(first), { 'web 950': 'vm/vc1/web', 'db 100': 'vm/vc1/db' });
  let devices = evaluate({ now: new Date('2026-12-01T08:00:00Z'), readings: first, previous: {}, rulesOf }).devices;
  assert.equal(devices['vm/vc1/web'].state, 'critical');

  // a new VM vm-103 is named web too: "vm-103" sorts before "vm-57"
  const second = poll(memory, [vm('vm-57', 'web', 950), vm('vm-103', 'web', 100), vm('vm-9', 'db', 100)]);
  assert.deepEqual(idsOf(second), { 'web 950': 'vm/vc1/web', 'web 100': 'vm/vc1/web~vm-103', 'db 100': 'vm/vc1/db' });
  const out = evaluate({ now: new Date('2026-12-01T08:05:00Z'), readings: second, previous: devices, rulesOf });
  devices = out.devices;
  assert.equal(devices['vm/vc1/web'].state, 'critical', 'the hot VM is still the one called vm/vc1/web');
  assert.equal(devices['vm/vc1/web~vm-103'].state, 'ok');
  assert.deepEqual(
    out.transitions.filter((t) => t.from !== 'unknown').map((t) => [t.device, t.from, t.to]),
    [],
    'no "(was critical)" or "(was ok)" transition for either VM',
  );

  // later: the old web is renamed; the newcomer keeps its own id (stable), the renamed one gets its new name
  const third = poll(memory, [vm('vm-57', 'web-old', 950), vm('vm-103', 'web', 100), vm('vm-9', 'db', 100)]);
  assert.deepEqual(idsOf(third), { 'web-old 950': 'vm/vc1/web-old', 'web 100': 'vm/vc1/web~vm-103', 'db 100': 'vm/vc1/db' });
});

test('without memory (first poll) two VMs named alike: the plain id goes by moref order, the other gets ~<moref>', () => {
  const readings = poll({}, [vm('vm-57', 'web', 1), vm('vm-103', 'web', 2)]);
  assert.deepEqual(idsOf(readings), { 'web 2': 'vm/vc1/web', 'web 1': 'vm/vc1/web~vm-57' });
});

test('a remembered id under another name is not kept: a renamed VM takes its new name', () => {
  const memory = { ids: { 'vm-57': 'vm/vc1/web' } };
  const readings = poll(memory, [vm('vm-57', 'api', 1)]);
  assert.deepEqual(idsOf(readings), { 'api 1': 'vm/vc1/api' });
  assert.deepEqual(memory.ids, { 'host-1': 'host/vc1/esx1', 'vm-57': 'vm/vc1/api' });
});

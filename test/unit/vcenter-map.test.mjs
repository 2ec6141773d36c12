// Pure mapping of vSphere payloads (in the soap package's shapes, which the readers keep) to readings, on recorded and
// hand-written fixtures; the vCenter rules; the `vcenters:` config section.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  arrayOf,
  blockedReadings,
  counterIndex,
  goneDevices,
  hostHardware,
  mapInventory,
  perfSamples,
  toArray,
  toBool,
  toNum,
  toPropertySet,
  typeOf,
} from '../../dist/sources/vcenter/map.js';
import { inventorySpec } from '../../dist/sources/vcenter/inventory.js';
import { describeError } from '../../dist/protocols/soap/session.js';
import { envelope } from '../../dist/protocols/soap/envelope.js';
import { evaluate, problemsOf } from '../../dist/core/evaluate.js';
import { resolveRule } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/sources/index.js';
import { parseConfig } from '../../dist/config/load.js';
import { hostColumns, vmColumns, datastoreColumns, fmtBytes, hardwareCell } from '../../dist/sources/vcenter/columns.js';
import { hardwareObservation, formatReading } from '../../dist/sources/vcenter/rules.js';
import { hostNumbers } from '../../dist/sources/vcenter/numbers.js';
import { clean } from '../../dist/render/sanitize.js';
import { envelopeContent, isRetrieveResult, parseXml } from '../../dist/protocols/soap/xml.js';
import soap from 'soap';

const fixture = (name) => JSON.parse(readFileSync(new URL(`../fixtures/vcenter/${name}`, import.meta.url), 'utf8'));
const KINDS = { hosts: true, vms: true, datastores: true };

function mapFixture(f) {
  const sets = toArray(f.objects).map(toPropertySet).filter((s) => s && s.type !== 'PerformanceManager');
  const pm = toArray(f.objects).map(toPropertySet).find((s) => s?.type === 'PerformanceManager');
  const counters = counterIndex(f.perfCounter ?? pm?.props.perfCounter);
  const perf = perfSamples(f.queryPerf, counters);
  return { readings: mapInventory(sets, { vcenter: 'vc1', kinds: KINDS, perf, perfNote: null, gpuNote: null }, 'vc.example.com:443'), sets, counters };
}
const byId = (rs) => Object.fromEntries(rs.map((r) => [r.id, r]));
const rulesOf = (r) => ({ defs: rulesFor(r.kind), settings: Object.fromEntries(rulesFor(r.kind).map((d) => [d.name, resolveRule(d)])) });
function evaluateOnce(readings) {
  return evaluate({ now: new Date('2026-11-24T06:00:00Z'), readings, previous: {}, rulesOf }).devices;
}

describe('value normalisation', () => {
  test('primitives arrive as strings: "false" is false, "861" is 861, nothing is null', () => {
    assert.equal(toBool({ attributes: { 'xsi:type': 'xsd:boolean' }, $value: 'false' }), false);
    assert.equal(toBool('true'), true);
    assert.equal(toBool(undefined), null);
    assert.equal(toNum({ $value: '861' }), 861);
    assert.equal(toNum(''), null);
    assert.equal(toNum('abc'), null);
    assert.equal(toNum(-32634), -32634);
  });
  test('a one-element array arrives bare; an empty ArrayOf has only attributes', () => {
    assert.deepEqual(toArray({ a: 1 }), [{ a: 1 }]);
    assert.deepEqual(toArray(undefined), []);
    assert.deepEqual(arrayOf({ attributes: {}, GuestDiskInfo: { diskPath: '/' } }, 'GuestDiskInfo'), [{ diskPath: '/' }]);
    assert.deepEqual(arrayOf({ attributes: { 'XMLSchema-instance:type': 'ArrayOfHostGraphicsInfo' } }, 'HostGraphicsInfo'), []);
  });
  test('the type attribute is read by its local name, whatever the prefix', () => {
    assert.equal(typeOf({ attributes: { 'xsi:type': 'NoPermission' } }), 'NoPermission');
    assert.equal(typeOf({ attributes: { 'XMLSchema-instance:type': 'xsd:int' } }), 'int');
    assert.equal(typeOf({ attributes: { type: 'HostSystem' } }), null);
  });
  test('missingSet entries keep the path and the fault type', () => {
    const f = fixture('real-shapes.json');
    const db = toPropertySet(f.objects.find((o) => o.obj.$value === 'vm-2002'));
    assert.deepEqual(db.missing, [{ path: 'guest.disk', fault: 'NoPermission' }]);
  });
});

describe('mapping payloads recorded from the simulator', () => {
  const f = fixture('sim-retrieve.json');
  const { readings, counters } = mapFixture(f);
  const got = byId(readings);

  test('counter ids are looked up by name', () => {
    for (const n of ['net.received.average', 'net.transmitted.average', 'net.droppedRx.summation', 'net.droppedTx.summation', 'gpu.utilization.average', 'gpu.temperature.average'])
      assert.ok(counters.has(n), n);
  });
  test('hosts: CPU and memory by the formulas, GPUs with counters, network, health', () => {
    const h = got['host/vc1/DC0_C0_H1'].metrics;
    assert.equal(h.cpuCapacityMhz, 2200 * 16);
    assert.equal(h.cpuPercent, Math.round((h.cpuUsageMhz / h.cpuCapacityMhz) * 1000) / 10);
    assert.equal(h.memCapacityMB, 131072);
    assert.equal(h.memPercent, Math.round((h.memUsageMB / 131072) * 1000) / 10);
    assert.deepEqual(h.gpus.map((g) => [g.name, g.memoryMB, g.utilizationPercent, g.temperatureC]), [
      ['NVIDIA A40', 46080, 10.1, 41],
      ['NVIDIA A40', 46080, 20.1, 46],
    ]);
    assert.deepEqual(h.network, { rxKBps: 1037, txKBps: 523, droppedRx: 2, droppedTx: 2 });
    assert.deepEqual(h.health, { overall: 'green', storage: 'green' });
    assert.equal(h.uptimeSeconds, 172923);
  });
  test('a powered-off host blocks its VMs; the others are not blocked', () => {
    const off = got['host/vc1/DC0_C0_H3'];
    assert.equal(off.metrics.powerState, 'poweredOff');
    const vms = readings.filter((r) => r.kind === 'vm');
    assert.ok(vms.length > 0);
    for (const v of vms) assert.equal(v.blockedBy, v.metrics.host === 'DC0_C0_H3' ? 'host/vc1/DC0_C0_H3' : null, v.id);
  });
  test('VMs: CPU of maxCpuUsage, memory of configured memory, IPs from guest.net, guest disks', () => {
    // VM0 runs on the powered-off host H3: only its inventory facts are read (see the test below); VM2 is live
    const v = got['vm/vc1/DC0_C0_RP0_VM2'].metrics;
    assert.equal(v.cpuPercent, Math.round((v.cpuUsageMhz / v.cpuMaxMhz) * 1000) / 10);
    assert.equal(v.ip, '10.20.0.3');
    assert.equal(v.ips[0], '10.20.0.3');
    assert.deepEqual(v.disks[0], { path: '/', capacityBytes: 85899345920, freeBytes: 22333829939, freePercent: 26 });
    assert.equal(v.toolsStatus, 'toolsOk');
    const blocked = got['vm/vc1/DC0_C0_RP0_VM0'].metrics;
    assert.deepEqual([blocked.host, blocked.ip, blocked.ips], ['DC0_C0_H3', '10.20.0.1', ['10.20.0.1', 'fe80::250:56ff:fe00:0000']]);
    assert.equal(blocked.cpuPercent, undefined);
  });
});

describe('mapping real-vCenter shapes (hand-written)', () => {
  const f = fixture('real-shapes.json');
  const { readings } = mapFixture(f);
  const got = byId(readings);

  test('host figures, GPUs from graphics info and PCI (signed vendor ids), Matrox BMC graphics left out', () => {
    const h = got['host/vc1/esx-01.example.com'].metrics;
    assert.equal(h.cpuPercent, 86.3);
    assert.equal(h.memPercent, 91.8);
    assert.equal(h.inMaintenance, false);
    assert.deepEqual(
      h.gpus.map((g) => [g.name, g.vendor, g.memoryMB, g.utilizationPercent, g.memUsedPercent, g.temperatureC]),
      [
        ['NVIDIA L4', 'NVIDIA Corporation', 23028, 73.5, null, 61],
        ['UHD Graphics P750', 'Intel Corporation', null, null, null, null],
      ],
    );
    assert.match(h.gpus[1].reason, /no gpu\.\* performance counters/);
    assert.deepEqual(h.network, { rxKBps: 20480, txKBps: 512, droppedRx: 0, droppedTx: null });
    assert.deepEqual(h.health, { overall: 'red', storage: 'yellow' });
  });
  test('VMs: one-element arrays, duplicate names, templates left out, blocked by a host not responding', () => {
    const web = got['vm/vc1/web-01'].metrics;
    assert.equal(web.cpuPercent, 95);
    assert.equal(web.memPercent, 16);
    assert.deepEqual(web.ips, ['10.1.2.3']);
    assert.deepEqual(web.disks, [{ path: 'C:\\', capacityBytes: 107373129728, freeBytes: 5368709120, freePercent: 5 }]);
    assert.equal(web.host, 'esx-01.example.com');
    const twin = got['vm/vc1/web-01~vm-2003'];
    assert.equal(twin.name, 'web-01');
    assert.equal(twin.metrics.cpuPercent, null, 'maxCpuUsage 0 gives no percentage');
    assert.ok(!readings.some((r) => r.name.startsWith('tmpl-')));
    assert.equal(got['vm/vc1/db-01'].blockedBy, 'host/vc1/esx-02.example.com');
    assert.equal(got['vm/vc1/db-01'].metrics.disks, undefined, 'the figures of a VM behind a down host are stale: left out');
  });
  test('a VM behind a host that is down keeps the inventory facts of this poll (host, power state, IP) even on its first poll; no figures, no problems', () => {
    const d = evaluateOnce(readings)['vm/vc1/db-01'];
    assert.equal(d.state, 'unknown');
    assert.equal(d.blockedBy, 'host/vc1/esx-02.example.com');
    assert.equal(d.metrics.host, 'esx-02.example.com');
    assert.equal(d.metrics.powerState, 'poweredOn');
    assert.ok('ip' in d.metrics && 'ips' in d.metrics);
    assert.equal(d.metrics.cpuPercent, undefined);
    assert.deepEqual(problemsOf(d), []);
    // on a later poll the last good figures are kept beside the fresh facts
    const prev = { 'vm/vc1/db-01': { ...d, metrics: { host: 'esx-01.example.com', powerState: 'poweredOff', cpuPercent: 12, disks: [] } } };
    const next = evaluate({ now: new Date('2026-11-24T06:05:00Z'), readings: [got['vm/vc1/db-01']], previous: prev, rulesOf }).devices['vm/vc1/db-01'];
    assert.deepEqual([next.metrics.host, next.metrics.powerState, next.metrics.cpuPercent], ['esx-02.example.com', 'poweredOn', 12]);
  });
  test('default rules: host cpu/memory/health, host power, VM cpu and disk-free, datastore free and accessible', () => {
    const d = evaluateOnce(readings);
    const ps = (id) => problemsOf(d[id]).map((p) => `${p.rule} ${p.severity}: ${p.message}`);
    assert.deepEqual(ps('host/vc1/esx-01.example.com'), [
      'cpu critical: CPU 86.3% > 80%',
      'memory critical: memory 91.8% > 90%',
      'hardware critical: PSU 2: red; Disk 2 on PERC H755: yellow — degraded',
    ]);
    assert.deepEqual(ps('host/vc1/esx-02.example.com'), ['power critical: host power state unknown, not responding']);
    assert.deepEqual(ps('vm/vc1/web-01'), ['cpu critical: CPU 95% > 80%', 'disk-free critical: disk C:\\ free 5% < 10%']);
    assert.deepEqual(ps('vm/vc1/db-01'), [], 'blocked by its host: no problems of its own');
    assert.equal(d['vm/vc1/db-01'].state, 'unknown');
    assert.deepEqual(ps('datastore/vc1/vsanDatastore'), ['free critical: free 7.5% < 10%', 'accessible critical: datastore not accessible']);
    assert.deepEqual(ps('vm/vc1/web-01~vm-2003'), [], 'a powered-off VM is not a problem by default');
  });
  test('status columns', () => {
    const h = got['host/vc1/esx-01.example.com'];
    assert.deepEqual(hostColumns.map((c) => c.value(h, new Date())), ['on', '86.3%', '91.8%', 'NVIDIA L4 73.5% 61°C, UHD Graphics P750', '20.0 MB/s / 512 KB/s', 'yellow', '1 red, 1 yellow', '101d 23h']);
    assert.deepEqual(vmColumns.map((c) => c.value(got['vm/vc1/web-01'], new Date())), ['on', 'esx-01.example.com', '10.1.2.3', '95%', '16%', 'C:\\ 5%', 'Ok']);
    assert.deepEqual(vmColumns[0].value(got['vm/vc1/db-01'], new Date()), 'on (via esx-02.example.com)');
    assert.deepEqual(datastoreColumns.map((c) => c.value(got['datastore/vc1/vsanDatastore'], new Date())), ['10.0 TB', '768 GB', '7.5%', 'no']);
    assert.equal(fmtBytes(512), '512 B');
  });
});

describe('host hardware: runtime.healthSystemRuntime (hand-written property sets)', () => {
  // as the soap package hands them over: numbers as strings, a lone element bare, colours in any case
  const desc = (key, summary = key, label = key) => ({ attributes: { 'xsi:type': 'ElementDescription' }, key, label, summary });
  const hsr = {
    attributes: { 'xsi:type': 'HealthSystemRuntime' },
    systemHealthInfo: {
      numericSensorInfo: [
        { name: 'CPU1 Temp', healthState: desc('yellow', 'Sensor is operating under warning conditions', 'Yellow'), currentReading: '8850', unitModifier: '-2', baseUnits: 'Degrees C', sensorType: 'temperature' },
        { name: 'Exhaust', healthState: desc('green'), currentReading: '1130', unitModifier: '-1', baseUnits: 'Degrees F', sensorType: 'temperature' },
        { name: 'Fan 2', healthState: desc('green'), currentReading: '78', unitModifier: '2', baseUnits: 'RPM', sensorType: 'fan' },
        { name: 'PSU1 Input', healthState: desc('unknown'), currentReading: '115', unitModifier: '-2', baseUnits: 'Volts', sensorType: 'voltage' },
        { name: 'Airflow', healthState: desc('green'), currentReading: '40', unitModifier: '0', baseUnits: 'CFM', sensorType: 'other' },
        { name: 'PS Redundancy', healthState: desc('red', 'Redundancy lost', 'Red'), currentReading: '0', unitModifier: '0', baseUnits: '', sensorType: 'power' },
        { name: 'Intrusion', healthState: desc('green'), currentReading: '0', unitModifier: '0', baseUnits: '', sensorType: 'other' },
        { name: 'No state', currentReading: '5', unitModifier: '0', baseUnits: 'Watts', sensorType: 'power' },
      ],
    },
    hardwareStatusInfo: {
      memoryStatusInfo: [
        { attributes: { 'xsi:type': 'HostHardwareElementInfo' }, name: 'DIMM A1', status: desc('Green') },
        { attributes: { 'xsi:type': 'HostHardwareElementInfo' }, name: 'DIMM B2', status: desc('Red', 'Uncorrectable ECC', 'Red') },
      ],
      cpuStatusInfo: { attributes: { 'xsi:type': 'HostHardwareElementInfo' }, name: 'CPU socket #0', status: desc('Green') },
      storageStatusInfo: { name: 'Disk 3 on controller 0', status: desc('Red', 'Predictive failure', 'Red') },
    },
  };

  test('units and modifiers: reading × 10^modifier, °F and K in °C, CIM unit names shortened, unknown units kept', () => {
    const hw = hostHardware(hsr);
    assert.deepEqual(
      hw.filter((e) => e.type === 'sensor').map((e) => [e.name, e.status, e.reading, e.unit]),
      [
        ['CPU1 Temp', 'yellow', 88.5, '°C'],
        ['Exhaust', 'green', 45, '°C'], // 113.0 °F
        ['Fan 2', 'green', 7800, 'RPM'],
        ['PSU1 Input', 'unknown', 1.15, 'V'],
        ['Airflow', 'green', 40, 'CFM'],
        ['PS Redundancy', 'red', null, null],
        ['No state', 'unknown', 5, 'W'],
      ],
      'a green sensor without a unit (Intrusion) is left out; a red one is kept without a reading',
    );
    assert.deepEqual(hostHardware({ systemHealthInfo: { numericSensorInfo: { name: 'T', healthState: desc('green'), currentReading: '300', unitModifier: '0', baseUnits: 'Degrees K' } } })[0].reading, 26.9);
  });

  test('storage always; memory and CPU only when yellow or red; summaries only when they say more than the colour', () => {
    const hw = hostHardware(hsr);
    assert.deepEqual(hw[0], { type: 'storage', name: 'Disk 3 on controller 0', status: 'red', reading: null, unit: null, summary: 'Predictive failure' });
    assert.deepEqual(hw.filter((e) => e.type === 'memory' || e.type === 'cpu'), [{ type: 'memory', name: 'DIMM B2', status: 'red', reading: null, unit: null, summary: 'Uncorrectable ECC' }]);
    assert.equal(hw.find((e) => e.name === 'CPU1 Temp').summary, undefined, '"operating under warning conditions" is boilerplate');
    assert.equal(hw.find((e) => e.name === 'PS Redundancy').summary, 'Redundancy lost');
    assert.equal(hw.find((e) => e.name === 'CPU1 Temp').sensorType, 'temperature');
  });

  test('missing parts: no runtime, no systemHealthInfo, an empty ArrayOf, elements without names or statuses', () => {
    assert.deepEqual(hostHardware(undefined), []);
    assert.deepEqual(hostHardware('unset'), []);
    assert.deepEqual(hostHardware({ attributes: {} }), []);
    assert.deepEqual(hostHardware({ hardwareStatusInfo: { storageStatusInfo: [{}, 'junk', { name: 'Volume 1', status: { key: 'Purple' } }] } }), [
      { type: 'storage', name: 'storage element', status: 'unknown', reading: null, unit: null },
      { type: 'storage', name: 'Volume 1', status: 'unknown', reading: null, unit: null },
    ]);
    assert.deepEqual(hostHardware({ systemHealthInfo: { numericSensorInfo: { name: 'T', healthState: desc('green'), currentReading: 'n/a', baseUnits: 'Degrees C' } } })[0].reading, null);
  });

  test('hostile names: bounded in the state, raw in metrics and messages, made visible by the renderer', () => {
    const evil = `Disk 1\u001b[2J\nFAKE\u202e${'x'.repeat(500)}`;
    const hw = hostHardware({ hardwareStatusInfo: { storageStatusInfo: { name: evil, status: desc('Red', `bad\r\n${'y'.repeat(400)}`) } } });
    assert.equal(hw[0].name.length, 120);
    assert.ok(hw[0].summary.length <= 160);
    const msg = hardwareObservation(hw).message;
    assert.ok(msg.startsWith('Disk 1\u001b[2J\nFAKE'));
    const shown = clean(msg);
    assert.ok(!/[\u0000-\u001f\u202e]/.test(shown), 'no control character or bidi override reaches a terminal');
    assert.match(shown, /^Disk 1\\x1b\[2J\\x0aFAKE\\u202e/);
    assert.equal(hostNumbers({ hardware: [{ type: 'sensor', name: '__proto__', status: 'green', reading: 1, unit: 'W' }] }, {}).find((n) => n.name === 'sensor_power_watts').key, 'sensor_proto');
  });

  // hardware rule, row for row: the worst colour decides; green and unknown say nothing
  const hardwareRows = [
    [[], 'ok', null],
    [[['A', 'green'], ['B', 'unknown']], 'ok', null],
    [[['A', 'yellow']], 'warning', 'A: yellow'],
    [[['A', 'yellow'], ['B', 'red']], 'critical', 'B: red; A: yellow'],
  ];
  for (const [els, state, message] of hardwareRows) {
    test(`hardware rule: ${els.map((e) => e.join(' ')).join(', ') || 'nothing'} → ${state}`, () => {
      assert.deepEqual(hardwareObservation(els.map(([name, status]) => ({ type: 'storage', name, status, reading: null, unit: null }))), { state, message });
    });
  }
  test('hardware rule: readings and summaries in the message, red first, at most five named', () => {
    const hw = hostHardware(hsr);
    assert.equal(hardwareObservation(hw).message, 'Disk 3 on controller 0: red — Predictive failure; PS Redundancy: red — Redundancy lost; DIMM B2: red — Uncorrectable ECC; CPU1 Temp: yellow — 88.5°C');
    const many = Array.from({ length: 8 }, (_, i) => ({ type: 'storage', name: `Disk ${i}`, status: i % 2 ? 'red' : 'yellow', reading: null, unit: null }));
    assert.equal(hardwareObservation(many).message, 'Disk 1: red; Disk 3: red; Disk 5: red; Disk 7: red; Disk 0: yellow; and 3 more');
    assert.deepEqual([formatReading(7800, 'RPM'), formatReading(1.15, 'V'), formatReading(88.456, '°C'), formatReading(3, null), formatReading(null, 'W')], ['7800 RPM', '1.15 V', '88.46°C', '3', null]);
  });

  const hostWith = (over) => ({ id: 'host/vc1/esx', kind: 'host', name: 'esx', target: 'esx', reachable: true, error: null, blockedBy: null, metrics: { powerState: 'poweredOn', connectionState: 'connected', overallStatus: 'green', gpus: [], hardware: [], ...over } });
  const ruleProblems = (over) => problemsOf(evaluateOnce([hostWith(over)])['host/vc1/esx']).map((p) => `${p.rule} ${p.severity}: ${p.message}`);

  test('health: overallStatus alone, quiet when a hardware element of that colour or worse explains it', () => {
    const disk = (status) => [{ type: 'storage', name: 'Disk 3', status, reading: null, unit: null }];
    assert.deepEqual(ruleProblems({ overallStatus: 'yellow' }), ['health warning: overall status yellow']);
    assert.deepEqual(ruleProblems({ overallStatus: 'red', hardware: disk('red') }), ['hardware critical: Disk 3: red']);
    assert.deepEqual(ruleProblems({ overallStatus: 'red', hardware: disk('yellow') }), ['health critical: overall status red', 'hardware warning: Disk 3: yellow']);
    assert.deepEqual(ruleProblems({ overallStatus: 'green', hardware: disk('red') }), ['hardware critical: Disk 3: red']);
  });

  test('gpu rules: temperature above 85 warns by default, naming the GPU (alike cards numbered); utilization and memory are off', () => {
    const g = (temperatureC, utilizationPercent = 99, memUsedPercent = 99) => ({ name: 'NVIDIA A40', vendor: 'NVIDIA', memoryMB: 46080, temperatureC, utilizationPercent, memUsedPercent });
    assert.deepEqual(ruleProblems({ gpus: [g(60), g(86)] }), ['gpu-temperature warning: NVIDIA A40 #2 temperature 86°C > 85°C']);
    assert.deepEqual(ruleProblems({ gpus: [g(85), g(null, null, null)] }), [], 'at the level is not above it; no figures, no problem');
  });

  test('Hardware cell: counts of red and yellow, ok, unknown, or a dash when the host reports nothing', () => {
    const el = (status) => ({ type: 'sensor', name: 'x', status, reading: 1, unit: 'W' });
    assert.equal(hardwareCell({ hardware: [el('red'), el('yellow'), el('red'), el('green')] }), '2 red, 1 yellow');
    assert.equal(hardwareCell({ hardware: [el('green'), el('unknown')] }), 'ok');
    assert.equal(hardwareCell({ hardware: [el('unknown'), el('unknown')] }), 'unknown', 'no colour at all is not ok');
    assert.equal(hardwareCell({ hardware: [] }), '–');
    assert.equal(hardwareCell({}), '–', 'a state written before hardware was read');
  });

  test('numbers: sensor readings by family with a {sensor} label; GPUs carry the gpu-* levels and distinct labels', () => {
    const settings = Object.fromEntries(rulesFor('host').map((d) => [d.name, resolveRule(d)]));
    const n = hostNumbers({ gpus: [{ name: 'NVIDIA A40', temperatureC: 50, utilizationPercent: 1, memUsedPercent: 2 }, { name: 'NVIDIA A40', temperatureC: 51, utilizationPercent: 3, memUsedPercent: 4 }], hardware: hostHardware(hsr) }, settings);
    const sensors = n.filter((x) => x.name.startsWith('sensor_'));
    assert.deepEqual(sensors.map((x) => [x.name, x.labels.sensor, x.key, x.value, x.unit]), [
      ['sensor_temperature_celsius', 'CPU1 Temp', 'sensor_cpu1_temp', 88.5, 'C'],
      ['sensor_temperature_celsius', 'Exhaust', 'sensor_exhaust', 45, 'C'],
      ['sensor_fan_rpm', 'Fan 2', 'sensor_fan_2', 7800, ''],
      ['sensor_voltage_volts', 'PSU1 Input', 'sensor_psu1_input', 1.15, ''],
      ['sensor_power_watts', 'No state', 'sensor_no_state', 5, ''],
    ], 'CFM has no family; storage and discrete sensors have no reading');
    const temps = n.filter((x) => x.name === 'gpu_temperature_celsius');
    assert.deepEqual(temps.map((x) => [x.labels.gpu, x.value, x.warning]), [['NVIDIA A40', 50, { op: 'above', value: 85 }], ['NVIDIA A40 #2', 51, { op: 'above', value: 85 }]]);
    assert.equal(n.find((x) => x.name === 'gpu_utilization_percent').warning, null, 'gpu-utilization is off by default');
    const fans = hostNumbers({ hardware: [1, 2].map(() => ({ type: 'sensor', name: 'Fan 1', status: 'green', reading: 5000, unit: 'RPM' })) }, settings).filter((x) => x.name === 'sensor_fan_rpm');
    assert.deepEqual(fans.map((x) => [x.labels.sensor, x.key]), [['Fan 1', 'sensor_fan_1'], ['Fan 1 #2', 'sensor_fan_1_2']], 'alike sensors never share a series');
  });
});

describe('inventory request and errors', () => {
  test('the TraversalSpec carries its xsi type (bound to urn:vim25) and every element is in schema order', () => {
    const view = { attributes: { type: 'ContainerView' }, $value: 'session[x]y&z' };
    const spec = inventorySpec(view, { attributes: { type: 'PerformanceManager' }, $value: 'PerfMgr' }, { hosts: true, vms: true, datastores: true, counters: true });
    const body = envelope('RetrievePropertiesEx', { attributes: { type: 'PropertyCollector' }, $value: 'propertyCollector' }, spec);
    // the prefix of the xsi:type value is bound to urn:vim25, xsi to the XMLSchema-instance namespace
    assert.match(body, /xmlns:vim25="urn:vim25"/);
    assert.match(body, /xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance"/);
    const doc = parseXml(body).Envelope.Body.RetrievePropertiesEx;
    const order = (xml, parent) => [...new RegExp(`<${parent}[^>]*>(.*?)</${parent}>`, 's').exec(xml)[1].matchAll(/<(\w+)[^>]*>(?:[^<]*<\/\1>)?/g)].map((m) => m[1]);
    assert.deepEqual(Object.keys(doc).filter((k) => k !== 'attributes'), ['_this', 'specSet']);
    assert.deepEqual([...spec.matchAll(/<(propSet|objectSet)>/g)].map((m) => m[1]), ['propSet', 'propSet', 'propSet', 'propSet', 'objectSet', 'objectSet'], 'propSet before objectSet');
    assert.deepEqual(toArray(doc.specSet.propSet).map((p) => p.type), ['HostSystem', 'VirtualMachine', 'Datastore', 'PerformanceManager']);
    const os = toArray(doc.specSet.objectSet)[0];
    assert.deepEqual(Object.keys(os), ['obj', 'skip', 'selectSet']);
    assert.deepEqual(os.obj, { attributes: { type: 'ContainerView' }, $value: 'session[x]y&z' }, 'escaped on the way, intact on arrival');
    assert.deepEqual(os.selectSet.attributes, { 'xsi:type': 'vim25:TraversalSpec' });
    assert.deepEqual(order(spec, 'selectSet'), ['name', 'type', 'path', 'skip']);
    assert.deepEqual([os.selectSet.name, os.selectSet.type, os.selectSet.path, os.selectSet.skip], ['view', 'ContainerView', 'view', 'false']);
  });
  test('a fault is named by its type; an InvalidLogin says so', () => {
    const fault = (type) => ({ root: { Envelope: { Body: { Fault: { faultcode: 'ServerFaultCode', faultstring: 'Cannot complete login due to an incorrect user name or password.', detail: { [`${type}Fault`]: { attributes: { 'xsi:type': type } } } } } } } });
    const ctx = { url: 'https://vc.example.com/sdk', timeoutMs: 30000, username: 'mon@vsphere.local' };
    assert.equal(describeError(fault('InvalidLogin'), ctx).message, 'login failed for mon@vsphere.local: wrong user name or password');
    assert.equal(describeError(fault('NotAuthenticated'), ctx).faultType, 'NotAuthenticated');
    assert.equal(describeError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), ctx).message, 'untrusted TLS certificate (self-signed certificate) at vc.example.com: give its CA in ca-file, or set insecure: true');
    assert.equal(describeError(Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED' }), ctx).message, 'no answer from vc.example.com within 30s');
  });
  test('a fault or library text that echoes the password is masked; our own words are not, whatever the password', () => {
    const ctx = { url: 'https://vc.example.com/sdk', timeoutMs: 30000, username: 'mon@vsphere.local', password: 'wrong' };
    const invalid = { root: { Envelope: { Body: { Fault: { faultcode: 'ServerFaultCode', faultstring: 'x', detail: { InvalidLoginFault: { attributes: { 'xsi:type': 'InvalidLogin' } } } } } } } };
    assert.equal(describeError(invalid, ctx).message, 'login failed for mon@vsphere.local: wrong user name or password');
    const echo = { ...ctx, password: 'Vc-S3cret!' };
    const sys = { root: { Envelope: { Body: { Fault: { faultcode: 'ServerFaultCode', faultstring: 'bad request: <password>Vc-S3cret!</password>', detail: { SystemErrorFault: { attributes: { 'xsi:type': 'SystemError' } } } } } } } };
    assert.doesNotMatch(describeError(sys, echo).message, /Vc-S3cret!/);
    assert.doesNotMatch(describeError(new Error('parser choked on Vc-S3cret! near line 1'), echo).message, /Vc-S3cret!/);
  });
  test('gone devices are removed; a mass disappearance (lost permissions?) is withheld instead', () => {
    const vms = Array.from({ length: 30 }, (_, i) => `vm/vc1/v${i}`);
    const hosts = ['host/vc1/h1', 'host/vc1/h2'];
    const seenAll = new Set([...vms, ...hosts]);
    seenAll.delete('vm/vc1/v3');
    assert.deepEqual(goneDevices([...hosts, ...vms], seenAll, new Set(['vm', 'host'])), { removed: ['vm/vc1/v3'], withheld: [] });
    const fewLeft = new Set([...hosts, 'vm/vc1/v0']);
    const r = goneDevices([...hosts, ...vms], fewLeft, new Set(['vm', 'host']));
    assert.equal(r.removed.length, 0);
    assert.equal(r.withheld.length, 29);
    // kinds not polled now are never removed
    assert.deepEqual(goneDevices([...hosts, ...vms], new Set(hosts), new Set(['host'])), { removed: [], withheld: [] });
  });

  test('blocked readings for known devices of the unreachable vCenter only', () => {
    const rs = blockedReadings(['host/vc1/esx-1', 'vm/vc1/a~vm-2', 'vm/vc2/b', 'datastore/vc1/ds'], 'vc1', 'vc:443', 'vCenter vc1 unreachable: x');
    assert.deepEqual(rs.map((r) => [r.id, r.kind, r.name, r.reachable, r.blockedBy]), [
      ['host/vc1/esx-1', 'host', 'esx-1', false, 'vcenter/vc1'],
      ['vm/vc1/a~vm-2', 'vm', 'a', false, 'vcenter/vc1'],
      ['datastore/vc1/ds', 'datastore', 'ds', false, 'vcenter/vc1'],
    ]);
  });
});

describe('vcenters: config section', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-vc-'));
  writeFileSync(join(dir, 'vc.pass'), 's3cret\n', { mode: 0o600 }); // private, as it should be: no warning
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const file = join(dir, 'monitor.config.yaml');
  const parse = (text, env = {}) => parseConfig(text, file, { env });

  test('a full entry with defaults, password from the environment or a file, thresholds by kind', () => {
    const cfg = parse(
      [
        'vcenters:',
        '  - name: vc1',
        '    url: https://vcenter.example.com',
        '    username: monitor@vsphere.local',
        '    password: ${VCENTER_PASSWORD}',
        '    ca-file: ca.pem',
        '    thresholds:',
        '      host: { cpu: { above: 90 } }',
        '      vm: { disk-free: { below: 5 } }',
        '  - name: vc2',
        '    url: https://vc2.example.com/sdk',
        '    username: mon',
        '    password-file: vc.pass',
        '    keep-session: true',
        '    page-size: 500',
        '    timeout: 10s',
      ].join('\n'),
      { VCENTER_PASSWORD: 'pw1' },
    );
    const [a, b] = cfg.vcenters;
    assert.equal(a.id, 'vcenter/vc1');
    assert.equal(a.url, 'https://vcenter.example.com/sdk');
    assert.equal(a.password, 'pw1');
    assert.equal(a.caFile, join(dir, 'ca.pem'));
    assert.equal(a.insecure, false);
    assert.equal(a.keepSession, false);
    assert.equal(a.pageSize, 1000);
    assert.equal(a.timeoutMs, 30000);
    assert.deepEqual(a.thresholds.host.cpu.critical, { op: 'above', value: 90 });
    assert.deepEqual(a.thresholds.vm['disk-free'].critical, { op: 'below', value: 5 });
    assert.equal(b.password, 's3cret');
    assert.equal(b.keepSession, true);
    assert.equal(b.pageSize, 500);
    assert.equal(b.timeoutMs, 10000);
    assert.ok(cfg.secrets.includes('pw1') && cfg.secrets.includes('s3cret'));
    assert.deepEqual(cfg.warnings, []);
  });
  test('insecure: true is allowed but warned about', () => {
    const cfg = parse('vcenters:\n  - name: vc1\n    url: https://vc\n    username: u\n    password: p\n    insecure: true\n');
    assert.equal(cfg.vcenters[0].insecure, true);
    assert.equal(cfg.warnings.length, 1);
    assert.match(cfg.warnings[0], /:6:\d+: vcenters\[0\]\.insecure: TLS certificate of https:\/\/vc\/sdk is not verified/);
  });
  test('every error with its path and line: unknown key, bad URL, missing password, unknown rule, bad kind', () => {
    assert.throws(
      () => parse('vcenters:\n  - name: vc1\n    url: ftp://vc\n    username: u\n    insecur: true\n    thresholds:\n      vm: { cpux: { above: 1 } }\n      printer: {}\n'),
      (e) => {
        assert.match(e.message, /:3:\d+: vcenters\[0\]\.url: "ftp:\/\/vc" must start with https:\/\//);
        assert.match(e.message, /:5:\d+: vcenters\[0\]\.insecur: unknown key "insecur" \(did you mean "insecure"\?\)/);
        assert.match(e.message, /vcenters\[0\]: missing password \(or password-file\)/);
        assert.match(e.message, /:7:\d+: vcenters\[0\]\.thresholds\.vm\.cpux: unknown rule "cpux" for vm/);
        assert.match(e.message, /:8:\d+: vcenters\[0\]\.thresholds\.printer: unknown device kind "printer" for a vCenter/);
        return true;
      },
    );
  });
  test('host hardware and gpu rules in thresholds: on/off, levels, per vCenter; a single nested gpu rule is not one', () => {
    const cfg = parse('thresholds:\n  host: { hardware: on, gpu-temperature: { warning: { above: 80 }, critical: { above: 95 }, recovery-margin: 3 }, gpu-utilization: { above: 98, severity: warning }, gpu-memory: on }\nvcenters:\n  - name: vc1\n    url: https://vc\n    username: u\n    password: p\n    thresholds:\n      host: { hardware: off }\n');
    const t = cfg.thresholds.host;
    assert.deepEqual([t['gpu-temperature'].warning, t['gpu-temperature'].critical, t['gpu-temperature'].recoveryMargin], [{ op: 'above', value: 80 }, { op: 'above', value: 95 }, 3]);
    assert.deepEqual([t['gpu-utilization'].warning, t['gpu-utilization'].critical], [{ op: 'above', value: 98 }, null]);
    assert.equal(cfg.vcenters[0].thresholds.host.hardware.enabled, false);
    assert.throws(() => parse('thresholds:\n  host: { gpu: { temperature: { warning: 85 } } }\n'), /unknown rule "gpu" for host; known rules: .*gpu-temperature, gpu-utilization, gpu-memory/);
    assert.throws(() => parse('thresholds:\n  host: { hardware: { above: 3 } }\n'), /thresholds\.host\.hardware\.above: unknown key/);
  });
  test('the sample config states the built-in defaults of every host rule', () => {
    const sample = new URL('../../monitor.config.yaml', import.meta.url).pathname;
    const cfg = parseConfig(readFileSync(sample, 'utf8'), sample, { env: {} });
    for (const def of rulesFor('host').filter((d) => d.name !== 'reachable')) {
      assert.ok(cfg.thresholds.host[def.name], `${def.name} is in the sample`);
      const { enabled, warning, critical } = resolveRule(def, cfg.thresholds.host[def.name]);
      const built = resolveRule(def);
      assert.deepEqual({ enabled, warning, critical }, { enabled: built.enabled, warning: built.warning, critical: built.critical }, def.name);
    }
  });
  test('top-level thresholds accept the vSphere rules by name', () => {
    const cfg = parse('thresholds:\n  host: { cpu: { above: 80 }, memory: { above: 90 }, power: on }\n  vm: { cpu: { above: 80 }, disk-free: { below: 10 } }\n  datastore: { free: { below: 10 } }\n  vcenter: { reachable: { failures-before-alert: 2 } }\n');
    assert.deepEqual(cfg.thresholds.datastore.free.critical, { op: 'below', value: 10 });
    assert.equal(cfg.thresholds.vcenter.reachable.failuresBeforeAlert, 2);
  });
});

describe('the generic reader (xml.ts: small answers, faults; pages have their own, see vcenter-scan.test.mjs)', () => {
  const xml = readFileSync(new URL('../fixtures/vcenter/sim-retrieve-page.xml', import.meta.url), 'utf8');

  test('reads a recorded simulator page into what the soap package reads, as far as the mapping can tell', async () => {
    const client = await soap.createClientAsync(fileURLToPathSafe('../../wsdl/vim25/vimService.wsdl'), {});
    // the soap package's own reader, as an oracle
    const slow = client.wsdl.xmlToObject(xml).Body.RetrievePropertiesExResponse.returnval;
    const fast = envelopeContent(xml).Body.RetrievePropertiesExResponse.returnval;
    assert.equal(fast.token, 'page-1');
    assert.equal(slow.token, 'page-1');
    const mapOf = (rv) => {
      const sets = toArray(rv.objects).map(toPropertySet);
      return mapInventory(sets, { vcenter: 'vc1', kinds: KINDS, perf: new Map(), perfNote: null, gpuNote: null }, 't');
    };
    const a = mapOf(slow);
    const b = mapOf(fast);
    assert.equal(b.length, 7);
    assert.deepEqual(b.map((r) => r.kind).sort(), ['host', 'vm', 'vm', 'vm', 'vm', 'vm', 'vm']);
    assert.ok(b.filter((r) => r.kind === 'vm').every((r) => r.metrics.disks.length && r.metrics.ips.length));
    assert.deepEqual(b, a);
  });
  test('namespaces, entities, CDATA, comments, self-closing elements, single and repeated elements', () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?>
<!-- real vCenter writes xsi:type with the xsi prefix -->
<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body>
<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-1</obj>
<propSet><name>name</name><val xsi:type="xsd:string">R&amp;D &lt;build&gt; &#233;&#x20AC;</val></propSet>
<propSet><name>guest.disk</name><val xsi:type="ArrayOfGuestDiskInfo"><GuestDiskInfo><diskPath><![CDATA[/mnt/a<b & c]]></diskPath><capacity>100</capacity><freeSpace>7</freeSpace></GuestDiskInfo></val></propSet>
<propSet><name>guest.net</name><val xsi:type="ArrayOfGuestNicInfo"/></propSet>
<propSet><name>config.template</name><val xsi:type="xsd:boolean">false</val></propSet>
</objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`;
    assert.equal(isRetrieveResult(doc), true);
    const rv = envelopeContent(doc).Body.RetrievePropertiesExResponse.returnval;
    const ps = toPropertySet(rv.objects);
    assert.equal(ps.moref, 'vm-1');
    assert.equal(ps.type, 'VirtualMachine');
    assert.deepEqual(ps.props.name, { attributes: { 'xsi:type': 'xsd:string' }, $value: 'R&D <build> é€' });
    assert.deepEqual(arrayOf(ps.props['guest.disk'], 'GuestDiskInfo'), [{ diskPath: '/mnt/a<b & c', capacity: '100', freeSpace: '7' }]);
    assert.deepEqual(arrayOf(ps.props['guest.net'], 'GuestNicInfo'), []);
    assert.equal(toBool(ps.props['config.template']), false);
    assert.deepEqual(parseXml('<a x="1 > 0"><b>1</b><b>2</b><c/></a>'), { a: { b: ['1', '2'], c: '', attributes: { x: '1 > 0' } } });
  });
  test('faults and other answers are not taken for pages; malformed XML is an error', () => {
    assert.equal(isRetrieveResult('<soapenv:Envelope><soapenv:Body><soapenv:Fault><faultcode>x</faultcode></soapenv:Fault></soapenv:Body></soapenv:Envelope>'), false);
    assert.equal(isRetrieveResult('<html><body>RetrievePropertiesExResponse</body></html>'), false);
    assert.throws(() => parseXml('<a><b></a>'), /mismatched end tag/);
    assert.throws(() => parseXml('<a><b>'), /unterminated element/);
  });
});

function fileURLToPathSafe(rel) {
  return decodeURIComponent(new URL(rel, import.meta.url).pathname);
}

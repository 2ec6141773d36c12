// ESXi host disks, sensors and GPUs against govmomi's simulator (test/vcsim launcher): the launcher is
// told what runtime.healthSystemRuntime and the gpu.* counters report, and the figures, problems and
// outputs are checked against what it was told. Built code from dist/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectVcenter } from '../../dist/sources/vcenter/collect.js';
import { evaluate, problemsOf } from '../../dist/core/evaluate.js';
import { resolveRule } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/sources/index.js';
import { startVcsim, vcConfig } from '../helpers/vcsim.mjs';
import { cli } from '../helpers/cli.mjs';

const HOSTS = new Set(['hosts']);

/** Rule settings as the pipeline resolves them, with optional kind-level inputs (`thresholds.host`). */
const rulesOf = (inputs = {}) => (r) => ({ defs: rulesFor(r.kind), settings: Object.fromEntries(rulesFor(r.kind).map((d) => [d.name, resolveRule(d, inputs[d.name])])) });
const evaluateOnce = (readings, inputs) => evaluate({ now: new Date(), readings, previous: {}, rulesOf: rulesOf(inputs) }).devices;
const problems = (devices) => Object.values(devices).flatMap((d) => problemsOf(d).map((p) => ({ id: d.id, ...p })));

// What the launcher is told: a failing disk on host 0 (with a healthy disk, its controller and a
// volume), and on host 2 a hot CPU sensor (yellow) besides normal fan and voltage readings.
const FAILING_DISK = {
  op: 'host-health',
  host: 'DC0_C0_H0',
  storage: [
    { name: 'Disk 3 on controller 0', status: 'Red', label: 'Red', summary: 'Predictive failure' },
    { name: 'Disk 2 on controller 0', status: 'Green' },
    { name: 'Controller 0 (PERC H755)', status: 'Green' },
    { name: 'Virtual disk 0 (RAID 1)', status: 'Green' },
  ],
  sensors: [{ name: 'System Board 1 Inlet Temp', status: 'green', reading: 2450, modifier: -2, units: 'Degrees C', type: 'temperature' }],
  memory: [{ name: 'DIMM A1', status: 'Green' }],
  cpu: [{ name: 'CPU socket #0', status: 'Green' }],
};
const HOT_SENSOR = {
  op: 'host-health',
  host: 'DC0_C0_H2',
  storage: [{ name: 'Disk 0 on controller 0', status: 'Green' }],
  sensors: [
    { name: 'CPU1 Temp', status: 'yellow', reading: 8800, modifier: -2, units: 'Degrees C', type: 'temperature' },
    { name: 'Fan 1', status: 'green', reading: 7800, modifier: 0, units: 'RPM', type: 'fan' },
    { name: 'PSU1 Voltage', status: 'green', reading: 1215, modifier: -2, units: 'Volts', type: 'voltage' },
    { name: 'Exhaust Temp', status: 'green', reading: 104, modifier: 0, units: 'Degrees F', type: 'temperature' },
    { name: 'Chassis Intrusion', status: 'green', reading: 0, modifier: 0, units: '', type: 'other' },
  ],
};

describe('ESXi hardware health and GPUs against the simulator', { timeout: 300_000 }, () => {
  let sim;
  before(async () => {
    sim = await startVcsim({ hosts: 3, vms: 6 });
  });
  after(async () => sim?.stop());

  test('a failing disk on host 0 is one named hardware problem there; a hot sensor is a warning on host 2; host 1 is unaffected; no extra round trip', async () => {
    await sim.op(FAILING_DISK);
    await sim.op(HOT_SENSOR);
    await sim.resetStats();
    const r = await collectVcenter(vcConfig(sim), {}, HOSTS);
    assert.deepEqual((await sim.stats()).calls, { RetrieveServiceContent: 1, Login: 1, CreateContainerView: 1, RetrievePropertiesEx: 1, QueryPerf: 1, Logout: 1 });
    const host = (n) => r.readings.find((x) => x.id === `host/vc1/DC0_C0_H${n}`);

    // what the launcher was told, element by element: storage always, sensors with a unit
    assert.deepEqual(host(0).metrics.hardware, [
      { type: 'storage', name: 'Disk 3 on controller 0', status: 'red', reading: null, unit: null, summary: 'Predictive failure' },
      { type: 'storage', name: 'Disk 2 on controller 0', status: 'green', reading: null, unit: null },
      { type: 'storage', name: 'Controller 0 (PERC H755)', status: 'green', reading: null, unit: null },
      { type: 'storage', name: 'Virtual disk 0 (RAID 1)', status: 'green', reading: null, unit: null },
      { type: 'sensor', name: 'System Board 1 Inlet Temp', status: 'green', reading: 24.5, unit: '°C', sensorType: 'temperature' },
    ]);
    assert.deepEqual(
      host(2).metrics.hardware.filter((e) => e.type === 'sensor').map((e) => [e.name, e.status, e.reading, e.unit]),
      [
        ['CPU1 Temp', 'yellow', 88, '°C'],
        ['Fan 1', 'green', 7800, 'RPM'],
        ['PSU1 Voltage', 'green', 12.15, 'V'],
        ['Exhaust Temp', 'green', 40, '°C'], // 104 °F
      ],
      'a green sensor without a unit is not kept',
    );
    assert.equal(host(0).metrics.health.storage, 'red');

    const devices = evaluateOnce(r.readings);
    const ps = problems(devices).filter((p) => p.id.startsWith('host/'));
    assert.deepEqual(
      ps.map((p) => [p.id, p.rule, p.severity, p.message]),
      [
        ['host/vc1/DC0_C0_H0', 'hardware', 'critical', 'Disk 3 on controller 0: red — Predictive failure'],
        ['host/vc1/DC0_C0_H2', 'hardware', 'warning', 'CPU1 Temp: yellow — 88°C'],
      ],
    );
    assert.equal(devices['host/vc1/DC0_C0_H0'].state, 'critical');
    assert.equal(devices['host/vc1/DC0_C0_H1'].state, 'ok');

    // the disk is replaced: the problem clears on the next poll
    await sim.op({ ...FAILING_DISK, storage: FAILING_DISK.storage.map((d) => ({ ...d, status: 'Green', summary: undefined })) });
    const next = evaluate({ now: new Date(), readings: (await collectVcenter(vcConfig(sim), {}, HOSTS)).readings, previous: devices, rulesOf: rulesOf() }).devices;
    assert.deepEqual(problemsOf(next['host/vc1/DC0_C0_H0']), []);
    assert.equal(next['host/vc1/DC0_C0_H0'].state, 'ok');
  });

  test('a host that reports no healthSystemRuntime has no hardware elements and no hardware problem', async () => {
    await sim.op({ op: 'host-health', host: 'DC0_C0_H2' }); // nothing given: the property is unset
    const r = await collectVcenter(vcConfig(sim), {}, HOSTS);
    const h = r.readings.find((x) => x.id === 'host/vc1/DC0_C0_H2');
    assert.deepEqual(h.metrics.hardware, []);
    assert.deepEqual(h.metrics.health, { overall: null, storage: null });
    assert.deepEqual(problemsOf(evaluateOnce([h])[h.id]), []);
  });

  test('GPU temperature pinned at 91 °C is a gpu-temperature warning naming the GPU; utilization and memory levels only when turned on', async () => {
    // host 1 has two NVIDIA A40 with gpu.* counters; the second runs hot and busy
    await sim.op({ op: 'gpu-perf', host: 'DC0_C0_H1', gpu: 1, temperature: 91, util: 9720, memUsage: 9650 });
    await sim.op({ op: 'gpu-perf', host: 'DC0_C0_H1', gpu: 0, temperature: 60, util: 1000, memUsage: 2000 });
    try {
      const r = await collectVcenter(vcConfig(sim), {}, HOSTS);
      const h = r.readings.find((x) => x.id === 'host/vc1/DC0_C0_H1');
      assert.deepEqual(h.metrics.gpus.map((g) => [g.name, g.temperatureC, g.utilizationPercent, g.memUsedPercent]), [
        ['NVIDIA A40', 60, 10, 20],
        ['NVIDIA A40', 91, 97.2, 96.5],
      ]);
      const byDefault = problemsOf(evaluateOnce([h])[h.id]);
      assert.deepEqual(byDefault.map((p) => [p.rule, p.severity, p.message]), [['gpu-temperature', 'warning', 'NVIDIA A40 #2 temperature 91°C > 85°C']]);
      const tuned = problemsOf(
        evaluateOnce([h], {
          'gpu-temperature': { enabled: true, warning: { op: 'above', value: 85 }, critical: { op: 'above', value: 90 } },
          'gpu-utilization': { enabled: true },
          'gpu-memory': { enabled: true, critical: { op: 'above', value: 96 }, warning: null },
        })[h.id],
      );
      assert.deepEqual(tuned.map((p) => [p.rule, p.severity, p.message]), [
        ['gpu-temperature', 'critical', 'NVIDIA A40 #2 temperature 91°C > 90°C'],
        ['gpu-utilization', 'warning', 'NVIDIA A40 #2 utilization 97.2% > 95%'],
        ['gpu-memory', 'critical', 'NVIDIA A40 #2 memory 96.5% > 96%'],
      ]);
    } finally {
      await sim.op({ op: 'gpu-perf', host: 'DC0_C0_H1', gpu: 1, temperature: 46, util: 2010, memUsage: 3500 });
    }
  });

  test('CLI: status --json carries hardware per the contract, the hosts table a Hardware cell, hostile element names stay on one line', async () => {
    await sim.op(FAILING_DISK);
    await sim.op({
      op: 'host-health',
      host: 'DC0_C0_H2',
      storage: [{ name: 'Disk 7\u202e on ctl\nFAKE│ ok', status: 'Yellow', summary: 'Rebuild\r\nin progress' }],
      sensors: [{ name: 'CPU1 Temp', status: 'red', reading: 99, modifier: 0, units: 'Degrees C', type: 'temperature' }],
    });
    const dir = mkdtempSync(join(tmpdir(), 'simplemon-vc-hw-'));
    try {
      const file = join(dir, 'monitor.config.yaml');
      writeFileSync(file, `state-file: ${dir}/state.json\nvcenters:\n  - name: vc1\n    url: ${sim.url}\n    username: ${sim.user}\n    password: ${sim.pass}\n    ca-file: ${sim.caFile}\n`);
      const poll = await cli(['poll', 'hosts', '--config', file]);
      assert.equal(poll.code, 0, poll.stderr);
      const st = await cli(['status', '--json', '--config', file]);
      const dev = Object.fromEntries(JSON.parse(st.stdout).devices.map((d) => [d.id, d]));
      const h0 = dev['host/vc1/DC0_C0_H0'];
      assert.deepEqual(h0.problems, [{ rule: 'hardware', severity: 'critical', message: 'Disk 3 on controller 0: red — Predictive failure' }]);
      for (const e of h0.metrics.hardware) assert.deepEqual(Object.keys(e).slice(0, 5), ['type', 'name', 'status', 'reading', 'unit']);
      const h2 = dev['host/vc1/DC0_C0_H2'];
      assert.equal(h2.metrics.hardware[0].name, 'Disk 7\u202e on ctl\nFAKE│ ok', 'JSON keeps the text, escaped by JSON');
      assert.deepEqual(h2.problems.map((p) => p.rule), ['hardware']);
      assert.match(h2.problems[0].message, /^CPU1 Temp: red — 99°C; Disk 7/);

      const table = await cli(['status', 'hosts', '--config', file]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /│ Hardware\s+│/);
      assert.match(table.stdout, /│ DC0_C0_H0\s+│ critical.*│ 1 red\s+│/);
      assert.match(table.stdout, /│ DC0_C0_H1\s+│ ok.*│ ok\s+│/);
      assert.match(table.stdout, /│ DC0_C0_H2\s+│ critical.*│ 1 red, 1 yellow\s+│/);
      assert.ok(!table.stdout.includes('\u202e') && !table.stdout.includes('ctl\nFAKE') && !table.stdout.includes('\r'), 'no raw bidi override or line break from the device');
      assert.match(table.stdout, /Disk 7\\u202e on ctl\\x0aFAKE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

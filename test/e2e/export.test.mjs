// `simplemon export --format openmetrics` through the built CLI, on a state file written by the test with
// printers and a vCenter inventory (host with GPUs, VM with disks, datastore), checked by promtool.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, statSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.mjs';

const HAVE_PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
let dir;
let config;
const checkedAt = new Date(Date.now() - 60_000).toISOString();

function device(id, state, metrics, problem) {
  const [kind, ...rest] = id.split('/');
  const since = checkedAt;
  return {
    id, kind, name: rest[rest.length - 1], target: 'x', state, since,
    reach: { state: 'ok', since, message: null, pending: null, error: null },
    rules: problem ? { [problem[0]]: { state, since, message: problem[1], pending: null } } : {},
    blockedBy: null, lastSeen: checkedAt, lastPoll: checkedAt, metrics,
  };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-export-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'thresholds: { printer: { toner-low: { warning: { below: 30 }, critical: { below: 10 } } } }',
      'printers:',
      '  - { name: office-1, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: public } }',
      'vcenters:',
      '  - { name: vc1, url: "https://127.0.0.1:9/sdk", username: u, password: p }',
      '',
    ].join('\n'),
  );
  const supply = (index, description, type, cls, percent) => ({ index, description, type, class: cls, unit: 'percent', maxCapacity: 100, level: percent, percent });
  const devices = [
    device('printer/office-1', 'warning', {
      sysName: 'o1', sysDescr: 'HP', pageCount: 48213, printerStatus: 'idle', deviceStatus: 'running', errors: [],
      supplies: [supply('1.1', 'Black Toner\\HP 89A', 'toner', 'supplyThatIsConsumed', 25), supply('1.2', 'Waste Toner', 'wasteToner', 'receptacleThatIsFilled', 80), supply('1.3', 'Cyan', 'toner', 'supplyThatIsConsumed', null)],
    }, ['toner-low', 'black toner\\hp 89a 25% < 30%']),
    device('vcenter/vc1', 'ok', { reachable: true, version: '8.0.2', latencyMs: 42 }),
    device('host/vc1/esx-01.example.com', 'ok', {
      vcenter: 'vc1', powerState: 'poweredOn', connectionState: 'connected', inMaintenance: false, overallStatus: 'green', cpuPercent: 41.2, cpuUsageMhz: 1, cpuCapacityMhz: 2,
      memPercent: 77.5, memUsageMB: 1, memCapacityMB: 2, uptimeSeconds: 1209600, vendor: 'Dell', model: 'R750',
      gpus: [{ name: 'NVIDIA A2', vendor: 'NVIDIA', memoryMB: 16384, utilizationPercent: 37, memUsedPercent: 12.5, temperatureC: 54 }],
      network: { rxKBps: 1, txKBps: 2, droppedRx: 0, droppedTx: 0 }, health: { overall: 'green', storage: 'green' },
    }),
    device('vm/vc1/db-01', 'critical', {
      vcenter: 'vc1', powerState: 'poweredOn', host: 'esx-01.example.com', ip: null, ips: [], cpuPercent: 12, cpuUsageMhz: 1, cpuMaxMhz: 2, memPercent: null, toolsStatus: 'toolsOk',
      disks: [{ path: 'C:\\', capacityBytes: 107374182400, freeBytes: 5368709120, freePercent: 5 }, { path: '/var/lib/pg', capacityBytes: 1000, freeBytes: 500, freePercent: 50 }],
    }, ['disk-free', 'disk C:\\ free 5% < 10%']),
    // VM names come from vCenter and may hold anything
    device('vm/vc1/evil "vm"\\\n2', 'ok', { vcenter: 'vc1', powerState: 'poweredOn', host: null, ip: null, ips: [], cpuPercent: 1, cpuUsageMhz: 1, cpuMaxMhz: 2, memPercent: 2, toolsStatus: null, disks: [] }),
    device('datastore/vc1/ds-01', 'ok', { vcenter: 'vc1', capacityBytes: 4398046511104, freeBytes: 2199023255552, freePercent: 50, accessible: true }),
  ];
  writeFileSync(
    join(dir, 'state.json'),
    JSON.stringify({ schemaVersion: 1, checkedAt, devices: Object.fromEntries(devices.map((d) => [d.id, d])), events: [], overrides: {}, acks: {}, notify: { notified: {}, outbox: [], history: [], seq: 0 }, sources: {} }),
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('export --output writes the file atomically, world-readable for node_exporter, no temp file left', async () => {
  const out = join(dir, 'textfile', 'simplemon.prom');
  const r = await cli(['export', '--format', 'openmetrics', '--output', out, '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(statSync(out).mode & 0o777, 0o644);
  assert.equal(statSync(join(dir, 'textfile')).mode & 0o777, 0o755, 'a folder it makes is readable by node_exporter');
  assert.deepEqual(readdirSync(join(dir, 'textfile')), ['simplemon.prom']);
  const text = readFileSync(out, 'utf8');
  const stdout = await cli(['export', '--config', config]);
  assert.equal(stdout.stdout, text, 'the same text on stdout');
  if (HAVE_PROMTOOL) {
    const p = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
    assert.equal(p.stdout + p.stderr, '', text);
    assert.equal(p.status, 0);
  }
  // every kind's numbers from today's metric shapes, in base units
  for (const line of [
    'simplemon_printer_supply_percent{device="printer/office-1",kind="printer",name="office-1",supply="black toner\\\\hp 89a"} 25',
    'simplemon_printer_page_count_total{device="printer/office-1",kind="printer",name="office-1"} 48213',
    'simplemon_host_cpu_percent{device="host/vc1/esx-01.example.com",kind="host",name="esx-01.example.com"} 41.2',
    'simplemon_host_gpu_temperature_celsius{device="host/vc1/esx-01.example.com",kind="host",name="esx-01.example.com",gpu="NVIDIA A2"} 54',
    'simplemon_host_uptime_seconds{device="host/vc1/esx-01.example.com",kind="host",name="esx-01.example.com"} 1209600',
    'simplemon_vm_disk_free_percent{device="vm/vc1/db-01",kind="vm",name="db-01",disk="C:\\\\"} 5',
    'simplemon_vm_disk_free_bytes{device="vm/vc1/db-01",kind="vm",name="db-01",disk="C:\\\\"} 5368709120',
    'simplemon_datastore_free_percent{device="datastore/vc1/ds-01",kind="datastore",name="ds-01"} 50',
    'simplemon_vcenter_latency_seconds{device="vcenter/vc1",kind="vcenter",name="vc1"} 0.042',
    'simplemon_device_state{device="vm/vc1/db-01",kind="vm",name="db-01"} 2',
    'simplemon_vm_cpu_percent{device="vm/vc1/evil \\"vm\\"\\\\\\n2",kind="vm",name="evil \\"vm\\"\\\\\\n2"} 1',
    `simplemon_last_poll_timestamp_seconds ${Date.parse(checkedAt) / 1000}`,
  ]) {
    assert.ok(text.includes(`${line}\n`), `missing: ${line}\n${text}`);
  }
  assert.ok(!/supply="cyan"/.test(text), 'a null level is left out');
  assert.ok(!/simplemon_vm_memory_percent\{device="vm\/vc1\/db-01"/.test(text), "null memory left out");
});

test('check uses the config thresholds in perfdata (warning 30:, critical 10:) and the fallback numbers of every kind', async () => {
  const r = await cli(['check', 'printer/office-1', '--config', config]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^SIMPLEMON WARNING - printer\/office-1: black toner\\hp 89a 25% < 30% \| 'black_toner_hp_89a'=25%;30:;10:;0;100 'waste_toner'=80%;10:;5:;0;100 'cyan'=U;30:;10:;0;100 'pages'=48213c;;;0\n$/);
  const vm = await cli(['check', 'vm/vc1/db-01', '--config', config]);
  assert.equal(vm.code, 2);
  assert.match(vm.stdout, /\| 'cpu'=12%;;80;0;100 'memory'=U;;;0;100 'disk_c'=5%;;10:;0;100 'disk_c_free_bytes'=5368709120B;;;0;107374182400 'disk_var_lib_pg'=50%;;10:;0;100 'disk_var_lib_pg_free_bytes'=500B;;;0;1000\n$/);
  const vc = await cli(['check', 'vc1', '--config', config]);
  assert.match(vc.stdout, /^SIMPLEMON OK - vcenter\/vc1: ok \| 'latency'=0.042s;;;0\n$/);
});

test('export: an unknown format is a usage error (2); a bad config is a config error (2)', async () => {
  assert.equal((await cli(['export', '--format', 'json', '--config', config])).code, 2);
  assert.equal((await cli(['export', '--config', join(dir, 'nope.yaml')])).code, 2);
});

// The Prometheus export against a real parser and linter: Debian's promtool (`check metrics`), plus the
// values and labels one by one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renderOpenMetrics, escapeLabelValue, familyOf } from '../../dist/render/openmetrics.js';
import { NOW, POLLED, printer, host, vm, supply, numbersOf } from '../helpers/views.mjs';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const HAVE_PROMTOOL = promtool.status === 0 ? false : 'promtool is not installed (Debian package prometheus)';

const views = [
  printer('office-1', {
    state: 'critical',
    problems: [{ rule: 'toner-low', severity: 'critical', message: 'black toner 12% < 20%' }],
    supplies: [
      supply('1.1', 'Black Toner Cartridge HP 89A', 12),
      supply('1.2', 'Cyan Toner', 55),
      supply('1.3', 'Magenta Toner', null),
      supply('1.4', 'Waste Toner Box', 80, 'wasteToner', 'receptacleThatIsFilled'),
      supply('1.5', 'Fuser Kit', 91, 'fuser'),
    ],
  }),
  printer('evil', {
    name: 'say "hi"\\ to\nall', // hostile sysName-like device name
    supplies: [supply('1.1', 'Toner "K"\\\nblack', 50), supply('1.2', 'Toner "K"\\\nblack', 40)],
  }),
  printer('never', { state: 'unknown', lastSeen: null, supplies: [], pageCount: null }),
  host('vc1', 'esx1.example.org', {
    gpus: [
      { name: 'NVIDIA A2', vendor: 'NVIDIA', memoryMB: 16384, utilizationPercent: 37, memUsedPercent: 10, temperatureC: 54 },
      { name: 'NVIDIA A2 #2', vendor: 'NVIDIA', memoryMB: 16384, utilizationPercent: null, memUsedPercent: null, temperatureC: null, reason: 'no gpu.* counters' },
    ],
  }),
  vm('vc1', 'db-01', {
    state: 'warning',
    disks: [
      { path: 'C:\\', capacityBytes: 107374182400, freeBytes: 8589934592, freePercent: 8 },
      { path: '/var/lib/postgresql', capacityBytes: 536870912000, freeBytes: 268435456000, freePercent: 50 },
    ],
  }),
];
const opts = { numbersOf, checkedAt: POLLED, pollDurationSeconds: 2.37, outbox: { pending: 1, failed: 0 } };
const text = renderOpenMetrics(views, opts);

/** Every sample as { name, labels, value }, parsed the way the format defines it. */
function samples(t) {
  const out = [];
  for (const line of t.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `sample line: ${line}`);
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    let l;
    while ((l = re.exec(m[3] ?? ''))) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

test('promtool check metrics accepts the export: exit 0 and no lint output at all', { skip: HAVE_PROMTOOL }, () => {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.stdout + r.stderr, '', `promtool said:\n${r.stdout}${r.stderr}\n--- text ---\n${text}`);
  assert.equal(r.status, 0);
});

test('promtool rejects a broken label escape (the check above can fail)', { skip: HAVE_PROMTOOL }, () => {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: 'x{a="b\nc"} 1\n', encoding: 'utf8', timeout: 20_000 });
  assert.notEqual(r.status, 0);
});

test('one HELP and TYPE per family, each before its samples; families in name order', () => {
  const lines = text.split('\n');
  const helps = lines.filter((l) => l.startsWith('# HELP ')).map((l) => l.split(' ')[2]);
  assert.equal(new Set(helps).size, helps.length);
  assert.deepEqual(helps, [...helps].sort());
  for (const s of samples(text)) assert.ok(helps.includes(s.name), `${s.name} has HELP`);
  assert.ok(helps.includes('simplemon_printer_supply_percent'));
  assert.ok(helps.includes('simplemon_printer_page_count_total'), 'a counter gets _total');
  assert.match(text, /# TYPE simplemon_printer_page_count_total counter\n/);
  assert.match(text, /# TYPE simplemon_host_gpu_temperature_celsius gauge\n/);
  assert.match(text, /# TYPE simplemon_vm_disk_free_bytes gauge\n/);
});

test('values and labels: device, kind, name and the number own labels; null values left out', () => {
  const all = samples(text);
  const find = (name, pred = () => true) => all.filter((s) => s.name === name && pred(s.labels));
  const black = find('simplemon_printer_supply_percent', (l) => l.device === 'printer/office-1' && l.supply === 'black toner cartridge hp 89a');
  assert.deepEqual(black, [{ name: 'simplemon_printer_supply_percent', labels: { device: 'printer/office-1', kind: 'printer', name: 'office-1', supply: 'black toner cartridge hp 89a' }, value: 12 }]);
  assert.equal(find('simplemon_printer_supply_percent', (l) => l.supply === 'magenta toner').length, 0, 'level unknown: no sample');
  assert.equal(find('simplemon_printer_supply_percent', (l) => l.device === 'printer/office-1').length, 4);
  assert.deepEqual(find('simplemon_printer_page_count_total').map((s) => [s.labels.device, s.value]), [['printer/office-1', 48213], ['printer/evil', 48213]]);
  assert.deepEqual(find('simplemon_host_gpu_utilization_percent').map((s) => [s.labels.gpu, s.value]), [['NVIDIA A2', 37]]);
  assert.deepEqual(find('simplemon_vm_disk_free_percent').map((s) => [s.labels.disk, s.value]), [['C:\\', 8], ['/var/lib/postgresql', 50]]);
  assert.deepEqual(find('simplemon_vm_disk_free_bytes').map((s) => s.value), [8589934592, 268435456000]);
  assert.deepEqual(
    find('simplemon_device_state').map((s) => [s.labels.device, s.value]),
    [['printer/office-1', 2], ['printer/evil', 0], ['printer/never', 3], ['host/vc1/esx1.example.org', 0], ['vm/vc1/db-01', 1]],
  );
  assert.deepEqual(find('simplemon_last_poll_timestamp_seconds').map((s) => s.value), [Date.parse(POLLED) / 1000]);
  assert.deepEqual(find('simplemon_poll_duration_seconds').map((s) => s.value), [2.37]);
  assert.deepEqual(find('simplemon_outbox_pending').map((s) => s.value), [1]);
  assert.deepEqual(find('simplemon_outbox_failed').map((s) => s.value), [0]);
});

test('hostile names: quotes, backslashes and newlines escaped in label values, round-trip intact; duplicates told apart by key', () => {
  const evil = samples(text).filter((s) => s.labels.device === 'printer/evil' && s.name === 'simplemon_printer_supply_percent');
  assert.equal(evil.length, 2);
  for (const s of evil) {
    assert.equal(s.labels.name, 'say "hi"\\ to\nall');
    assert.equal(s.labels.supply, 'toner "k"\\\nblack');
  }
  assert.notEqual(evil[0].labels.key, evil[1].labels.key, 'same labels twice: key keeps the series apart');
  assert.ok(text.includes('name="say \\"hi\\"\\\\ to\\nall"'));
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  // a CR or an ESC would reach a terminal raw from `export` or a cat of the file: made visible (issue 10)
  assert.equal(escapeLabelValue('black\r\x1b[2J toner'), 'black\\\\x0d\\\\x1b[2J toner');
  for (const line of text.split('\n')) assert.ok(!line.includes('\r'));
});

test('family names: base units, no reserved suffix on gauges, no camelCase', () => {
  assert.deepEqual(familyOf('printer', { name: 'page_count', unit: 'c' }), { name: 'simplemon_printer_page_count_total', type: 'counter' });
  assert.deepEqual(familyOf('service', { name: 'jobs_count', unit: '' }), { name: 'simplemon_service_jobs', type: 'gauge' });
  assert.deepEqual(familyOf('service', { name: 'latency', unit: 's' }), { name: 'simplemon_service_latency_seconds', type: 'gauge' });
  assert.deepEqual(familyOf('host', { name: 'cpu_percent', unit: '%' }), { name: 'simplemon_host_cpu_percent', type: 'gauge' });
  assert.deepEqual(familyOf('host', { name: 'memUsed', unit: 'B' }), { name: 'simplemon_host_mem_used_bytes', type: 'gauge' });
});

test('deterministic: the same views give the same text; no state gives no timestamp', () => {
  assert.equal(renderOpenMetrics(views, opts), text);
  const empty = renderOpenMetrics([], { ...opts, checkedAt: null, pollDurationSeconds: null });
  assert.equal(
    empty,
    [
      '# HELP simplemon_outbox_failed Alert emails refused for good by the mail server.',
      '# TYPE simplemon_outbox_failed gauge',
      'simplemon_outbox_failed 0',
      '# HELP simplemon_outbox_pending Alert emails owed and not yet accepted by the mail server.',
      '# TYPE simplemon_outbox_pending gauge',
      'simplemon_outbox_pending 1',
      '',
    ].join('\n'),
  );
  void NOW;
});

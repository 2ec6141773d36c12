// The state file at scale (issue 13 item 3): realistic states of 1,000, 10,000 and 50,000 devices —
// mostly VMs with the metrics the vCenter source stores, hosts with their hardware sensors, datastores,
// printers with supplies, services — with the event log full, the notifier's history, forecasts and the
// vCenter source's memory. For each: the file size, load (readAppState: read, parse, migrate, check)
// and save (the store's save: encode, stringify, atomic write with fsync, rename, folder fsync), medians
// of interleaved runs, each beside the floor measured in the same run on the same data:
// JSON.parse(readFileSync(file)) and writeFileSync(JSON.stringify(data)) + fsync. The state file holds
// what alerting needs; the devices' last readings (metrics) are in their own file beside it, measured
// too (what status reads, what a poll writes), beside the floor of all of it as one schema-1 file.
// At 10,000 devices also where the time goes, and the peak RSS of a process that opens and saves once.
// `node bench/run.mjs state` (~2 min).
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './startup.mjs';
import { row } from './table.mjs';
import { mulberry32 } from '../test/helpers/mulberry32.mjs';

// ------------------------------------------------------------------------------------------------
// a realistic state, as the app holds it in memory (the in-memory shape, whatever the file's shape)


const round1 = (n) => Math.round(n * 10) / 10;
const pct = (part, whole) => (part === null || whole === null || whole <= 0 ? null : round1((part / whole) * 100));
const pad = (n, w = 5) => String(n).padStart(w, '0');
const iso = (ms) => new Date(ms).toISOString();
const GB = 2 ** 30;

/**
 * A state of `n` devices after four days of five-minute polls. The shapes follow what the code writes
 * (src/core/evaluate.ts for devices, src/sources/* /map.ts and collect.ts for metrics, the notifier for
 * `notify`); the mix: ~90 % VMs, 4 % hosts, 1 % datastores, 3 % printers, 2 % services, a vCenter per 5,000.
 */
export function makeState(n, seed = 13) {
  const r = mulberry32(seed + n);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const chance = (p) => r() < p;
  const FIRST = Date.parse('2026-11-20T08:00:03.117Z');
  const POLL = 300_000;
  const polls = 4 * 288;
  const at = (k) => iso(FIRST + k * POLL + 117); // the k-th poll's time
  const checkedAt = at(polls - 1);
  const pollAgo = () => at(Math.floor(r() * (polls - 1)));

  const nVc = Math.max(1, Math.round(n / 5000));
  const nHosts = Math.round(n * 0.04);
  const nDs = Math.max(1, Math.round(n * 0.01));
  const nPrinters = Math.round(n * 0.03);
  const nServices = Math.round(n * 0.02);
  const nVms = n - nVc - nHosts - nDs - nPrinters - nServices;

  const devices = {};
  const events = [];
  const notified = {};
  const forecastDevices = {};
  const vcMemory = {};
  const ok = (since) => ({ state: 'ok', since, message: null, pending: null });

  /** A device as stepDevice leaves it: polled now, read now unless `unread`; its rules `ok` unless changed. */
  function device(id, kind, name, target, rules, metrics, opts = {}) {
    const since = opts.since ?? at(0);
    const d = {
      id,
      kind,
      name,
      target,
      state: 'ok',
      since,
      reach: { ...ok(at(0)), error: null },
      rules: Object.fromEntries(rules.map((x) => [x, ok(at(0))])),
      blockedBy: null,
      lastSeen: checkedAt,
      lastPoll: checkedAt,
      metrics,
    };
    devices[id] = d;
    return d;
  }
  /** A rule that went bad at some poll (and the device with it), or is on its way (pending). */
  function trouble(d, rule, severity, message, pending = false) {
    if (pending) {
      d.rules[rule].pending = { state: severity, count: 1, message };
      return;
    }
    const t = pollAgo();
    d.rules[rule] = { state: severity, since: t, message, pending: null };
    d.state = severity;
    d.since = t;
    events.push({ at: t, type: 'transition', device: d.id, from: 'ok', to: severity, message });
    notified[d.id] = { state: severity, at: t, since: t, messageIds: [`<simplemon.${t.replace(/[-:]/g, '').slice(0, 15)}Z.${events.length}.4cff56a3@monitor.example.com>`], sent: true };
  }
  /** Once bad, now ok again: the rule and the device have a later `since` than their first poll. */
  function recovered(d, rule) {
    const t = pollAgo();
    d.rules[rule].since = t;
    d.since = t;
  }
  function unreachable(d, error, sinceAgo = true) {
    const t = sinceAgo ? pollAgo() : checkedAt;
    d.reach = { state: 'critical', since: t, message: error, pending: null, error };
    d.state = 'unknown';
    d.since = t;
    d.lastSeen = t;
    events.push({ at: t, type: 'transition', device: d.id, from: 'ok', to: 'unknown', message: error });
    notified[d.id] = { state: 'unknown', at: t, since: t, messageIds: [`<simplemon.${t.replace(/[-:]/g, '').slice(0, 15)}Z.${events.length}.2faf4fb8@monitor.example.com>`], sent: true };
  }

  // vCenters, hosts, datastores, VMs
  const vcs = Array.from({ length: nVc }, (_, i) => `vc${i + 1}`);
  for (const vc of vcs) {
    device(`vcenter/${vc}`, 'vcenter', vc, `${vc}.example.com:443`, [], { reachable: true, version: '8.0.2', latencyMs: 20 + Math.floor(r() * 40) });
    vcMemory[vc] = {
      content: {
        rootFolder: { attributes: { type: 'Folder' }, $value: 'group-d1' },
        propertyCollector: { attributes: { type: 'PropertyCollector' }, $value: 'propertyCollector' },
        viewManager: { attributes: { type: 'ViewManager' }, $value: 'ViewManager' },
        sessionManager: { attributes: { type: 'SessionManager' }, $value: 'SessionManager' },
        perfManager: { attributes: { type: 'PerformanceManager' }, $value: 'PerfMgr' },
        version: '8.0.2',
        apiVersion: '8.0.2.0',
        fetchedAt: FIRST,
      },
      cookie: 'vmware_soap_session="52b2b6c8-1f7f-5a7c-3a2e-9f1d2c3b4a59"',
      url: `https://${vc}.example.com/sdk`,
      username: 'monitor@vsphere.local',
      ids: {},
      devices: [],
    };
  }
  const vcOf = (i) => vcs[i % nVc];
  const hostNames = [];
  const downHosts = new Set();
  for (let i = 0; i < nHosts; i++) {
    const vc = vcOf(i);
    const name = `esx-${pad(i, 3)}.dc1.example.com`;
    hostNames.push([vc, name]);
    const id = `host/${vc}/${name}`;
    const cores = pick([32, 48, 64]);
    const mhz = 2600;
    const memMB = pick([524288, 786432, 1048576]);
    const cpu = Math.floor(r() * cores * mhz * 0.7);
    const mem = Math.floor(r() * memMB * 0.85);
    const hardware = [];
    for (let k = 0; k < 8; k++) hardware.push({ type: 'storage', name: `Disk ${k} on RAID Controller in Slot 1`, status: 'green', reading: null, unit: null });
    for (let k = 0; k < 10; k++) hardware.push({ type: 'sensor', name: `System Board 1 Temp ${k + 1}`, status: 'green', reading: 20 + Math.floor(r() * 40), unit: '°C', sensorType: 'temperature' });
    for (let k = 0; k < 6; k++) hardware.push({ type: 'sensor', name: `System Board 1 Fan${k + 1} RPM`, status: 'green', reading: 3000 + Math.floor(r() * 4000), unit: 'RPM', sensorType: 'fan' });
    for (let k = 0; k < 4; k++) hardware.push({ type: 'sensor', name: `Power Supply ${(k % 2) + 1} Voltage ${k + 1}`, status: 'green', reading: pick([12.1, 3.3, 230]), unit: 'V', sensorType: 'voltage' });
    const gpus = chance(0.1)
      ? [0, 1].map(() => ({ name: 'NVIDIA A40', vendor: 'NVIDIA Corporation', memoryMB: 46068, utilizationPercent: round1(r() * 100), memUsedPercent: round1(r() * 100), temperatureC: 40 + Math.floor(r() * 40) }))
      : [];
    const d = device(id, 'host', name, name, ['power', 'cpu', 'memory', 'health', 'hardware', 'gpu-temperature'], {
      vcenter: vc,
      powerState: 'poweredOn',
      connectionState: 'connected',
      inMaintenance: false,
      overallStatus: 'green',
      cpuPercent: pct(cpu, cores * mhz),
      cpuUsageMhz: cpu,
      cpuCapacityMhz: cores * mhz,
      memPercent: pct(mem, memMB),
      memUsageMB: mem,
      memCapacityMB: memMB,
      uptimeSeconds: 86400 * (10 + Math.floor(r() * 300)),
      vendor: 'Dell Inc.',
      model: 'PowerEdge R750',
      gpus,
      network: { rxKBps: Math.floor(r() * 50000), txKBps: Math.floor(r() * 50000), droppedRx: 0, droppedTx: Math.floor(r() * 3) },
      health: { overall: 'green', storage: 'green' },
      hardware,
    });
    vcMemory[vc].ids[`host-${1000 + i}`] = id;
    if (i > 0 && i % 97 === 0) {
      // a host that went down: its VMs are blocked by it
      downHosts.add(name);
      d.metrics.powerState = 'poweredOff';
      d.metrics.connectionState = 'notResponding';
      trouble(d, 'power', 'critical', 'host powered off, not responding');
    } else if (chance(0.03)) trouble(d, 'cpu', 'critical', `CPU ${d.metrics.cpuPercent}% > 80%`);
    else if (chance(0.03)) recovered(d, 'memory');
  }
  for (let i = 0; i < nDs; i++) {
    const vc = vcOf(i);
    const name = `ds-${pad(i, 4)}`;
    const cap = pick([2, 4, 8, 16]) * 1024 * GB;
    const free = Math.floor(cap * (0.05 + r() * 0.6));
    const d = device(`datastore/${vc}/${name}`, 'datastore', name, `${vc}.example.com:443`, ['free', 'accessible'], { vcenter: vc, capacityBytes: cap, freeBytes: free, freePercent: pct(free, cap), accessible: true });
    vcMemory[vc].ids[`datastore-${2000 + i}`] = d.id;
    if (d.metrics.freePercent < 10) trouble(d, 'free', 'critical', `free ${d.metrics.freePercent}% < 10%`);
    // a forecast only where the history shows a real fall (src/app/forecasts.ts keeps no blank ones)
    if (chance(0.5)) forecastDevices[d.id] = { free: { daysLeft: round1(20 + r() * 300), ratePerDay: Math.round(r() * 50) / 100, replacedAt: null } };
  }
  const LINUX_DISKS = ['/', '/boot', '/var', '/var/lib/data', '/home'];
  const WINDOWS_DISKS = ['C:\\', 'D:\\', 'E:\\'];
  for (let i = 0; i < nVms; i++) {
    const vc = vcOf(i);
    const [, host] = hostNames.length ? hostNames[i % hostNames.length] : [vc, null];
    const name = `${pick(['app', 'web', 'db', 'build', 'file', 'mail', 'citrix', 'k8s-node'])}-${pad(i)}`;
    const id = `vm/${vc}/${name}`;
    const power = chance(0.94) ? 'poweredOn' : chance(0.85) ? 'poweredOff' : 'suspended';
    const on = power === 'poweredOn';
    const tools = on ? (chance(0.9) ? 'toolsOk' : chance(0.5) ? 'toolsOld' : 'toolsNotRunning') : 'toolsNotRunning';
    const guest = on && tools !== 'toolsNotRunning';
    const ip = guest ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : null;
    const ips = ip ? [ip, ...(chance(0.2) ? [`192.168.${(i >> 8) & 255}.${i & 255}`] : []), ...(chance(0.6) ? [`fe80::250:56ff:fe${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}01`] : [])] : [];
    const max = pick([1, 2, 4, 8]) * 2600;
    const usage = on ? Math.floor(r() * max * 0.6) : 0;
    const memMB = pick([2048, 4096, 8192, 16384]);
    const guestMem = on ? Math.floor(r() * memMB * 0.8) : 0;
    const windows = chance(0.3);
    const disks = guest
      ? (windows ? WINDOWS_DISKS.slice(0, 1 + Math.floor(r() * 2)) : LINUX_DISKS.slice(0, 1 + Math.floor(r() * 3))).map((path) => {
          const cap = pick([1, 20, 40, 50, 100, 200, 500]) * GB;
          const free = Math.floor(cap * (0.08 + r() * 0.8));
          return { path, capacityBytes: cap, freeBytes: free, freePercent: pct(free, cap) };
        })
      : [];
    const d = device(id, 'vm', name, ip ?? '', ['cpu', 'disk-free'], {
      vcenter: vc,
      powerState: power,
      host,
      ip,
      ips,
      cpuPercent: pct(usage, max),
      cpuUsageMhz: usage,
      cpuMaxMhz: max,
      memPercent: pct(guestMem, memMB),
      disks,
      toolsStatus: tools,
    });
    vcMemory[vc].ids[`vm-${10000 + i}`] = id;
    if (host && downHosts.has(host)) {
      d.blockedBy = `host/${vc}/${host}`;
      d.state = 'unknown';
      d.since = pollAgo();
      d.lastSeen = d.since;
    } else if (chance(0.01)) {
      d.metrics.cpuPercent = round1(81 + r() * 18);
      trouble(d, 'cpu', 'critical', `CPU ${d.metrics.cpuPercent}% > 80%`);
    } else if (disks.length && chance(0.007)) trouble(d, 'disk-free', 'critical', `disk ${disks[0].path} free ${disks[0].freePercent}% < 10%`);
    else if (chance(0.005)) trouble(d, 'cpu', 'critical', 'CPU 88.1% > 80%', true);
    else if (chance(0.03)) recovered(d, 'cpu');
    const falling = disks.filter(() => chance(0.4));
    if (falling.length) {
      forecastDevices[id] = Object.fromEntries(
        falling.map((x) => [`disk_${x.path.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'root'}`, { daysLeft: round1(r() * 400), ratePerDay: Math.round(r() * 30) / 100, replacedAt: null }]),
      );
    }
  }
  for (const vc of vcs) vcMemory[vc].devices = Object.values(vcMemory[vc].ids).sort();

  // printers and their supplies
  const TONERS = ['Black', 'Cyan', 'Magenta', 'Yellow'];
  for (let i = 0; i < nPrinters; i++) {
    const name = `printer-${pad(i, 4)}`;
    const colour = chance(0.6);
    const supplies = (colour ? TONERS : ['Black']).map((c, k) => {
      const level = Math.floor(r() * 100);
      return { index: `1.${k + 1}`, description: `${c} Toner Cartridge HP 415A`, type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level, percent: level };
    });
    supplies.push({ index: `1.${supplies.length + 1}`, description: 'Imaging Drum', type: 'opc', class: 'supplyThatIsConsumed', unit: 'impressions', maxCapacity: 60000, level: 30000, percent: 50 });
    if (colour) supplies.push({ index: `1.${supplies.length + 1}`, description: 'Waste Toner Box', type: 'wasteToner', class: 'receptacleThatIsFilled', unit: 'percent', maxCapacity: 100, level: 70, percent: 70 });
    const metrics = {
      sysName: name,
      sysDescr: 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24070014',
      pageCount: 10000 + Math.floor(r() * 400000),
      supplies,
      printerStatus: 'idle',
      deviceStatus: 'running',
      errors: [],
      alerts: [],
      console: ['Ready'],
    };
    if (chance(0.2)) metrics.queue = { jobs: Math.floor(r() * 3), held: 0, oldestJobAgeSeconds: null, jobsByHost: {}, stuck: false, hidden: false, pagesByHost: { 'pc-0042.example.com': 12, 'pc-0107.example.com': 3 }, error: null };
    const d = device(`printer/${name}`, 'printer', name, `10.99.${i >> 8}.${i & 255}:161`, ['toner-low', 'printer-status', 'supply-low', 'waste-full', ...(metrics.queue ? ['queue'] : [])], metrics);
    const low = supplies.find((s) => s.type === 'toner' && s.percent < 10);
    if (low) trouble(d, 'toner-low', 'critical', `${low.description.split(' ')[0].toLowerCase()} toner ${low.percent}% < 10%`);
    else if (chance(0.02)) unreachable(d, 'timeout after 2s (1 retry)');
    forecastDevices[d.id] = Object.fromEntries(
      supplies.filter((s) => s.type === 'toner').map((s) => [`${s.description.split(' ')[0].toLowerCase()}_toner`, { daysLeft: round1(r() * 120), ratePerDay: Math.round(r() * 200) / 100, replacedAt: chance(0.3) ? pollAgo() : null }]),
    );
  }

  // services
  for (let i = 0; i < nServices; i++) {
    const type = pick(['http', 'http', 'tcp', 'ping', 'dns']);
    const name = `svc-${pad(i, 4)}`;
    const target = type === 'http' ? `https://app${i}.example.com/health` : type === 'tcp' ? `db${i}.example.com:5432` : type === 'ping' ? `gw${i}.example.com` : `www${i}.example.com`;
    const lat = round1(2 + r() * 200);
    const metrics = {
      type,
      target,
      up: true,
      statusCode: type === 'http' ? 200 : null,
      latencyMs: lat,
      certDaysLeft: type === 'http' ? round1(r() * 365) : null,
      keywordFound: type === 'http' && chance(0.3) ? true : null,
      lossPercent: type === 'ping' ? 0 : null,
      rttAvgMs: type === 'ping' ? lat : null,
      rttMaxMs: type === 'ping' ? round1(lat * 1.3) : null,
      redirects: type === 'http' ? 0 : null,
      answer: type === 'dns' ? [`192.0.2.${i & 255}`] : null,
      error: null,
    };
    const rules = type === 'http' ? ['up', 'latency', 'status', 'certificate', 'keyword'] : type === 'ping' ? ['up', 'latency', 'loss'] : type === 'dns' ? ['up', 'latency', 'answer'] : ['up', 'latency'];
    const d = device(`service/${name}`, 'service', name, target, rules, metrics);
    if (chance(0.03)) trouble(d, 'latency', 'warning', `latency ${lat} ms > 1000 ms`);
  }

  // the event log is full at steady state (event-log-size 1000): oldest first
  events.sort((a, b) => a.at.localeCompare(b.at));
  while (events.length < 1000) events.unshift({ at: at(0), type: 'transition', device: pick(Object.keys(devices)), from: 'unknown', to: 'ok' });
  const log = events.slice(-1000);
  // the notifier: what was announced, the last 500 messages sent, nothing owed
  const history = Array.from({ length: 500 }, (_, k) => {
    const t = at(Math.floor((k / 500) * (polls - 1)));
    return {
      messageId: `<simplemon.${t.replace(/[-:]/g, '').slice(0, 15)}Z.${k}.4cff56a3@monitor.example.com>`,
      kind: 'alert',
      sentAt: t,
      createdAt: t,
      to: ['ops@example.com'],
      subject: `[simplemon] ${1 + (k % 4)} problems`,
      devices: Array.from({ length: 1 + (k % 4) }, () => ({ id: pick(Object.keys(devices)), state: 'critical' })),
      attempts: 1,
      response: '250 2.0.0 Ok: queued as 4Xk9m2',
    };
  });
  return {
    schemaVersion: 1,
    checkedAt,
    devices,
    events: log,
    overrides: {},
    acks: {},
    sources: { simplemon: { overrun: null }, vcenter: { vcenters: vcMemory }, printers: {} },
    notify: { notified, outbox: [], history, seq: 1200 },
    forecasts: { at: at(polls - 10), devices: forecastDevices },
  };
}

// ------------------------------------------------------------------------------------------------
// measuring: the parent generates each state and saves it through the store; a child process per size
// then loads and saves it, so that the heap holds what a command's would (not the generator's copies)

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const MB = (bytes) => bytes / 1e6;
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const size = (f) => (existsSync(f) ? statSync(f).size : 0);

/** The floor's save: one write of the whole text and an fsync, no temp file, no rename. */
function floorWrite(file, data) {
  const text = JSON.stringify(data);
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A full collection before each timed step: each starts as in a fresh command, not with the last one's garbage. */
const gc = () => globalThis.gc?.();

/** JSON.parse(readFileSync) + floorWrite of a file: { load, save } in ms. */
function floor(file, out) {
  gc();
  let c0 = process.cpuUsage();
  let t0 = process.hrtime.bigint();
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const load = ms(t0);
  const cpuLoad = process.cpuUsage(c0);
  gc();
  c0 = process.cpuUsage();
  t0 = process.hrtime.bigint();
  floorWrite(out, data);
  const save = ms(t0);
  const cpuSave = process.cpuUsage(c0);
  return { load, save, cpuLoad: (cpuLoad.user + cpuLoad.system) / 1000, cpuSave: (cpuSave.user + cpuSave.system) / 1000 };
}

/**
 * In the child: `runs` interleaved rounds on the state saved at `file` (and its readings file, when the
 * code keeps one); `whole` is the same data as one JSON file in schema 1's shape, for its floor.
 */
async function child(repoRoot, file, whole, runs) {
  const app = await import(join(repoRoot, 'dist', 'app', 'state.js'));
  // a store that holds every device's readings, as a poll's does once it has read them all anew
  const store = await app.openAppState(file, { lockTimeoutMs: 5000, command: 'bench' });
  store.loadMetrics?.();
  // the poll's open needs the lock, which `store` holds: it opens a copy of the same files
  const { readingsFile } = await import(join(repoRoot, 'dist', 'state', 'store.js'));
  const copy = `${file}.poll.json`;
  copyFileSync(file, copy);
  if (readingsFile && existsSync(readingsFile(file))) copyFileSync(readingsFile(file), readingsFile(copy));
  const keys = ['stateLoad', 'stateSave', 'pollLoad', 'pollSave', 'statusLoad', 'floorLoad', 'floorSave', 'wholeLoad', 'wholeSave'];
  const t = Object.fromEntries(keys.map((k) => [k, []]));
  let n = 0;
  const cpu = { stateLoad: [], stateSave: [], floorLoad: [], floorSave: [] };
  const cpuMs = (c0) => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const time = async (key, fn) => {
    gc();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const v = await fn();
    t[key].push(ms(t0));
    cpu[key]?.push(cpuMs(c0));
    return v;
  };
  for (let i = 0; i < runs; i++) {
    // the state alone, what alerting needs (a store that keeps no readings file reads and writes all)
    n = await time('stateLoad', async () => Object.keys((await app.readAppState(file, { metrics: false })).devices).length);
    await time('stateSave', () => store.save()); // no reading changed: the state file alone
    // a poll: open for change (the state, the readings scanned, the lock), save with every device read anew
    await time('pollLoad', async () => (await app.openAppState(copy, { lockTimeoutMs: 5000, command: 'bench' })).close());
    for (const d of Object.values(store.data.devices)) d.metrics = { ...d.metrics };
    await time('pollSave', () => store.save());
    // what status reads: the state and every reading
    await time('statusLoad', () => app.readAppState(file));
    // the floors, same data: the state file as it is, and all of it as one schema-1 file
    const f = floor(file, `${file}.floor`);
    t.floorLoad.push(f.load);
    t.floorSave.push(f.save);
    cpu.floorLoad.push(f.cpuLoad);
    cpu.floorSave.push(f.cpuSave);
    const w = floor(whole, `${whole}.floor`);
    t.wholeLoad.push(w.load);
    t.wholeSave.push(w.save);
  }
  await store.close();
  const out = Object.fromEntries(keys.map((k) => [k, median(t[k])]));
  out.cpu = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
  out.devices = n;
  return out;
}

function runChild(repoRoot, file, whole, runs) {
  const r = spawnSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname, '--child', repoRoot, file, whole, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A child that opens the state for change and saves it once (ours), or parses and writes it (floor): its peak RSS. */
function childRss(repoRoot, file, mode) {
  const script =
    mode === 'ours'
      ? `const { openAppState } = await import(${JSON.stringify(join(repoRoot, 'dist', 'app', 'state.js'))});
         const s = await openAppState(process.argv[1], { lockTimeoutMs: 5000, command: 'bench' });
         s.loadMetrics?.();
         for (const d of Object.values(s.data.devices)) d.metrics = { ...d.metrics };
         await s.save(); await s.close();`
      : `const fs = await import('node:fs');
         const d = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
         const fd = fs.openSync(process.argv[1] + '.floor', 'w'); fs.writeSync(fd, JSON.stringify(d)); fs.fsyncSync(fd); fs.closeSync(fd);`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', `${script}\nprocess.stdout.write(String(process.resourceUsage().maxRSS))`, file], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`rss child (${mode}) failed: ${out.stderr}`);
  return Number(out.stdout) / 1024;
}

export async function benchState({ repoRoot, log, sizes = (process.env.BENCH_STATE_SIZES ?? '1000,10000,50000').split(',').map(Number) }) {
  const app = await import(join(repoRoot, 'dist', 'app', 'state.js'));
  const { readingsFile } = await import(join(repoRoot, 'dist', 'state', 'store.js'));
  const root = mkdtempSync(join(tmpdir(), 'simplemon-bench-state-'));
  const lines = [
    'state (what alerting needs): load = readAppState(file, { metrics: false }); save = the store\'s save with no readings changed (encode, stringify, temp file, fsync, rename, folder fsync).',
    'readings (the devices\' last metrics and the forecasts, their own file beside the state): poll open = openAppState (lock, state, readings scanned by line, parsed on demand); poll save = the store\'s save after every device was read anew (both files); status load = readAppState(file) (state + every reading parsed).',
    'floors, same run, same data: JSON.parse(readFileSync) + a write of JSON.stringify(the parsed data) + fsync (no temp file, no rename), of the state file, and of all of it as one schema-1 file.',
    `each a median of interleaved rounds in one child process per size (its heap holds what a command's would).`,
    '',
    '| devices | state file | readings file | state load | state save | state load + save | its floor | ratio | poll open | poll save (both files) | status load | schema-1 file | its floor (load + save) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const table = [];
  try {
    for (const n of sizes) {
      log(`state: generating ${n.toLocaleString('en')} devices`);
      let state = makeState(n);
      const file = join(root, `state-${n}.json`);
      const whole = join(root, `whole-${n}.json`);
      writeFileSync(whole, JSON.stringify(state) + '\n');
      const store = await app.openAppState(file, { lockTimeoutMs: 5000, command: 'bench' });
      store.data = state;
      await store.save();
      await store.close();
      state = null;
      const rfile = readingsFile ? readingsFile(file) : null;
      const stateBytes = size(file);
      const readingsBytes = rfile ? size(rfile) : 0;
      const runs = n >= 50_000 ? 5 : 9;
      log(`state: ${n.toLocaleString('en')} devices, ${runs} rounds in a child`);
      const m = runChild(repoRoot, file, whole, runs);
      if (m.devices !== n) throw new Error(`loaded ${m.devices} devices, saved ${n}`);
      const sum = m.stateLoad + m.stateSave;
      const fSum = m.floorLoad + m.floorSave;
      lines.push(
        `| ${n.toLocaleString('en')} | ${fmt(MB(stateBytes))} MB (${Math.round(stateBytes / n)} B/device) | ${readingsBytes ? `${fmt(MB(readingsBytes))} MB` : '–'} | ${fmt(m.stateLoad)} ms | ${fmt(m.stateSave)} ms | ${fmt(sum)} ms | ${fmt(fSum)} ms | ${(sum / fSum).toFixed(2)}× | ${fmt(m.pollLoad)} ms | ${fmt(m.pollSave)} ms | ${fmt(m.statusLoad)} ms | ${fmt(MB(size(whole)))} MB | ${fmt(m.wholeLoad + m.wholeSave)} ms |`,
      );
      if (n === 10_000) {
        log('state: where the time goes');
        const steps = JSON.parse(spawnSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname, '--breakdown', repoRoot, file], { encoding: 'utf8' }).stdout || '{}');
        lines.push('', `CPU time (user + system, less bent by other processes than wall time) at 10,000 devices: state load + save ${fmt(m.cpu.stateLoad + m.cpu.stateSave)} ms (load ${fmt(m.cpu.stateLoad)}, save ${fmt(m.cpu.stateSave)}), its floor ${fmt(m.cpu.floorLoad + m.cpu.floorSave)} ms; load average ${loadavg()[0].toFixed(1)}`);
        lines.push('', `where the time goes at 10,000 devices (each step alone, median of 9): ${Object.entries(steps).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}`);
        log('state: peak RSS of one poll-like open + save in a child, and of the floor');
        const rss = median([0, 1, 2].map(() => childRss(repoRoot, file, 'ours')));
        const rssRef = median([0, 1, 2].map(() => childRss(repoRoot, whole, 'floor')));
        const rssStateRef = median([0, 1, 2].map(() => childRss(repoRoot, file, 'floor')));
        table.push(row({ work: `state load + save, 10,000 devices (${fmt(MB(stateBytes))} MB)`, ours: { ms: sum, rssMB: rss }, refName: 'JSON.parse + writeFileSync floor', ref: { ms: fSum, rssMB: rssStateRef }, target: { ms: 100 } }));
        if (readingsBytes) {
          table.push(row({ work: `a poll's state + readings: open for change + save, every device read anew, 10,000 devices (${fmt(MB(stateBytes + readingsBytes))} MB)`, ours: { ms: m.pollLoad + m.pollSave, rssMB: rss }, refName: `floor of the same data as one schema-1 file (${fmt(MB(size(whole)))} MB)`, ref: { ms: m.wholeLoad + m.wholeSave, rssMB: rssRef } }));
        }
        lines.push(`peak RSS of a process that opens the 10,000-device state for change and saves it with every reading new: ${rss.toFixed(0)} MB (the schema-1 floor's: ${rssRef.toFixed(0)} MB; bare node ~45 MB)`, '');
      }
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root, { recursive: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  lines.table = table;
  return lines;
}

/** In a child: each step of a load and a save on its own, median of 9, at one size. */
async function breakdown(repoRoot, file) {
  const { STATE_SECTIONS } = await import(join(repoRoot, 'dist', 'app', 'state.js'));
  const mig = await import(join(repoRoot, 'dist', 'state', 'migrate.js'));
  const codec = await import(join(repoRoot, 'dist', 'state', 'codec.js')).catch(() => null);
  const { readingsFile } = await import(join(repoRoot, 'dist', 'state', 'store.js'));
  const { open, rename } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const steps = {};
  const step = async (name, fn) => {
    gc();
    const t0 = process.hrtime.bigint();
    const v = await fn();
    (steps[name] ??= []).push(ms(t0));
    return v;
  };
  const rfile = readingsFile?.(file);
  for (let i = 0; i < 9; i++) {
    const text = await step('read', () => readFile(file, 'utf8'));
    const raw = await step('parse', () => JSON.parse(text));
    let readings = null;
    let readingsForecasts;
    if (rfile && existsSync(rfile)) {
      const rtext = await step('readings read', () => readFile(rfile, 'utf8'));
      ({ devices: readings, forecasts: readingsForecasts } = await step('readings parse', () => JSON.parse(rtext)));
    }
    const { state } = await step('migrate + check + decode', () => mig.migrate(raw, STATE_SECTIONS, readings && { metricsOf: (id) => readings[id], forecasts: readingsForecasts }));
    const stored = await step('encode', () => (codec ? codec.encodeState(state) : state));
    const out = await step('stringify', () => JSON.stringify(stored) + '\n');
    if (codec) await step('readings stringify', () => JSON.stringify({ schemaVersion: 1, forecasts: state.forecasts, devices: Object.fromEntries(codec.readingsOf(state)) }));
    const tmp = `${file}.breakdown.tmp`;
    const fh = await step('write', async () => {
      const h = await open(tmp, 'w', 0o600);
      await h.writeFile(out, 'utf8');
      return h;
    });
    await step('fsync', async () => {
      await fh.sync();
      await fh.close();
    });
    await step('rename', () => rename(tmp, `${file}.breakdown`));
    await step('folder fsync', async () => {
      const dh = await open(dirname(file), 'r');
      await dh.sync();
      await dh.close();
    });
  }
  return Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, median(v)]));
}

if (process.argv[2] === '--child') {
  const [repoRoot, file, whole, runs] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await child(repoRoot, file, whole, Number(runs))));
} else if (process.argv[2] === '--breakdown') {
  const [repoRoot, file] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await breakdown(repoRoot, file)));
}

// The vCenter collector against govmomi's simulator (test/vcsim launcher), built code from dist/.
// Figures are compared with govmomi's own reading of the same objects (test/vcsim/reference).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { collectVcenter } from '../../dist/sources/vcenter/collect.js';
import { vcenterSource } from '../../dist/sources/vcenter/index.js';
import { evaluate, problemsOf } from '../../dist/core/evaluate.js';
import { resolveRule } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/sources/index.js';
import { referenceRead, startVcsim, vcConfig } from '../helpers/vcsim.mjs';
import { runPoll, viewsOf } from '../../dist/app/run-poll.js';
import { openState, readState } from '../../dist/state/store.js';
import { parseConfig } from '../../dist/config/load.js';
import { cli } from '../helpers/cli.mjs';
import { makeTestCa } from '../helpers/tls-ca.mjs';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ALL = new Set(['hosts', 'vms', 'datastores']);
const rulesOf = (r) => ({ defs: rulesFor(r.kind), settings: Object.fromEntries(rulesFor(r.kind).map((d) => [d.name, resolveRule(d)])) });

/** Poll and evaluate against a previous state, as the pipeline does. */
function step(previous, result, now = new Date()) {
  const out = evaluate({ now, readings: result.readings, previous, rulesOf });
  for (const id of result.removed ?? []) delete out.devices[id];
  return out.devices;
}
const problems = (devices) => Object.values(devices).flatMap((d) => problemsOf(d).map((p) => ({ id: d.id, ...p })));
const byId = (readings) => Object.fromEntries(readings.map((r) => [r.id, r]));

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe('vCenter collector at 20 hosts × 500 VMs', { timeout: 300_000 }, () => {
  let sim;
  before(async () => {
    sim = await startVcsim({ hosts: 20, vms: 500 });
  });
  after(async () => sim?.stop());

  test('every host, VM and datastore figure equals what govmomi reads for the same objects', async () => {
    const ref = await referenceRead(sim);
    const r = await collectVcenter(vcConfig(sim), {}, ALL);
    const got = byId(r.readings);
    assert.equal(got['vcenter/vc1'].reachable, true, got['vcenter/vc1'].error);
    assert.equal(got['vcenter/vc1'].metrics.version, ref.version);
    const hosts = r.readings.filter((x) => x.kind === 'host');
    const vms = r.readings.filter((x) => x.kind === 'vm');
    assert.equal(hosts.length, 20);
    assert.equal(vms.length, Object.keys(ref.vms).length);
    assert.equal(vms.length, 500);
    for (const [name, h] of Object.entries(ref.hosts)) {
      const m = got[`host/vc1/${name}`]?.metrics;
      assert.ok(m, `host ${name} missing`);
      for (const k of ['powerState', 'connectionState', 'inMaintenance', 'overallStatus', 'cpuUsageMhz', 'cpuCapacityMhz', 'cpuPercent', 'memUsageMB', 'memCapacityMB', 'memPercent', 'uptimeSeconds', 'vendor', 'model'])
        assert.deepEqual(m[k], h[k], `host ${name} ${k}`);
      assert.deepEqual(m.gpus.map((g) => g.name), h.gpus, `host ${name} gpus`);
      assert.deepEqual(m.network, h.network, `host ${name} network`);
      // hardware: every storage element, and the numeric sensors with a unit, as govmomi reads them
      assert.deepEqual(m.hardware.filter((e) => e.type === 'storage').map((e) => ({ name: e.name, status: e.status })), h.storage, `host ${name} storage`);
      assert.deepEqual(m.hardware.filter((e) => e.type === 'sensor').map((e) => ({ name: e.name, status: e.status, reading: e.reading })), h.sensors.map((x) => ({ name: x.name, status: x.status, reading: x.reading })), `host ${name} sensors`);
    }
    assert.ok(hosts.some((x) => x.metrics.hardware.some((e) => e.type === 'storage' && e.status === 'yellow')), 'a degraded disk among the seeds: the comparison is not vacuous');
    for (const [name, v] of Object.entries(ref.vms)) {
      const m = got[`vm/vc1/${name}`]?.metrics;
      assert.ok(m, `vm ${name} missing`);
      for (const k of ['powerState', 'host', 'cpuPercent', 'cpuMaxMhz', 'memPercent', 'ips', 'disks']) assert.deepEqual(m[k], v[k], `vm ${name} ${k}`);
      assert.equal(m.ip, v.ip || null, `vm ${name} ip`);
      assert.equal(m.toolsStatus, v.toolsStatus || null, `vm ${name} toolsStatus`);
      assert.equal(m.cpuUsageMhz ?? 0, v.cpuUsageMhz, `vm ${name} cpuUsageMhz`);
    }
    for (const [name, d] of Object.entries(ref.datastores)) {
      const m = got[`datastore/vc1/${name}`]?.metrics;
      for (const k of ['capacityBytes', 'freeBytes', 'freePercent', 'accessible']) assert.deepEqual(m[k], d[k], `datastore ${name} ${k}`);
    }
    // realistic, non-zero seeds: the comparison is not vacuous
    assert.ok(vms.filter((x) => x.metrics.cpuPercent > 0 && x.metrics.ip && x.metrics.disks.length).length > 400);
    assert.ok(new Set(hosts.map((x) => x.metrics.cpuPercent)).size > 5);
  });

  test('GPUs: inventory from graphics info and display-class PCI devices; figures from gpu.* or null with the reason', async () => {
    const r = await collectVcenter(vcConfig(sim), {}, new Set(['hosts']));
    const hosts = r.readings.filter((x) => x.kind === 'host');
    const nvidia = hosts.find((h) => h.metrics.gpus.some((g) => g.utilizationPercent !== null));
    assert.ok(nvidia, 'a host with gpu.* figures');
    const g = nvidia.metrics.gpus[0];
    assert.equal(g.vendor, 'NVIDIA Corporation');
    assert.equal(g.memoryMB, 46080);
    assert.ok(g.utilizationPercent > 0 && g.temperatureC > 0 && g.memUsedPercent > 0);
    const amd = hosts.flatMap((h) => h.metrics.gpus).find((x) => /AMD/.test(x.vendor ?? ''));
    assert.ok(amd, 'a PCI-only AMD GPU');
    assert.equal(amd.memoryMB, null);
    assert.equal(amd.utilizationPercent, null);
    assert.match(amd.reason, /no gpu\.\* performance counters/);
    assert.ok(!hosts.some((h) => h.metrics.gpus.some((x) => /SVGA/.test(x.name))), 'the VMware SVGA device is not a GPU');
  });

  test('one inventory read: 6 round trips on the first poll, 5 once the service content is known; the session is logged out', async () => {
    const memory = {};
    await sim.resetStats();
    const r1 = await collectVcenter(vcConfig(sim), memory, ALL);
    let s = await sim.stats();
    assert.deepEqual(s.calls, { RetrieveServiceContent: 1, Login: 1, CreateContainerView: 1, RetrievePropertiesEx: 1, QueryPerf: 1, Logout: 1 });
    assert.equal(r1.stats.roundTrips, 6);
    assert.equal(s.sessions, 0);
    await sim.resetStats();
    const r2 = await collectVcenter(vcConfig(sim), memory, ALL);
    s = await sim.stats();
    assert.equal(s.total, 5);
    assert.equal(r2.stats.roundTrips, 5);
    assert.equal(s.logins, 1);
    assert.equal(s.logouts, 1);
    assert.equal(s.sessions, 0);
  });

  test('paging: results follow the token with ContinueRetrievePropertiesEx and are the same as one page', async () => {
    const one = await collectVcenter(vcConfig(sim), {}, ALL);
    await sim.resetStats();
    const pages = [];
    const paged = await collectVcenter(vcConfig(sim, { pageSize: 100 }), {}, ALL, { onPage: (n) => pages.push(n) });
    const s = await sim.stats();
    // 20 hosts + 500 VMs + 2 datastores + the performance manager = 523 objects
    assert.equal(paged.stats.pages, 6);
    assert.deepEqual(pages, [1, 2, 3, 4, 5, 6], 'each page reported as it arrives (the progress of a poll on a terminal)');
    assert.equal(s.calls.ContinueRetrievePropertiesEx, 5);
    assert.equal(s.calls.RetrievePropertiesEx, 1);
    const strip = (rs) => rs.filter((r) => r.kind !== 'vcenter').map((r) => [r.id, r.metrics]);
    assert.deepEqual(strip(paged.readings), strip(one.readings));
  });

  test('a host powered off and a VM at 95 % CPU show up as problems on the next poll; the host hides its VMs', async () => {
    const memory = {};
    let devices = step({}, await collectVcenter(vcConfig(sim), memory, ALL));
    const before = problems(devices);
    const vmReadings = Object.values(devices).filter((d) => d.kind === 'vm');
    const victim = vmReadings.find((d) => d.metrics.powerState === 'poweredOn' && d.metrics.cpuPercent < 50);
    const host = victim.metrics.host;
    const hot = vmReadings.find((d) => d.metrics.powerState === 'poweredOn' && d.metrics.host !== host && d.metrics.cpuPercent < 50);
    try {
      await sim.op({ op: 'host-power', host, state: 'poweredOff' });
      await sim.op({ op: 'vm-cpu', vm: hot.name, percent: 95 });
      devices = step(devices, await collectVcenter(vcConfig(sim), memory, ALL));
      const now = problems(devices).filter((p) => !before.some((b) => b.id === p.id && b.rule === p.rule));
      assert.deepEqual(
        now.map((p) => [p.id, p.rule, p.severity]).sort(),
        [[`host/vc1/${host}`, 'power', 'critical'], [`vm/vc1/${hot.name}`, 'cpu', 'critical']].sort(),
      );
      assert.match(now.find((p) => p.rule === 'cpu').message, /CPU 95(\.0)?% > 80%/);
      const blocked = Object.values(devices).filter((d) => d.blockedBy === `host/vc1/${host}`);
      assert.ok(blocked.length > 0 && blocked.every((d) => d.kind === 'vm' && d.state === 'unknown' && problemsOf(d).length === 0));
      assert.equal(devices[victim.id].blockedBy, `host/vc1/${host}`);
    } finally {
      await sim.op({ op: 'host-power', host, state: 'poweredOn' });
      await sim.op({ op: 'vm-cpu', vm: hot.name, percent: 20 });
    }
    devices = step(devices, await collectVcenter(vcConfig(sim), memory, ALL));
    assert.equal(devices[victim.id].blockedBy, null);
  });

  test('through the poll pipeline (runPoll): state figures equal govmomi, per-vCenter thresholds apply, the kept session lives in the 0600 state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simplemon-vc-poll-'));
    try {
      const file = join(dir, 'monitor.config.yaml');
      writeFileSync(
        file,
        `state-file: ${dir}/state.json\nvcenters:\n  - name: vc1\n    url: ${sim.url}\n    username: ${sim.user}\n    password: \${VC_PASS}\n    ca-file: ${sim.caFile}\n    keep-session: true\n    thresholds:\n      vm: { cpu: { above: 99 } }\n`,
      );
      const config = parseConfig(readFileSync(file, 'utf8'), file, { env: { VC_PASS: sim.pass } });
      const deps = { sources: [vcenterSource], openStore: () => openState(config.stateFile, { lockTimeoutMs: 5000, command: 'poll' }), now: () => new Date(), log: () => {} };
      await runPoll(config, deps, ['hosts', 'vms']);
      const ref = await referenceRead(sim);
      const state = await readState(config.stateFile);
      assert.equal(statSync(config.stateFile).mode & 0o777, 0o600);
      assert.match(state.sources.vcenter.vcenters.vc1.cookie, /^vmware_soap_session=/);
      const views = Object.fromEntries(viewsOf(state, config, [vcenterSource], new Date()).map((v) => [v.id, v]));
      for (const [name, h] of Object.entries(ref.hosts)) for (const k of ['cpuPercent', 'memPercent', 'cpuUsageMhz', 'uptimeSeconds']) assert.deepEqual(views[`host/vc1/${name}`].metrics[k], h[k], `${name} ${k}`);
      for (const [name, v] of Object.entries(ref.vms)) for (const k of ['cpuPercent', 'memPercent', 'ips', 'disks', 'host']) assert.deepEqual(views[`vm/vc1/${name}`].metrics[k], v[k], `${name} ${k}`);
      // vm cpu above 99 for this vCenter: 95 % is no problem here
      const vm = Object.values(views).find((v) => v.kind === 'vm' && v.metrics.powerState === 'poweredOn' && !v.problems.length);
      await sim.op({ op: 'vm-cpu', vm: vm.name, percent: 95 });
      try {
        await runPoll(config, deps, ['hosts', 'vms']);
        const after = await readState(config.stateFile);
        assert.equal(after.devices[vm.id].metrics.cpuPercent, 95);
        assert.deepEqual(viewsOf(after, config, [vcenterSource], new Date()).find((v) => v.id === vm.id).problems, []);
      } finally {
        await sim.op({ op: 'vm-cpu', vm: vm.name, percent: 20 });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CLI: poll hosts vms, then status --json equals govmomi; status hosts prints a table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simplemon-vc-cli-'));
    try {
      const file = join(dir, 'monitor.config.yaml');
      writeFileSync(file, `state-file: ${dir}/state.json\nvcenters:\n  - name: vc1\n    url: ${sim.url}\n    username: ${sim.user}\n    password: ${sim.pass}\n    ca-file: ${sim.caFile}\n`);
      const poll = await cli(['poll', 'hosts', 'vms', '--config', file]);
      assert.equal(poll.code, 0, poll.stderr);
      assert.ok(!poll.stdout.includes(sim.pass) && !poll.stderr.includes(sim.pass), 'no password in the output');
      const st = await cli(['status', '--json', '--config', file]);
      assert.equal(st.code, 0, st.stderr);
      const json = JSON.parse(st.stdout);
      const ref = await referenceRead(sim);
      const dev = Object.fromEntries(json.devices.map((d) => [d.id, d]));
      assert.equal(dev['vcenter/vc1'].state, 'ok');
      for (const [name, h] of Object.entries(ref.hosts)) for (const k of ['cpuPercent', 'memPercent']) assert.deepEqual(dev[`host/vc1/${name}`].metrics[k], h[k], `${name} ${k}`);
      for (const [name, v] of Object.entries(ref.vms)) {
        assert.deepEqual(dev[`vm/vc1/${name}`].metrics.cpuPercent, v.cpuPercent, `${name} cpu`);
        assert.equal(dev[`vm/vc1/${name}`].blockedBy, null);
      }
      const table = await cli(['status', 'hosts', '--config', file]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^Hosts$/m);
      for (const name of Object.keys(ref.hosts)) assert.match(table.stdout, new RegExp(`│ ${name}\\s+│ (ok|warning|critical)`));
      assert.ok(!/^VMs$/m.test(table.stdout), 'only the hosts table');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a disconnected host blocks its VMs; a filled guest disk is a disk-free problem', async () => {
    const memory = {};
    let devices = step({}, await collectVcenter(vcConfig(sim), memory, ALL));
    const vms = Object.values(devices).filter((d) => d.kind === 'vm' && d.metrics.powerState === 'poweredOn');
    const host = vms[0].metrics.host;
    const full = vms.find((d) => d.metrics.host !== host && d.metrics.disks.every((x) => x.freePercent > 20));
    try {
      await sim.op({ op: 'host-connection', host, state: 'disconnected' });
      await sim.op({ op: 'vm-disk', vm: full.name, percent: 97 });
      devices = step(devices, await collectVcenter(vcConfig(sim), memory, ALL));
      assert.equal(devices[`host/vc1/${host}`].rules.power.message, 'host disconnected');
      assert.equal(devices[vms[0].id].blockedBy, `host/vc1/${host}`);
      const p = problemsOf(devices[full.id]);
      assert.equal(p.length, 1);
      assert.equal(p[0].rule, 'disk-free');
      assert.match(p[0].message, /free 3(\.0)?% < 10%/);
    } finally {
      await sim.op({ op: 'host-connection', host, state: 'connected' });
      await sim.op({ op: 'vm-disk', vm: full.name, percent: 50 });
    }
  });
});

describe('vCenter collector: failures give one clear vcenter problem', { timeout: 300_000 }, () => {
  let sim;
  before(async () => {
    sim = await startVcsim({ hosts: 3, vms: 12 });
  });
  after(async () => sim?.stop());

  async function failing(over, expect, breakIt = async () => {}) {
    const memory = {};
    const good = await collectVcenter(vcConfig(sim), memory, ALL); // the devices become known
    let devices = step({}, good);
    await breakIt();
    const r = await collectVcenter(vcConfig(sim, over), memory, ALL);
    const vc = r.readings.find((x) => x.id === 'vcenter/vc1');
    assert.equal(vc.reachable, false);
    assert.match(vc.error, expect);
    devices = step(step(devices, r), r); // the reachable rule rides out one failed poll: the second is news
    const ps = problems(devices);
    assert.deepEqual(ps.map((p) => [p.id, p.rule, p.severity]), [['vcenter/vc1', 'reachable', 'critical']]);
    assert.match(ps[0].message, expect);
    // every host, VM and datastore stays known, unknown, blocked by the vCenter, with its last values
    const rest = Object.values(devices).filter((d) => d.kind !== 'vcenter');
    assert.equal(rest.length, good.readings.length - 1);
    assert.ok(rest.every((d) => d.state === 'unknown' && d.blockedBy === 'vcenter/vc1' && Object.keys(d.metrics).length > 0));
    return { r, devices };
  }

  const modes = [
    ['a SOAP fault', { op: 'mode', mode: 'fault', method: 'RetrievePropertiesEx' }, {}, /SOAP fault SystemError: A general system error occurred: simulated failure/],
    ['an HTML answer', { op: 'mode', mode: 'html', method: 'CreateContainerView' }, {}, /answered with an HTML page, not SOAP/],
    ['a connection closed mid-response', { op: 'mode', mode: 'close', method: 'RetrievePropertiesEx' }, {}, /closed mid-response/],
    ['a timeout', { op: 'mode', mode: 'hang', method: 'RetrievePropertiesEx' }, { timeoutMs: 800 }, /no answer from 127\.0\.0\.1:\d+ within 0\.8s/],
  ];
  for (const [what, mode, over, expect] of modes) {
    test(`${what} → one vcenter problem, and the session is still logged out`, async () => {
      await sim.op({ op: 'mode', mode: '' });
      try {
        await sim.resetStats();
        await failing(over, expect, () => sim.op(mode));
      } finally {
        await sim.op({ op: 'mode', mode: '' });
      }
      const s = await sim.stats();
      assert.equal(s.logins, s.logouts, 'every login has its logout');
      assert.equal(s.sessions, 0);
    });
  }

  test('login failure → "login failed", no session left', async () => {
    await sim.resetStats();
    await failing({ password: 'wrong' }, /login failed for monitor@vsphere\.local: wrong user name or password/);
    assert.equal((await sim.stats()).sessions, 0);
  });

  test('an untrusted certificate → a clear TLS problem; ca-file or insecure make it work', async () => {
    await failing({ caFile: null }, /untrusted TLS certificate \(self-signed certificate\) at 127\.0\.0\.1:\d+: give its CA in ca-file, or set insecure: true/);
    // a ca-file adds its CA to the trusted ones, it does not make every certificate trusted
    const other = makeTestCa();
    const otherFile = join(other.dir, 'other-ca.pem');
    writeFileSync(otherFile, other.ca);
    try {
      await failing({ caFile: otherFile }, /untrusted TLS certificate \(self-signed certificate\) at 127\.0\.0\.1:\d+/);
    } finally {
      other.cleanup();
    }
    const ok = await collectVcenter(vcConfig(sim, { caFile: null, insecure: true }), {}, ALL);
    assert.equal(ok.readings[0].reachable, true);
  });

  test('a redirect, HTTP 503 and a plain-text answer → one clear vcenter problem each', async () => {
    const { createServer: httpServer } = await import('node:http');
    const cases = [
      [302, '', /redirects to https:\/\/vc\.example\.com\/ui\/: give the SDK endpoint/],
      [503, 'Service Unavailable', /HTTP 503 from 127\.0\.0\.1:\d+/],
      [200, 'hello', /answered with something that is not SOAP \(status 200\): "hello"/],
    ];
    for (const [code, body, expect] of cases) {
      const srv = httpServer((q, res) => {
        res.writeHead(code, { 'content-type': 'text/plain', ...(code === 302 ? { location: 'https://vc.example.com/ui/' } : {}) });
        res.end(body);
      });
      await new Promise((r) => srv.listen(0, '127.0.0.1', r));
      try {
        const r = await collectVcenter(vcConfig(sim, { url: `http://127.0.0.1:${srv.address().port}/sdk` }), {}, ALL);
        assert.equal(r.readings.length, 1);
        assert.match(r.readings[0].error, expect);
      } finally {
        srv.close();
      }
    }
  });

  test('connection refused → one vcenter problem', async () => {
    const port = await freePort();
    await failing({ url: `https://127.0.0.1:${port}/sdk` }, /connection refused by 127\.0\.0\.1:\d+/);
  });

  test('keep-session: one login reused across polls, no Logout, a new login only when vCenter expires the session', async () => {
    const memory = {};
    await sim.resetStats();
    const vc = vcConfig(sim, { keepSession: true });
    await collectVcenter(vc, memory, ALL);
    await collectVcenter(vc, memory, ALL);
    let s = await sim.stats();
    assert.equal(s.logins, 1);
    assert.equal(s.logouts, 0);
    assert.equal(s.sessions, 1);
    assert.equal(s.calls.DestroyView, 2, 'views are destroyed when the session stays open');
    assert.match(memory.cookie, /^vmware_soap_session=/);
    await sim.op({ op: 'expire-sessions' });
    const r = await collectVcenter(vc, memory, ALL);
    assert.equal(r.readings[0].reachable, true);
    s = await sim.stats();
    assert.equal(s.logins, 2);
    // and turning keep-session off logs the kept session out on the next poll
    await collectVcenter(vcConfig(sim), memory, ALL);
    s = await sim.stats();
    assert.equal(memory.cookie, null);
    assert.equal(s.sessions, 0);
  });

  test('a VM gone from the inventory is reported as removed, not as down', async () => {
    const memory = {};
    const first = await collectVcenter(vcConfig(sim), memory, ALL);
    const vm = first.readings.find((x) => x.kind === 'vm' && x.metrics.powerState === 'poweredOn');
    await sim.op({ op: 'vm-remove', vm: vm.name });
    const next = await collectVcenter(vcConfig(sim), memory, ALL);
    assert.deepEqual(next.removed, [vm.id]);
    assert.ok(!next.readings.some((x) => x.id === vm.id));
  });

  test('a stopped simulator gives one vCenter problem and no host or VM problems', async () => {
    const own = await startVcsim({ hosts: 2, vms: 6 });
    const memory = {};
    const vc = vcConfig(own, { caFile: null, insecure: true }); // the launcher's CA file goes with it
    let devices = step({}, await collectVcenter(vc, memory, ALL));
    await own.stop();
    const down = await collectVcenter(vc, memory, ALL);
    devices = step(step(devices, down), down); // the reachable rule rides out one failed poll
    const ps = problems(devices);
    assert.equal(ps.length, 1);
    assert.equal(ps[0].id, 'vcenter/vc1');
    assert.match(ps[0].message, /connection refused/);
    assert.ok(Object.values(devices).filter((d) => d.kind !== 'vcenter').every((d) => d.state === 'unknown' && d.blockedBy === 'vcenter/vc1'));
  });

  test('the vCenter source: several vCenters in parallel, one failing does not affect the other; ownership of ids', async () => {
    const port = await freePort();
    const config = {
      vcenters: [vcConfig(sim, { name: 'a', id: 'vcenter/a' }), vcConfig(sim, { name: 'b', id: 'vcenter/b', url: `https://127.0.0.1:${port}/sdk` })],
    };
    const ctx = { config, now: new Date(), log: () => {}, memory: {} };
    const r = await vcenterSource.collect(ctx, new Set(['vcenter', 'host', 'vm', 'datastore']));
    const a = r.readings.find((x) => x.id === 'vcenter/a');
    const b = r.readings.find((x) => x.id === 'vcenter/b');
    assert.equal(a.reachable, true);
    assert.equal(b.reachable, false);
    assert.ok(r.readings.some((x) => x.id.startsWith('vm/a/')));
    assert.deepEqual(vcenterSource.configured(config).map((d) => d.id), ['vcenter/a', 'vcenter/b']);
    assert.equal(vcenterSource.owns(config, 'vm/a/x'), true);
    assert.equal(vcenterSource.owns(config, 'host/c/x'), false);
    assert.equal(vcenterSource.owns(config, 'printer/a'), false);
    assert.ok(ctx.memory.vcenters.a.devices.length > 0);
  });
});

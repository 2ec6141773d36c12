// The state file in schema 2 (issue 13: a state that stays small): version 1 files migrate without losing
// anything alerting keeps, the compact form reads back to what was saved, the file keeps no field nobody
// reads, and the devices' readings live beside it, parsed only where a poll needs them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openState, readState, readingsFile } from '../../dist/state/store.js';
import { openAppState, readAppState } from '../../dist/app/state.js';
import { encodeState, decodeDevices } from '../../dist/state/codec.js';
import { runPoll } from '../../dist/app/run-poll.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'simplemon-compact-'));
const V1 = new URL('../fixtures/state/v1-demo/state.json', import.meta.url);
const T0 = '2026-11-20T08:00:00.000Z';
const T1 = '2026-11-24T08:00:00.000Z';
const T2 = '2026-11-24T08:05:00.000Z';

/** A rule state that alerting remembers something of: not ok, or a message, or a run pending. */
const remembered = (r) => r.state !== 'ok' || r.message !== null || r.pending !== null;
/** What alerting keeps of a device: everything but the rules that are ok with nothing to remember. */
const kept = (d) => ({ ...d, rules: Object.fromEntries(Object.entries(d.rules).filter(([, r]) => remembered(r))) });

/** The demo's version 1 state (written by simplemon before schema 2), with what the demo had none of. */
function v1State() {
  const st = JSON.parse(readFileSync(V1, 'utf8'));
  assert.equal(st.schemaVersion, 1);
  // a run pending, a device behind its host, an ack, an override, an email owed
  st.devices['vm/lab/DC0_C0_RP0_VM1'].rules.cpu.pending = { state: 'critical', count: 1, message: 'CPU 91% > 80%' };
  st.devices['vm/lab/DC0_C0_RP0_VM3'].blockedBy = 'host/lab/DC0_C0_H3';
  st.devices['vm/lab/DC0_C0_RP0_VM3'].lastSeen = '2026-12-01T16:36:05.567Z';
  st.acks['printer/reception'] = { reason: 'toner ordered', by: 'alice', since: st.checkedAt };
  st.overrides['printer/warehouse'] = { state: 'maintenance', reason: 'moving', by: 'bob', since: st.checkedAt, until: null };
  st.notify.outbox.push({ messageId: '<m1@x>', kind: 'alert', createdAt: st.checkedAt, date: st.checkedAt, from: 'a@x', to: ['b@x'], subject: 's', text: 't', html: 'h', devices: [{ id: 'printer/accounts', state: 'unknown' }], status: 'pending', attempts: 2, lastAttemptAt: st.checkedAt, lastError: 'connection refused' });
  return st;
}

function device(id, over = {}) {
  const [kind, ...rest] = id.split('/');
  return {
    id, kind, name: rest[rest.length - 1], target: '192.0.2.1', state: 'ok', since: T0,
    reach: { state: 'ok', since: T0, message: null, pending: null, error: null },
    rules: {}, blockedBy: null, lastSeen: T1, lastPoll: T1, metrics: {}, ...over,
  };
}

test('a version 1 state (as simplemon wrote it before) loads with every alerting field, and its first save keeps it as .v1.bak', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const v1 = v1State();
  const text = JSON.stringify(v1);
  writeFileSync(file, text);
  const store = await openAppState(file, { lockTimeoutMs: 1000, command: 'test' });
  assert.equal(store.data.schemaVersion, 2);
  // read as it was: every device whole, metrics inline
  for (const [id, d] of Object.entries(v1.devices)) assert.deepEqual(store.data.devices[id], d, id);
  for (const k of ['checkedAt', 'events', 'overrides', 'acks', 'sources', 'notify', 'forecasts']) assert.deepEqual(store.data[k], v1[k], k);
  await store.save();
  await store.close();
  assert.equal(readFileSync(`${file}.v1.bak`, 'utf8'), text, 'the version 1 file, byte for byte');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).schemaVersion, 2);

  // and read back from the version 2 files: the same, but for rules with nothing to remember
  for (const again of [await readAppState(file), await (async () => {
    const s = await openAppState(file, { lockTimeoutMs: 1000, command: 'test' });
    s.loadMetrics();
    await s.close();
    return s.data;
  })()]) {
    for (const [id, d] of Object.entries(v1.devices)) assert.deepEqual(again.devices[id], kept(d), id);
    for (const k of ['checkedAt', 'events', 'overrides', 'acks', 'sources', 'notify', 'forecasts']) assert.deepEqual(again[k], v1[k], k);
  }
  const back = await readAppState(file);
  assert.deepEqual(back.devices['vm/lab/DC0_C0_RP0_VM1'].rules.cpu, { state: 'ok', since: '2026-12-01T16:36:05.567Z', message: null, pending: { state: 'critical', count: 1, message: 'CPU 91% > 80%' } });
  assert.deepEqual(back.devices['printer/reception'].rules['toner-low'], v1.devices['printer/reception'].rules['toner-low']);
  assert.deepEqual(back.devices['printer/accounts'].reach, v1.devices['printer/accounts'].reach);
  assert.equal(back.notify.outbox[0].attempts, 2);
});

test('the compact form reads back to the state saved: defaults, explicit nulls, odd names, kinds and times', () => {
  const devices = {
    'vm/vc1/web-01': device('vm/vc1/web-01', { rules: { cpu: { state: 'critical', since: T1, message: 'CPU 95% > 80%', pending: null }, 'disk-free': { state: 'ok', since: T0, message: null, pending: { state: 'critical', count: 2, message: 'disk / free 8% < 10%' } } }, state: 'critical', since: T1 }),
    'vm/vc1/web-01~vm-42': device('vm/vc1/web-01~vm-42', { name: 'web-01', target: '' }),
    'host/vc1/esx-1': device('host/vc1/esx-1', { target: 'esx-1', rules: { health: { state: 'ok', since: T0, message: 'overall status gray', pending: null } } }),
    'printer/never': device('printer/never', { state: 'unknown', lastSeen: null, reach: { state: 'critical', since: T1, message: 'timeout', pending: null, error: 'timeout after 2s' } }),
    'printer/late': device('printer/late', { lastPoll: T2, lastSeen: T2, since: T2, reach: { state: 'ok', since: T0, message: null, pending: { state: 'critical', count: 1, message: 'timeout' }, error: 'timeout' } }),
    'vm/vc1/behind': device('vm/vc1/behind', { state: 'unknown', blockedBy: 'host/vc1/esx-1', lastSeen: T0 }),
    'service/odd': device('service/odd', { kind: 'strange', name: 'odd name', target: 'odd name' }),
    'nokind': device('nokind', { kind: 'printer', name: 'nokind' }),
    'printer/ünïcode "q"': device('printer/ünïcode "q"', { name: 'ünïcode "q"' }),
  };
  const state = { schemaVersion: 2, checkedAt: T1, devices, events: [], overrides: {}, acks: {}, sources: {} };
  const stored = JSON.parse(JSON.stringify(encodeState(state)));
  const back = decodeDevices(stored.devices, stored.deviceDefaults, (id) => devices[id].metrics);
  assert.deepEqual(back, devices);
  // an ok rule with nothing to remember is not written, and reads back as never observed
  const clean = { ...devices, 'vm/vc1/web-02': device('vm/vc1/web-02', { rules: { cpu: { state: 'ok', since: T0, message: null, pending: null } } }) };
  const s2 = JSON.parse(JSON.stringify(encodeState({ ...state, devices: clean })));
  assert.deepEqual(decodeDevices(s2.devices, s2.deviceDefaults, null)['vm/vc1/web-02'].rules, {});
});

test('a VM\'s saved entry keeps no field nobody reads: no id, kind, name, metrics, ok rules, or the times every device shares', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const store = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  const metrics = { vcenter: 'vc1', powerState: 'poweredOn', host: 'esx-1', ip: '10.0.0.5', ips: ['10.0.0.5'], cpuPercent: 5, cpuUsageMhz: 130, cpuMaxMhz: 2600, memPercent: 10, disks: [{ path: '/', capacityBytes: 100, freeBytes: 20, freePercent: 20 }], toolsStatus: 'toolsOk' };
  const ok = { state: 'ok', since: T0, message: null, pending: null };
  for (let i = 0; i < 3; i++) store.data.devices[`vm/vc1/web-0${i}`] = device(`vm/vc1/web-0${i}`, { target: '10.0.0.5', rules: { cpu: ok, 'disk-free': ok }, metrics });
  store.data.checkedAt = T1;
  await store.save();
  await store.close();
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(saved.devices['vm/vc1/web-00'], { target: '10.0.0.5', state: 'ok' });
  assert.deepEqual(saved.deviceDefaults, { since: T0, lastSeen: T1, lastPoll: T1 });
  // the readings are beside it, as the source gave them
  const readings = JSON.parse(readFileSync(readingsFile(file), 'utf8'));
  assert.deepEqual(readings.devices['vm/vc1/web-01'], metrics);
  assert.equal(statSync(readingsFile(file)).mode & 0o777, 0o600);
  assert.deepEqual((await readState(file)).devices['vm/vc1/web-02'].metrics, metrics);
});

test('a store opened for change parses a device\'s readings only on demand, and keeps the lines of the others as they were', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const first = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  for (const n of ['a', 'b', 'c']) first.data.devices[`printer/${n}`] = device(`printer/${n}`, { metrics: { sysName: n, pageCount: 1, note: '23°C' } });
  first.data.forecasts = { at: T1, devices: { 'printer/a': { black_toner: { daysLeft: 3, ratePerDay: 2, replacedAt: null } } } };
  await first.save();
  await first.close();
  const before = readFileSync(readingsFile(file), 'utf8');
  assert.match(before, /^\{"schemaVersion":1,"forecasts":.*"devices":\{\n"printer\/a":\{.*\},\n"printer\/b":/, 'one device a line');
  assert.ok(!/[^\x00-\x7f]/.test(before), 'written in ASCII (\\u escapes)');

  // opened, saved with nothing read: the readings file is not even rewritten
  const ino = statSync(readingsFile(file)).ino;
  const idle = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  assert.throws(() => idle.data.devices['printer/a'].metrics.sysName, /loadMetrics/, 'metrics not loaded fail loudly');
  assert.deepEqual(idle.data.forecasts, { at: T1, devices: { 'printer/a': { black_toner: { daysLeft: 3, ratePerDay: 2, replacedAt: null } } } });
  idle.data.checkedAt = T2;
  await idle.save();
  await idle.close();
  assert.equal(statSync(readingsFile(file)).ino, ino);

  // one device read anew, one loaded and kept, one never parsed: only the first line changes
  const poll = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  poll.loadMetrics(['printer/b']);
  assert.equal(poll.data.devices['printer/b'].metrics.note, '23°C');
  poll.data.devices['printer/a'].metrics = { sysName: 'a', pageCount: 2 };
  await poll.save();
  await poll.close();
  const after = readFileSync(readingsFile(file), 'utf8').split('\n');
  const old = before.split('\n');
  assert.equal(after[1], '"printer/a":{"sysName":"a","pageCount":2},');
  assert.deepEqual(after.slice(2), old.slice(2));
  assert.equal((await readState(file)).devices['printer/c'].metrics.note, '23°C');
});

test('a readings file reformatted by hand is read whole; a broken one is an error naming it, left untouched', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const s = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  s.data.devices['printer/a'] = device('printer/a', { metrics: { sysName: 'a' } });
  await s.save();
  await s.close();
  const rfile = readingsFile(file);
  writeFileSync(rfile, JSON.stringify(JSON.parse(readFileSync(rfile, 'utf8')), null, 2));
  const pretty = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  assert.deepEqual(pretty.data.devices['printer/a'].metrics, { sysName: 'a' });
  await pretty.close();

  writeFileSync(rfile, '{"schemaVersion":1,"devices":{');
  await assert.rejects(readState(file), (e) => e.exitCode === 1 && e.message.includes(`state file ${rfile} cannot be used: it is not valid JSON`));
  await assert.rejects(openState(file, { lockTimeoutMs: 1000, command: 'test' }), /not valid JSON/);
  assert.equal(readFileSync(rfile, 'utf8'), '{"schemaVersion":1,"devices":{');
  // a command that shows no readings does not need them
  assert.equal((await readState(file, [], { metrics: false })).devices['printer/a'].state, 'ok');
  writeFileSync(rfile, '{"schemaVersion":7,"devices":{}}');
  await assert.rejects(readState(file), /written by a newer simplemon \(schemaVersion 7; this one reads up to 1\)/);
});

test('a hand-edited compact device is an error naming it and the field', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  for (const [dev, why] of [
    [{ target: 'x' }, '"state" is missing'],
    [{ state: 'ok', rules: [] }, '"rules" is a list'],
    [{ state: 'ok', rules: { cpu: { state: 3 } } }, '"rules.cpu.state" is a number'],
    [{ state: 'ok', lastSeen: 5 }, '"lastSeen" is a number'],
    [{ state: 'ok', reach: 'ok' }, '"reach" is a string'],
  ]) {
    writeFileSync(file, JSON.stringify({ schemaVersion: 2, checkedAt: null, deviceDefaults: { since: T0 }, devices: { 'printer/a': dev }, events: [], overrides: {}, acks: {}, sources: {} }));
    await assert.rejects(readState(file), (e) => e.message.includes(`device "printer/a" is malformed (${why})`), why);
  }
});

test('a poll with a real store: a VM behind a host that is down keeps its last figures with what was read now; an unreachable printer keeps its readings unparsed', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const config = { pollIntervalMs: 300_000, eventLogSize: 100, printers: [], vcenters: [] };
  let round = 0;
  const vmFull = { vcenter: 'vc1', powerState: 'poweredOn', host: 'esx-1', ip: '10.0.0.5', ips: ['10.0.0.5'], cpuPercent: 5, memPercent: 10, disks: [], toolsStatus: 'toolsOk' };
  const source = {
    name: 'fake',
    kinds: [{ kind: 'vm', rules: [] }, { kind: 'printer', rules: [] }],
    configured: () => [],
    owns: () => true,
    async collect() {
      round++;
      if (round === 1) {
        return { readings: [
          { id: 'vm/vc1/web', kind: 'vm', name: 'web', target: '10.0.0.5', reachable: true, error: null, metrics: vmFull, blockedBy: null },
          { id: 'printer/p', kind: 'printer', name: 'p', target: 't', reachable: true, error: null, metrics: { sysName: 'p', pageCount: 7 } },
        ] };
      }
      return { readings: [
        { id: 'vm/vc1/web', kind: 'vm', name: 'web', target: '10.0.0.5', reachable: true, error: null, metrics: { vcenter: 'vc1', powerState: 'poweredOn', host: 'esx-2', ip: '10.0.0.5', ips: ['10.0.0.5'] }, blockedBy: 'host/vc1/esx-2' },
        { id: 'printer/p', kind: 'printer', name: 'p', target: 't', reachable: false, error: 'timeout', metrics: {} },
      ] };
    },
  };
  const deps = (at) => ({ sources: [source], openStore: () => openState(file, { lockTimeoutMs: 1000, command: 'poll' }), now: () => new Date(at), log: () => {} });
  await runPoll(config, deps(T1));
  await runPoll(config, deps(T2));
  const st = await readState(file);
  assert.deepEqual(st.devices['vm/vc1/web'].metrics, { ...vmFull, host: 'esx-2' });
  assert.equal(st.devices['vm/vc1/web'].blockedBy, 'host/vc1/esx-2');
  assert.deepEqual(st.devices['printer/p'].metrics, { sysName: 'p', pageCount: 7 });
  assert.equal(st.devices['printer/p'].lastSeen, T1);
  assert.equal(st.devices['printer/p'].lastPoll, T2);
});

test('a state with no readings leaves no readings file (nor an old one a new state could take for its own)', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  writeFileSync(readingsFile(file), '{"schemaVersion":1,"devices":{"printer/old":{"sysName":"stale"}}}');
  const s = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  s.data.devices['printer/old'] = device('printer/old');
  await s.save();
  await s.close();
  assert.ok(!existsSync(readingsFile(file)));
  assert.deepEqual((await readState(file)).devices['printer/old'].metrics, {});
  copyFileSync(file, join(dir, 'copy.json'));
});

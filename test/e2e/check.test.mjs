// `simplemon check` through the built CLI, as Nagios or Icinga run it: on a state file written by the test
// (one printer per state), then with --refresh against a real SNMP agent (snmpsim) on loopback.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repo } from '../helpers/cli.mjs';
import { startSnmpsim } from '../helpers/snmpsim.mjs';

let dir;
let config;
let stateFile;

const iso = (msAgo) => new Date(Date.now() - msAgo).toISOString();
const supply = (index, description, percent) => ({ index, description, type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: percent, percent });

function device(name, state, { rules = {}, reach = 'ok', error = null, lastSeen = iso(60_000), metrics } = {}) {
  const since = iso(3_600_000);
  return {
    id: `printer/${name}`, kind: 'printer', name, target: '127.0.0.1:9', state, since,
    reach: { state: reach, since, message: error, pending: null, error },
    rules, blockedBy: null, lastSeen, lastPoll: iso(60_000),
    metrics: metrics ?? { sysName: name, sysDescr: 'LaserJet', pageCount: 1000, supplies: [supply('1.1', 'Black Toner', 64)], printerStatus: 'idle', deviceStatus: 'running', errors: [] },
  };
}

function writeState(checkedAt) {
  const rule = (state, message) => ({ state, since: iso(3_600_000), message, pending: null });
  const devices = {
    'printer/fine': device('fine', 'ok'),
    'printer/hall': device('hall', 'warning', { rules: { 'printer-status': rule('warning', 'device status warning') } }),
    'printer/office-1': device('office-1', 'critical', {
      rules: { 'toner-low': rule('critical', 'black toner 12% < 20%') },
      metrics: { sysName: 'o1', sysDescr: 'x', pageCount: 48213, supplies: [supply('1.1', 'Black Toner', 12)], printerStatus: 'idle', deviceStatus: 'running', errors: [] },
    }),
    'printer/lobby': device('lobby', 'unknown', { reach: 'critical', error: 'timeout after 1s' }),
  };
  writeFileSync(stateFile, JSON.stringify({ schemaVersion: 1, checkedAt, devices, events: [], overrides: {}, acks: {}, notify: { notified: {}, outbox: [], history: [], seq: 0 }, sources: {} }));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-check-'));
  config = join(dir, 'monitor.config.yaml');
  stateFile = join(dir, 'state.json');
  const printers = ['fine', 'hall', 'office-1', 'lobby'].map((n) => `  - { name: ${n}, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: public } }`);
  writeFileSync(config, ['state-file: state.json', 'printers:', ...printers, ''].join('\n'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const check = (...args) => cli(['check', ...args, '--config', config]);

test('check: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN for ok, warning, critical and unknown devices', async () => {
  writeState(iso(60_000));
  const rows = [
    ['printer/fine', 0, /^SIMPLEMON OK - printer\/fine: ok \| 'black_toner'=64%;;20:;0;100 'pages'=1000c;;;0\n$/],
    ['printer/hall', 1, /^SIMPLEMON WARNING - printer\/hall: device status warning \| /],
    ['printer/office-1', 2, /^SIMPLEMON CRITICAL - printer\/office-1: black toner 12% < 20% \| 'black_toner'=12%;;20:;0;100 'pages'=48213c;;;0\n$/],
    ['printer/lobby', 3, /^SIMPLEMON UNKNOWN - printer\/lobby: timeout after 1s \| /],
  ];
  for (const [id, code, line] of rows) {
    const r = await check(id);
    assert.equal(r.code, code, `${id}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, line);
    assert.equal(r.stdout.split('\n').length, 2, 'exactly one line');
  }
});

test('check by kind, glob and name: the worst wins and the line counts', async () => {
  writeState(iso(60_000));
  const all = await check('printers');
  assert.equal(all.code, 2);
  assert.match(all.stdout, /^SIMPLEMON CRITICAL - 1 critical, 1 warning, 1 unknown of 4: printer\/office-1: black toner 12% < 20%; printer\/hall: device status warning; printer\/lobby: .* \| 'printer\/fine\/black_toner'=64%/);
  const glob = await check('printer/f*');
  assert.equal(glob.code, 0);
  assert.match(glob.stdout, /^SIMPLEMON OK - printer\/fine: ok/);
  assert.equal((await check('hall')).code, 1, 'a bare device name');
});

test('check: stale data is UNKNOWN (3), whatever the devices say; --stale-after moves the limit', async () => {
  writeState(iso(3_600_000));
  const r = await check('printer/fine');
  assert.equal(r.code, 3);
  assert.match(r.stdout, /^SIMPLEMON UNKNOWN - data is stale \(last poll .*, 60m ago; older than 15m\)\n$/);
  assert.equal((await check('printer/fine', '--stale-after', '2h')).code, 0);
});

test('check: an unknown device, bad arguments, a bad config, an unreadable state: all UNKNOWN (3), never 1 or 2', async () => {
  writeState(iso(60_000));
  const unknown = await check('printer/nope');
  assert.equal(unknown.code, 3);
  assert.match(unknown.stdout, /^SIMPLEMON UNKNOWN - no device matches "printer\/nope"/);
  const usage = await cli(['check', 'printer/fine', '--frobnicate', '--config', config]);
  assert.equal(usage.code, 3);
  assert.match(usage.stdout, /^SIMPLEMON UNKNOWN - unknown option '--frobnicate'\n$/);
  const noArg = await cli(['check', '--config', config]);
  assert.equal(noArg.code, 3);
  assert.equal((await check('printer/fine', '--stale-after', 'soon')).code, 3);

  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'state-file: state.json\nprinterz: []\n');
  const badConfig = await cli(['check', 'printer/fine', '--config', bad]);
  assert.equal(badConfig.code, 3);
  assert.match(badConfig.stdout, /^SIMPLEMON UNKNOWN - invalid config .*printerz/);
  assert.equal((await cli(['check', 'printer/fine', '--config', join(dir, 'missing.yaml')])).code, 3);

  writeFileSync(stateFile, '{ not json');
  const corrupt = await check('printer/fine');
  assert.equal(corrupt.code, 3);
  assert.match(corrupt.stdout, /^SIMPLEMON UNKNOWN - state file .* cannot be used/);
});

test('check --refresh polls a real SNMP agent first, then answers from the fresh state', async () => {
  const sim = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec'), join(repo, 'test', 'fixtures', 'e2e', 'healthy.snmprec')] });
  try {
    const cfg = join(dir, 'live.yaml');
    writeFileSync(
      cfg,
      [
        'state-file: live-state.json',
        'defaults: { timeout: 1s, retries: 0 }',
        'printers:',
        `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }`,
        `  - { name: mono, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: healthy } }`,
        '',
      ].join('\n'),
    );
    const before = await cli(['check', 'printer/mono', '--config', cfg]);
    assert.equal(before.code, 3, 'never polled: stale');
    const mono = await cli(['check', 'printer/mono', '--refresh', '--config', cfg]);
    assert.equal(mono.code, 0, mono.stdout + mono.stderr);
    assert.match(mono.stdout, /^SIMPLEMON OK - printer\/mono: ok \| .*'pages'=\d+c/);
    const laser = await cli(['check', 'printer/laser', '--config', cfg]);
    assert.equal(laser.code, 2, laser.stdout);
    assert.match(laser.stdout, /^SIMPLEMON CRITICAL - printer\/laser: .*< 20%/);
  } finally {
    await sim.stop();
  }
});

test('check of one device by id parses only its own line of the readings (Nagios runs one check a device); a glob or kind still reads them all', async () => {
  writeState(iso(60_000));
  // the state as a poll leaves it now: schema 2, the readings beside it, one device a line
  const { openAppState } = await import(join(repo, 'dist', 'app', 'state.js'));
  const store = await openAppState(stateFile, { lockTimeoutMs: 5000, command: 'test' });
  for (const d of Object.values(store.data.devices)) d.metrics = { ...d.metrics }; // changed objects: the readings are written
  await store.save();
  await store.close();
  const { readFileSync: read } = await import('node:fs');
  const readings = join(dir, 'state.readings.json');
  const text = read(readings, 'utf8');
  assert.match(text, /^"printer\/hall":\{.*\},$/m, 'one device a line');
  // another device's line made unreadable, its shape kept
  writeFileSync(readings, text.replace(/^"printer\/hall":\{.*\},$/m, '"printer/hall":{not json},'));
  const one = await check('printer/office-1');
  assert.equal(one.code, 2, one.stdout);
  assert.match(one.stdout, /^SIMPLEMON CRITICAL - printer\/office-1: black toner 12% < 20% \| 'black_toner'=12%;;20:;0;100 'pages'=48213c;;;0\n$/, 'its own numbers, from its own line');
  const all = await check('printers');
  assert.equal(all.code, 3, 'every line is read for a kind');
  assert.match(all.stdout, /^SIMPLEMON UNKNOWN - state file \S+state\.readings\.json cannot be used: it is not valid JSON/);
});

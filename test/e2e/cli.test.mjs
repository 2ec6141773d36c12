// The built CLI end to end (node bin/simplemon), against a real SNMP agent (snmpsim) on loopback.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { cli, repo, BIN } from '../helpers/cli.mjs';

const FIXTURES = join(repo, 'test', 'fixtures');
const SECRET = 'evil-names'; // the community, given through the environment: must never be printed

let sim;
let dir;
let config;
const env = () => ({ PRINTER_COMMUNITY: SECRET, LASER_COMMUNITY: 'colour-laser' });

before(async () => {
  sim = await startSnmpsim({ files: [join(FIXTURES, 'snmp', 'colour-laser.snmprec'), join(FIXTURES, 'e2e', 'evil-names.snmprec')] });
  dir = mkdtempSync(join(tmpdir(), 'simplemon-e2e-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state/simplemon.json',
      'lock-timeout: 1s',
      'defaults: { timeout: 1s, retries: 0 }',
      'printers:',
      `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: "\${LASER_COMMUNITY}" } }`,
      `  - { name: evil, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: "\${PRINTER_COMMUNITY}" } }`,
      `  - { name: gone, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: no-such-community }, timeout: 300ms }`,
      '',
    ].join('\n'),
  );
});

after(async () => {
  await sim?.stop();
});

test('simplemon --help exits 0 and lists the commands', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['poll', 'status', 'config', 'demo']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('usage errors exit 2', async () => {
  assert.equal((await cli(['frobnicate'])).code, 2);
  const r = await cli(['poll', 'toasters', '--config', config], { env: env() });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot poll "toasters": known are vcenters, hosts, vms, datastores, printers/);
  assert.equal((await cli(['status', 'toasters', '--config', config])).code, 2);
});

test('status before any poll shows every configured device as unknown, never polled', async () => {
  const r = await cli(['status', '--json', '--config', config], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.checkedAt, null);
  assert.deepEqual(j.devices.map((d) => [d.id, d.state, d.lastSeen]), [
    ['printer/laser', 'unknown', null],
    ['printer/evil', 'unknown', null],
    ['printer/gone', 'unknown', null],
  ]);
});

test('poll reads the printers, saves state (0600, beside the config, whatever the cwd), prints the changes; a second poll is quiet', async () => {
  const r = await cli(['poll', '--config', config], { env: env(), cwd: tmpdir() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /printer\/laser: new -> critical/);
  assert.match(r.stdout, /printer\/evil: new -> critical \(black \\x1b\]0 7% < 20%\)/, 'device text in poll output has its escapes made visible (ASCII arrows: no LANG, as under cron)');
  assert.match(r.stdout, /printer\/gone: new -> unknown \(timeout after 300ms \(0 retries\)\)/, 'a device that never answered is reported on the poll that first tries it');
  const stateFile = join(dir, 'state', 'simplemon.json');
  assert.ok(existsSync(stateFile));
  assert.equal(statSync(stateFile).mode & 0o777, 0o600);
  const again = await cli(['poll', '--config', config], { env: env() });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '', 'nothing changed: nothing printed (cron mails only output)');
});

test('status --json follows the documented contract', async () => {
  const r = await cli(['status', '--json', '--config', config], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.schemaVersion, 1);
  assert.ok(!Number.isNaN(Date.parse(j.checkedAt)));
  assert.deepEqual(j.devices.map((d) => d.id), ['printer/laser', 'printer/evil', 'printer/gone'], 'exactly the configured devices');
  const laser = j.devices[0];
  for (const k of ['id', 'kind', 'name', 'target', 'state', 'override', 'problems', 'lastSeen', 'metrics', 'blockedBy', 'ack']) assert.ok(k in laser, `missing ${k}`);
  assert.equal(laser.kind, 'printer');
  assert.equal(laser.target, `${sim.host}:${sim.port}`);
  assert.equal(laser.override, null);
  assert.equal(laser.blockedBy, null);
  assert.deepEqual(Object.keys(laser.metrics).sort(), ['alerts', 'console', 'deviceStatus', 'errors', 'pageCount', 'printerStatus', 'supplies', 'sysDescr', 'sysName']);
  assert.deepEqual([laser.metrics.alerts, laser.metrics.console], [[], []], 'this printer has no alert table and no console');
  assert.equal(laser.metrics.pageCount, 48213);
  assert.equal(laser.metrics.sysName, 'cl-500-lab');
  for (const s of laser.metrics.supplies) assert.deepEqual(Object.keys(s), ['index', 'description', 'type', 'class', 'unit', 'maxCapacity', 'level', 'percent']);
  assert.ok(laser.problems.every((p) => ['toner-low', 'supply-low', 'waste-full', 'printer-status'].includes(p.rule) && ['warning', 'critical'].includes(p.severity) && p.message));
  const gone = j.devices[2];
  assert.equal(gone.state, 'unknown');
  assert.equal(gone.lastSeen, null);
  assert.deepEqual(gone.problems.map((p) => p.rule), ['reachable']);
  assert.match(gone.problems[0].message, /timeout/);
  const evil = j.devices[1];
  assert.equal(evil.metrics.sysName, '\x1b[31mPWNED\x1b[0m\r\nX-Injected: yes <b>bold</b>', 'JSON keeps the string as the agent sent it (escaped by JSON)');
  assert.ok(!r.stdout.includes('\x1b'), 'no raw escape character in the JSON text');
});

test('status tables: no raw escapes from device strings, no colour when not a TTY, colour with FORCE_COLOR, none with NO_COLOR', async () => {
  const plain = await cli(['status', '--config', config], { env: env() });
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!plain.stdout.includes('\x1b'), 'no escape at all: no colour and device text cleaned');
  assert.match(plain.stdout, /black \\x1b\]0 7%/, 'the device text is shown with its escapes made visible');
  assert.match(plain.stdout, /laser\s+│ critical/);
  const coloured = await cli(['status', '--config', config], { env: { ...env(), FORCE_COLOR: '1' } });
  assert.match(coloured.stdout, /\x1b\[3\dm/);
  assert.ok(!coloured.stdout.includes('\x1b]0'), 'device escapes still cleaned');
  const noColor = await cli(['status', '--config', config], { env: { ...env(), NO_COLOR: '1' } });
  assert.ok(!noColor.stdout.includes('\x1b'));
});

test('status --refresh polls first, then shows the fresh state', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-refresh-'));
  const cfg = join(d, 'c.yaml');
  writeFileSync(cfg, `state-file: s.json\nprinters:\n  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }\n`);
  const r = await cli(['status', 'printers', '--refresh', '--json', '--config', cfg]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(j.checkedAt);
  assert.equal(j.devices[0].metrics.pageCount, 48213);
  assert.ok(existsSync(join(d, 's.json')));
});

test('status --problems shows only devices that are not ok; status printers filters by kind', async () => {
  const r = await cli(['status', 'printers', '--problems', '--json', '--config', config], { env: env() });
  const j = JSON.parse(r.stdout);
  assert.ok(j.devices.length > 0);
  assert.ok(j.devices.every((d) => d.state !== 'ok'));
});

test('secrets given through the environment never appear in any output', async () => {
  const outs = [
    await cli(['poll', '--verbose', '--config', config], { env: env() }),
    await cli(['status', '--config', config], { env: env() }),
    await cli(['status', '--json', '--config', config], { env: env() }),
    await cli(['config', 'validate', '--config', config], { env: env() }),
  ];
  for (const o of outs) {
    assert.equal(o.code, 0, o.stderr);
    assert.ok(!o.stdout.includes(SECRET) && !o.stderr.includes(SECRET), `secret leaked in: ${o.stdout}${o.stderr}`);
  }
  assert.match(outs[0].stdout, /polled 3 device\(s\) in \d+ ms/);
});

test('status and --help never load soap, net-snmp, nodemailer, ora or cli-table3; status with a current compiled config not even yaml', async () => {
  const traced = async (args) => {
    const trace = join(dir, `trace-${args.join('-').replace(/\W/g, '')}.txt`);
    const child = await new Promise((resolveP) => {
      const p = spawn(process.execPath, ['--import', join(repo, 'test', 'helpers', 'trace-imports.mjs'), BIN, ...args], { env: { ...process.env, ...env(), SIMPLEMON_TRACE_IMPORTS: trace } });
      p.on('close', resolveP);
    });
    return { code: child, loaded: readFileSync(trace, 'utf8') };
  };
  // the trace sees what a command loads from node_modules (the CLI is a CommonJS bundle that require()s
  // them): a full config parse loads yaml, a poll net-snmp
  const control = await traced(['config', 'validate', '--config', config]);
  assert.equal(control.code, 0);
  assert.match(control.loaded, /\/node_modules\/yaml\//, 'the trace works: config validate loads yaml');
  assert.match(control.loaded, /node:vm/, 'bin/simplemon runs the bundle (through vm, with its code cache)');
  for (const args of [['--help'], ['status', '--config', config], ['status', '--json', '--config', config]]) {
    const { code, loaded } = await traced(args);
    assert.equal(code, 0);
    // status reads the compiled config that the runs before it left beside the state (config/cache.ts)
    for (const heavy of ['soap', 'net-snmp', 'nodemailer', 'ora', 'cli-table3', ...(args[0] === 'status' ? ['yaml'] : [])]) {
      assert.ok(!loaded.includes(`/node_modules/${heavy}/`), `${args.join(' ')} loaded ${heavy}`);
    }
  }
});

test('config validate: ok exits 0; errors exit 2 with file:line:col and the YAML path, and touch nothing', async () => {
  const ok = await cli(['config', 'validate', '--config', config], { env: env() });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ok — 3 printer\(s\)/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'state-file: bad-state.json\nprinters:\n  - name: x\n    address: 127.0.0.1\n    snmp: { version: 2c, comunity: public }\n');
  const r = await cli(['poll', '--config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${bad.replace(/[.]/g, '\\.')}:5:26: printers\\[0\\]\\.snmp\\.comunity: unknown key "comunity" \\(did you mean "community"\\?\\)`));
  assert.ok(!existsSync(join(dir, 'bad-state.json')), 'a config error touches nothing');
  const v = await cli(['config', 'validate', '--config', bad]);
  assert.equal(v.code, 2);
});

test('config init writes the sample, which validates; it will not overwrite without --force', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-init-'));
  const r = await cli(['config', 'init'], { cwd: d });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(d, 'monitor.config.yaml'), 'utf8'), readFileSync(join(repo, 'monitor.config.yaml'), 'utf8'));
  assert.equal((await cli(['config', 'validate'], { cwd: d })).code, 0, 'found as ./monitor.config.yaml');
  assert.equal((await cli(['config', 'init'], { cwd: d })).code, 1);
  assert.equal((await cli(['config', 'init', '--force'], { cwd: d })).code, 0);
});

test('a corrupt state file makes poll exit 1 naming the file, and it is left as it was', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-corrupt-'));
  const cfg = join(d, 'c.yaml');
  writeFileSync(cfg, `state-file: s.json\nprinters:\n  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }\n`);
  writeFileSync(join(d, 's.json'), '{ not json');
  const r = await cli(['poll', '--config', cfg]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`state file ${join(d, 's.json').replace(/[.]/g, '\\.')} cannot be used: it is not valid JSON`));
  assert.equal(readFileSync(join(d, 's.json'), 'utf8'), '{ not json');
  assert.equal((await cli(['status', '--config', cfg])).code, 1);
});

test('a poll that cannot get the lock waits lock-timeout, then exits 1 with a clear message', async () => {
  const lockFile = join(dir, 'state', 'simplemon.json.lock');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    writeFileSync(lockFile, JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), since: new Date().toISOString(), command: 'poll' }));
    const t0 = Date.now();
    const r = await cli(['poll', '--config', config], { env: env() });
    assert.equal(r.code, 1);
    assert.ok(Date.now() - t0 >= 900, 'it waited for the lock');
    assert.match(r.stderr, new RegExp(`is locked by simplemon poll \\(pid ${holder.pid}`));
  } finally {
    holder.kill();
    const { rmSync } = await import('node:fs');
    rmSync(lockFile, { force: true });
  }
});

test('a printer taken out of the config leaves the state with an event; status shows exactly the configured ones', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-removed-'));
  const cfg = join(d, 'c.yaml');
  const two = `state-file: s.json\nprinters:\n  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }\n  - { name: old, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }\n`;
  writeFileSync(cfg, two);
  assert.equal((await cli(['poll', '--config', cfg])).code, 0);
  writeFileSync(cfg, two.split('\n').filter((l) => !l.includes('name: old')).join('\n'));
  const before = JSON.parse((await cli(['status', '--json', '--config', cfg])).stdout);
  assert.deepEqual(before.devices.map((x) => x.id), ['printer/laser'], 'status follows the config at once');
  assert.equal((await cli(['poll', '--config', cfg])).code, 0);
  const st = JSON.parse(readFileSync(join(d, 's.json'), 'utf8'));
  assert.deepEqual(Object.keys(st.devices), ['printer/laser']);
  assert.ok(st.events.some((e) => e.type === 'device-removed' && e.device === 'printer/old' && /no longer in the config/.test(e.message)));
});

test('status | head: a reader that closes the pipe early ends status quietly (exit 0, no EPIPE stack trace)', async () => {
  // 1,500 never-polled printers: some 100 KB of table, more than a pipe holds
  const d = mkdtempSync(join(tmpdir(), 'simplemon-pipe-'));
  const cfg = join(d, 'c.yaml');
  writeFileSync(cfg, 'state-file: s.json\nprinters:\n' + Array.from({ length: 1500 }, (_, i) => `  - { name: printer-${i}, address: 127.0.0.1, snmp: { version: 2c, community: public } }`).join('\n') + '\n');
  for (const args of [['status'], ['status', '--json']]) {
    const r = await new Promise((resolveP) => {
      const p = spawn(process.execPath, [BIN, ...args, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '100' } });
      let err = '';
      let first = '';
      p.stderr.on('data', (b) => (err += b));
      // like head -1: take the first chunk, then close the pipe while status is still writing
      p.stdout.once('data', (b) => {
        first = String(b);
        p.stdout.destroy();
      });
      p.on('close', (code, signal) => resolveP({ code, signal, err, first }));
    });
    assert.match(r.first, /simplemon: 1500 devices|"devices"/, `${args.join(' ')} began its output`);
    assert.equal(r.err, '', `${args.join(' ')}: nothing on stderr`);
    assert.equal(r.code, 0, `${args.join(' ')}: exit 0`);
  }
});

test('status follows an edit of the config at once (the compiled config beside the state is rebuilt), and that cache holds no secret', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-cfgedit-'));
  const cfg = join(d, 'c.yaml');
  const base = 'state-file: s.json\nprinters:\n  - { name: first, address: 127.0.0.1, snmp: { version: 2c, community: "${PRINTER_COMMUNITY}" } }\n';
  writeFileSync(cfg, base);
  const one = await cli(['status', '--json', '--config', cfg], { env: env() });
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(JSON.parse(one.stdout).devices.map((x) => x.id), ['printer/first']);
  const cache = join(d, 's.config-cache.json');
  assert.ok(existsSync(cache), 'the compiled config is left beside the state');
  assert.ok(!readFileSync(cache, 'utf8').includes(SECRET), 'without the community');
  // an edit within the same second, same size: only the content hash can tell
  writeFileSync(cfg, base.replace('first', 'other'));
  const two = await cli(['status', '--json', '--config', cfg], { env: env() });
  assert.deepEqual(JSON.parse(two.stdout).devices.map((x) => x.id), ['printer/other']);
  const bad = await cli(['status', '--config', cfg], { env: { PATH: process.env.PATH } });
  assert.equal(bad.code, 2, 'the community variable unset: the config is parsed again and the error shown, as before');
  assert.match(bad.stderr, /PRINTER_COMMUNITY is not set/);
});

test('bin/simplemon runs the bundle, unless tsc wrote dist/ after it (then what was last built runs)', async () => {
  const main = join(repo, 'dist', 'cli', 'main.js');
  const traced = async () => {
    const trace = join(dir, `trace-bin-${Date.now()}.txt`);
    const code = await new Promise((resolveP) => {
      const p = spawn(process.execPath, ['--import', join(repo, 'test', 'helpers', 'trace-imports.mjs'), BIN, '--version'], { env: { ...process.env, SIMPLEMON_TRACE_IMPORTS: trace } });
      p.on('close', resolveP);
    });
    assert.equal(code, 0);
    return readFileSync(trace, 'utf8');
  };
  const before = await traced();
  assert.match(before, /node:vm/, 'the bundle, through vm');
  assert.ok(!before.includes('dist/cli/main.js'));
  const { atime, mtime } = statSync(main);
  const { utimesSync } = await import('node:fs');
  try {
    utimesSync(main, atime, new Date(Date.now() + 60_000));
    const after = await traced();
    assert.match(after, /dist\/cli\/main\.js/, 'a newer dist/: its modules');
    assert.ok(!after.includes('node:vm'));
  } finally {
    utimesSync(main, atime, mtime);
  }
});

// Overrides, maintenance and acknowledgements through the CLI, against real printers in snmpsim.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { cli, repo } from '../helpers/cli.mjs';

let sim;
let dir;
let config;
const who = { USER: 'ann', SUDO_USER: '' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  sim = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec'), join(repo, 'test', 'fixtures', 'e2e', 'healthy.snmprec')] });
  dir = mkdtempSync(join(tmpdir(), 'simplemon-override-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'lock-timeout: 10s',
      'defaults: { timeout: 1s, retries: 0 }',
      'printers:',
      `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }`,
      `  - { name: mono, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: healthy } }`,
      '',
    ].join('\n'),
  );
  const r = await cli(['poll', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await sim?.stop();
});

const status = async () => {
  const r = await cli(['status', '--json', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries(JSON.parse(r.stdout).devices.map((d) => [d.id, d]));
};
const stateFile = () => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));

test('override set … --state maintenance --for 1h: status shows why and until when; the real state stays visible', async () => {
  const t0 = Date.now();
  const r = await cli(['override', 'set', 'printer/laser', '--state', 'maintenance', '--for', '1h', '--reason', 'fuser swap', '--config', config], { env: who });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /printer\/laser: maintenance until .* — fuser swap/);
  const d = (await status())['printer/laser'];
  assert.equal(d.state, 'critical', 'maintenance does not hide the real state');
  assert.equal(d.override.state, 'maintenance');
  assert.equal(d.override.reason, 'fuser swap');
  assert.equal(d.override.by, 'ann');
  assert.ok(Math.abs(Date.parse(d.override.until) - (t0 + 3_600_000)) < 60_000);
  assert.deepEqual(Object.keys(d.override).sort(), ['by', 'reason', 'since', 'state', 'until']);
  assert.equal(d.maintenance.source, 'override');
  const table = await cli(['status', '--config', config]);
  assert.match(table.stdout, /critical \(maint\)/);
  assert.match(table.stdout, /maintenance until \d\d:\d\d: fuser swap/);
  const list = await cli(['override', 'list', '--config', config]);
  assert.match(list.stdout, /printer\/laser: maintenance by ann since .*, until .* — fuser swap/);
  assert.equal((await cli(['override', 'clear', 'printer/laser', '--config', config], { env: who })).code, 0);
  assert.equal((await status())['printer/laser'].override, null);
});

test('a forced state is what status and JSON see; realState keeps the truth; $SUDO_USER is who', async () => {
  const r = await cli(['override', 'set', 'printer/*', '--state', 'ok', '--for', '2h', '--reason', 'known issue', '--config', config], { env: { USER: 'root', SUDO_USER: 'bob' } });
  assert.equal(r.code, 0, r.stderr);
  const s = await status();
  assert.equal(s['printer/laser'].state, 'ok');
  assert.equal(s['printer/laser'].realState, 'critical');
  assert.deepEqual(s['printer/laser'].problems, []);
  assert.equal(s['printer/laser'].override.by, 'bob');
  assert.equal(s['printer/mono'].override.state, 'ok', 'the glob matched both printers');
  const problems = JSON.parse((await cli(['status', '--problems', '--json', '--config', config])).stdout);
  assert.equal(problems.devices.length, 0);
  const c = await cli(['override', 'clear', 'printer/*', '--config', config]);
  assert.match(c.stdout, /printer\/laser: override cleared\nprinter\/mono: override cleared/);
  assert.equal((await status())['printer/laser'].state, 'critical');
  const events = stateFile().events.filter((e) => e.type.startsWith('override'));
  assert.ok(events.some((e) => e.type === 'override-set' && e.device === 'printer/mono'));
  assert.ok(events.some((e) => e.type === 'override-cleared' && e.device === 'printer/laser'));
});

test('an override on a device that is not configured is an error (typo protection) unless --force', async () => {
  const r = await cli(['override', 'set', 'printer/lazer', '--state', 'ok', '--reason', 'x', '--config', config]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"printer\/lazer" is not a device in the config or the last inventory \(known devices: printer\/laser, printer\/mono\); use --force/);
  assert.equal((await cli(['override', 'set', 'vm/*', '--state', 'ok', '--reason', 'x', '--config', config])).code, 2);
  const forced = await cli(['override', 'set', 'printer/lazer', '--state', 'ok', '--for', '1h', '--reason', 'x', '--force', '--config', config]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal((await cli(['override', 'clear', 'printer/lazer', '--config', config])).code, 0);
  assert.equal((await cli(['override', 'clear', 'printer/lazer', '--config', config])).code, 2, 'nothing left to clear');
  assert.equal((await cli(['override', 'set', 'printer/laser', '--state', 'ok', '--config', config])).code, 2, '--reason is required');
  assert.equal((await cli(['override', 'set', 'printer/laser', '--state', 'broken', '--reason', 'x', '--config', config])).code, 2);
  assert.equal((await cli(['override', 'set', 'printer/laser', '--state', 'ok', '--reason', 'x', '--for', 'soon', '--config', config])).code, 2);
});

test('an override expires by itself: the next poll prunes it with an event and the real state takes over', async () => {
  // 6 s: long enough for the status call below on a loaded 2-core machine; then wait for its own end
  const r = await cli(['override', 'set', 'printer/laser', '--state', 'ok', '--for', '6s', '--reason', 'short', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  const o = (await status())['printer/laser'];
  assert.equal(o.state, 'ok');
  await sleep(Math.max(0, Date.parse(o.override.until) - Date.now()) + 200);
  assert.equal((await status())['printer/laser'].state, 'critical', 'expired: no longer applied even before a poll');
  assert.equal((await cli(['poll', '--config', config])).code, 0);
  const st = stateFile();
  assert.deepEqual(st.overrides, {});
  assert.ok(st.events.some((e) => e.type === 'override-expired' && e.device === 'printer/laser' && /short/.test(e.message)));
});

test('ack: acknowledges a current problem, shows in status, refuses a device that is ok', async () => {
  const r = await cli(['ack', 'printer/laser', '--reason', 'toner ordered', '--config', config], { env: who });
  assert.equal(r.code, 0, r.stderr);
  const d = (await status())['printer/laser'];
  assert.deepEqual({ reason: d.ack.reason, by: d.ack.by }, { reason: 'toner ordered', by: 'ann' });
  assert.match((await cli(['status', '--config', config])).stdout, /critical \(ack\)/);
  const ok = await cli(['ack', 'printer/mono', '--reason', 'x', '--config', config]);
  assert.equal(ok.code, 2);
  assert.match(ok.stderr, /printer\/mono is ok: there is no problem to acknowledge/);
});

test('an override set while a poll holds the lock waits for it and is never lost', async () => {
  const lockFile = join(dir, 'state.json.lock');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  writeFileSync(lockFile, JSON.stringify({ pid: holder.pid, host: hostname(), since: new Date().toISOString(), command: 'poll' }));
  const pending = cli(['override', 'set', 'printer/mono', '--state', 'warning', '--for', '1h', '--reason', 'queued', '--config', config]);
  await sleep(700);
  // the "poll" finishes: it saves and releases
  const { rmSync } = await import('node:fs');
  rmSync(lockFile);
  holder.kill();
  const r = await pending;
  assert.equal(r.code, 0, r.stderr);
  // and a real poll running at the same time as another override never drops it
  const [p, o] = await Promise.all([
    cli(['poll', '--config', config]),
    cli(['override', 'set', 'printer/laser', '--state', 'maintenance', '--for', '1h', '--reason', 'concurrent', '--config', config]),
  ]);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(o.code, 0, o.stderr);
  const st = stateFile();
  assert.equal(st.overrides['printer/mono'].reason, 'queued');
  assert.equal(st.overrides['printer/laser'].reason, 'concurrent');
});

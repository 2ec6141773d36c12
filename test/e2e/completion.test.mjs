// `simplemon completion bash|zsh`, tested with bash itself: the script is sourced, COMP_WORDS and
// COMP_CWORD are set as bash sets them, the completion function runs, COMPREPLY is read back.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repo, BIN } from '../helpers/cli.mjs';

let dir;
let config;
let script;

const device = (state) => ({ state, reach: {}, rules: {} });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-completion-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    'state-file: state/s.json\nprinters:\n  - { name: office, address: 127.0.0.1, snmp: { version: 2c, community: public } }\n  - { name: lab, address: 127.0.0.1, snmp: { version: 2c, community: public } }\n',
  );
  mkdirSync(join(dir, 'state'));
  // the saved state knows a device the config no longer names, and a VM from a vCenter inventory
  writeFileSync(
    join(dir, 'state', 's.json'),
    JSON.stringify({ schemaVersion: 1, checkedAt: '2026-12-01T08:00:00.000Z', devices: { 'printer/office': device('ok'), 'printer/old-lab': device('unknown'), 'vm/vc1/web-01': device('critical') }, events: [], overrides: {}, acks: {}, notify: {}, sources: {} }),
  );
  const r = await cli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  script = join(dir, 'simplemon.bash');
  writeFileSync(script, r.stdout);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** COMPREPLY after completing `words` (the last one is the word under the cursor). */
function complete(words, { cwd = dir } = {}) {
  const r = spawnSync(
    'bash',
    ['--norc', '--noprofile', '-c', 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _simplemon; printf "%s\\n" "${COMPREPLY[@]}"', 'bash', script, ...words],
    { encoding: 'utf8', cwd, env: { PATH: process.env.PATH, HOME: dir } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter(Boolean);
}

test('completion bash: valid bash that registers _simplemon for simplemon', () => {
  assert.equal(spawnSync('bash', ['-n', script]).status, 0);
  const r = spawnSync('bash', ['--norc', '-c', 'source "$1"; complete -p simplemon', 'bash', script], { encoding: 'utf8' });
  assert.equal(r.stdout.trim(), 'complete -F _simplemon simplemon');
});

test('completes commands, then subcommands and options of the command typed', () => {
  assert.ok(complete(['simplemon', '']).includes('status'));
  assert.deepEqual(complete(['simplemon', 'st']), ['status']);
  assert.deepEqual(complete(['simplemon', 'co']).sort(), ['completion', 'config']);
  assert.ok(!complete(['simplemon', '']).includes('__complete'), 'the hidden helper is not offered');
  const status = complete(['simplemon', 'status', '']);
  for (const o of ['--problems', '--json', '--refresh', '--config']) assert.ok(status.includes(o), `${o} after status`);
  assert.deepEqual(complete(['simplemon', 'status', '--pro']), ['--problems']);
  assert.deepEqual(complete(['simplemon', 'cron', '']).filter((w) => !w.startsWith('-')).sort(), ['install', 'print', 'remove']);
  assert.deepEqual(complete(['simplemon', '-c', 'x.yaml', 'override', 's']), ['set'], 'an option value is not taken for a command');
});

test('completes option values: --state choices, files after --config', () => {
  assert.deepEqual(complete(['simplemon', 'override', 'set', 'printer/office', '--state', '']), ['ok', 'warning', 'critical', 'maintenance']);
  assert.deepEqual(complete(['simplemon', 'override', 'set', '-s', 'm']), ['maintenance']);
  assert.deepEqual(complete(['simplemon', 'status', '--config', 'monitor.c']), ['monitor.config.yaml']);
  assert.deepEqual(complete(['simplemon', 'ack', 'printer/office', '--reason', '']), [], 'free text: nothing offered');
});

test('completes device ids from the config and the saved state, with the --config typed on the line', () => {
  assert.deepEqual(complete([BIN, '--config', config, 'override', 'set', 'printer/']).sort(), ['printer/lab', 'printer/office', 'printer/old-lab']);
  assert.deepEqual(complete([BIN, '--config', config, 'ack', 'vm/']), ['vm/vc1/web-01']);
  assert.deepEqual(complete([BIN, 'override', 'clear', 'printer/o'], { cwd: dir }).sort(), ['printer/office', 'printer/old-lab'], './monitor.config.yaml found as simplemon finds it');
  assert.deepEqual(complete([BIN, '--config', join(dir, 'nope.yaml'), 'ack', '']), [], 'no config: nothing, and no error on the command line');
});

test('__complete devices loads no protocol library, and prints nothing but ids', async () => {
  const trace = join(dir, 'trace.txt');
  const r = await new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', join(repo, 'test', 'helpers', 'trace-imports.mjs'), BIN, '--config', config, '__complete', 'devices'], {
      env: { PATH: process.env.PATH, SIMPLEMON_TRACE_IMPORTS: trace },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
  assert.equal(r.code, 0);
  assert.deepEqual(r.out.trim().split('\n').sort(), ['printer/lab', 'printer/office', 'printer/old-lab', 'vm/vc1/web-01']);
  const loaded = readFileSync(trace, 'utf8');
  assert.match(loaded, /node:vm/, 'the trace works (bin/simplemon runs the bundle through vm)');
  for (const heavy of ['soap', 'net-snmp', 'nodemailer', 'ora']) assert.ok(!loaded.includes(`/node_modules/${heavy}/`), `loaded ${heavy}`);
});

test('completion zsh: the same function through bashcompinit; zsh -n accepts it when zsh is installed', (t) => {
  const r = spawnSync(process.execPath, [BIN, 'completion', 'zsh'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# zsh completion for simplemon/);
  assert.match(r.stdout, /bashcompinit/);
  assert.match(r.stdout, /^complete -F _simplemon simplemon$/m);
  if (spawnSync('which', ['zsh']).status !== 0) return t.skip('zsh is not installed: syntax not checked');
  const f = join(dir, '_simplemon');
  writeFileSync(f, r.stdout);
  const n = spawnSync('zsh', ['-n', f], { encoding: 'utf8' });
  assert.equal(n.status, 0, n.stderr);
});

test('completion with an unknown shell is a usage error', async () => {
  const r = await cli(['completion', 'fish']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /value 'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh/);
});

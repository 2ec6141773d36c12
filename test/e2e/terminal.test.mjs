// `simplemon status` in a real terminal (tmux at 80 and 120 columns) and piped: tables fit the width and
// never cut a device's name or state (issue 9, item 4). The state file is written here directly, with
// devices of every kind and long names; nothing is polled.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, BIN } from '../helpers/cli.mjs';
import { allKinds } from '../helpers/table-views.mjs';

const VC = 'vcenter-datacentre-west-primary1'; // the vCenter's name is 32 characters too
const SOCKET = `simplemon-test-${process.pid}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir;
let config;
let views;
let tmuxSocket = null;

const idOf = (kind, name) => (kind === 'printer' ? `printer/${name}` : kind === 'vcenter' ? `vcenter/${VC}` : `${kind}/${VC}/${name}`);

/** A device as the state file keeps it, from a view of test/helpers/table-views.mjs. */
function deviceState(v, now) {
  const reach = v.problems.find((p) => p.rule === 'reachable');
  const rules = Object.fromEntries(v.problems.filter((p) => p.rule !== 'reachable' && p.rule !== 'override').map((p) => [p.rule, { state: p.severity, since: now, message: p.message, pending: null }]));
  return {
    id: idOf(v.kind, v.name),
    kind: v.kind,
    name: v.name,
    target: v.target,
    state: v.realState,
    since: now,
    reach: { state: reach ? reach.severity : 'ok', since: now, message: reach?.message ?? null, pending: null, error: reach?.message ?? null },
    rules,
    blockedBy: v.blockedBy ? idOf(...v.blockedBy.split('/').filter((_, i) => i !== 1)) : null,
    lastSeen: v.lastSeen === null ? null : now,
    lastPoll: now,
    metrics: v.metrics,
  };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-terminal-'));
  config = join(dir, 'monitor.config.yaml');
  views = allKinds().map((v) => (v.kind === 'vcenter' ? { ...v, name: VC } : v));
  writeFileSync(join(dir, 'vc.pass'), 'not-used\n', { mode: 0o600 });
  const printers = views.filter((v) => v.kind === 'printer');
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'printers:',
      ...printers.map((p, i) => `  - { name: ${p.name}, address: 192.0.2.${i + 10}, snmp: { version: 2c, community: public } }`),
      'vcenters:',
      `  - { name: ${VC}, url: "https://vc.example.invalid/sdk", username: monitor, password-file: vc.pass }`,
      '',
    ].join('\n'),
  );
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 6 * 3600_000).toISOString();
  const state = { schemaVersion: 1, checkedAt: now, devices: {}, events: [], overrides: {}, acks: {}, sources: {} };
  for (const v of views) {
    const d = deviceState(v, now);
    state.devices[d.id] = d;
    if (v.override) state.overrides[d.id] = { ...v.override, since: now, until: later };
    if (v.maintenance) state.overrides[d.id] = { state: 'maintenance', reason: v.maintenance.reason, by: 'ann', since: now, until: later };
    if (v.ack) state.acks[d.id] = { ...v.ack, since: now };
  }
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state), { mode: 0o600 });
  // a private tmux server: its own socket, no user config, scrollback for the whole output
  writeFileSync(join(dir, 'tmux.conf'), 'set -g history-limit 10000\nset -g status off\n');
});

after(() => {
  if (tmuxSocket) {
    try {
      execFileSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(tmuxSocket, { force: true }); // tmux leaves its socket file behind
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args) => execFileSync('tmux', ['-u', '-L', SOCKET, '-f', join(dir, 'tmux.conf'), ...args], { encoding: 'utf8' });
let sessions = 0;

/** Type a simplemon command into a fresh shell in a terminal `width` columns wide; what the screen shows (wrapped lines joined). */
async function inTerminal(width, args) {
  const name = `t${width}-${++sessions}`;
  tmux('new-session', '-d', '-x', String(width), '-y', '50', '-s', name, '/bin/sh');
  tmuxSocket ??= tmux('display-message', '-p', '-t', name, '#{socket_path}').trim();
  // env -u COLUMNS: the width must come from the terminal itself
  const command = ['env', '-u', 'COLUMNS', process.execPath, BIN, ...args, '--config', config].map((a) => `'${a}'`).join(' ');
  tmux('send-keys', '-t', name, '-l', `${command}; echo "=""=END=="`);
  tmux('send-keys', '-t', name, 'Enter');
  for (let i = 0; i < 200; i++) {
    await sleep(100);
    // -J joins the lines the terminal wrapped: a line longer than the screen shows up as one long line
    const text = tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-', '-E', '-');
    const lines = text.split('\n').map((l) => l.trimEnd());
    const end = lines.indexOf('==END==');
    if (end < 0) continue;
    const start = lines.findIndex((l) => l.startsWith('simplemon: '));
    assert.ok(start >= 0 && start < end, `status printed its summary:\n${text}`);
    tmux('kill-session', '-t', name);
    return lines.slice(start, end);
  }
  throw new Error(`no end marker from ${args.join(' ')} at ${width} columns:\n${tmux('capture-pane', '-p', '-t', name)}`);
}

/** The line where a device shows: its name alone in the Device cell, or the list layout's `name  state`. */
function deviceLine(lines, name) {
  return lines.find((l) => l.split('│').map((c) => c.trim())[1] === name || l.startsWith(`${name}  `));
}

function checkScreen(lines, width, shown) {
  for (const l of lines) assert.ok([...l].length <= width, `a line wider than the ${width}-column terminal: ${l}`);
  assert.ok(!lines.some((l) => l.includes('…')), 'nothing cut with an ellipsis');
  for (const v of shown) {
    const line = deviceLine(lines, v.name);
    assert.ok(line, `${v.name} whole on screen:\n${lines.join('\n')}`);
    assert.match(line, new RegExp(`(│ |  )${v.state}(\\*| \\((override|maint|ack)\\))?( |$)`), `${v.name} shows its state whole`);
  }
}

for (const width of [80, 120]) {
  test(`simplemon status in a ${width}-column terminal: every name and state whole, every line within the screen`, async () => {
    const lines = await inTerminal(width, ['status']);
    checkScreen(lines, width, views);
    assert.ok(lines.some((l) => /^┌/.test(l)), 'tables, not only the list layout');
    for (const title of ['vCenters', 'Hosts', 'VMs', 'Datastores', 'Printers']) assert.ok(lines.includes(title), title);
    if (width === 120) {
      assert.ok(lines.some((l) => /│ 2001:db8:85a3::8a2e:370:7334 +│/.test(l)), 'at 120 the IPv6 address of a VM is shown whole');
    }
  });
}

test('simplemon status vms and status --problems in an 80-column terminal fit it too', async () => {
  const vms = await inTerminal(80, ['status', 'vms']);
  checkScreen(vms, 80, views.filter((v) => v.kind === 'vm'));
  assert.ok(vms.some((l) => l.includes('DC0_C0_RP0_VM104-finance-db-prim')));
  const problems = await inTerminal(80, ['status', '--problems']);
  checkScreen(problems, 80, views.filter((v) => v.state !== 'ok' || v.maintenance));
  assert.ok(!problems.some((l) => /│ DC0_C0_H0 /.test(l)), 'an ok host is not a problem');
});

test('piped with COLUMNS=100: every line within 100 columns, names and states whole', async () => {
  const r = await cli(['status', '--config', config], { env: { COLUMNS: '100' } });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  checkScreen(lines, 100, views);
});

test('piped without COLUMNS: one line per device, natural widths, nothing wrapped', async () => {
  const r = await cli(['status', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const rows = lines.filter((l) => l.startsWith('│') && !l.startsWith('│ Device '));
  assert.equal(rows.length, views.length, 'one table line per device');
  for (const v of views) {
    const line = deviceLine(lines, v.name);
    assert.ok(line, v.name);
    for (const p of v.problems) if (p.rule !== 'override') assert.ok(line.includes(p.message), `${v.name}: its whole problem on its line`);
  }
  assert.ok(lines.some((l) => l.length > 200), 'natural widths, however wide');
});

test('simplemon demo piped with COLUMNS=80: its tables fit 80 columns', async () => {
  const r = await cli(['demo'], { env: { COLUMNS: '80' } });
  assert.equal(r.code, 0, r.stderr);
  const table = r.stdout.split('\n').filter((l) => /^[│┌└]/.test(l));
  assert.ok(table.length > 8);
  for (const l of table) assert.ok([...l].length <= 80, `demo table line wider than 80: ${l}`);
  assert.ok(table.some((l) => /^│ accounts +│ unknown +│/.test(l)), 'the printer that vanished');
  assert.ok(table.some((l) => /^│ DC0_C0_RP0_VM2 +│ critical +│/.test(l)), 'the VM that went hot');
});

// `simplemon status --watch` in a real terminal (tmux): the tables are redrawn in place on the
// alternate screen after each poll, and the terminal is given back as it was on `q` and on SIGTERM
// (issue 12, item 4). The printers are real SNMP agents on loopback: snmpsim replaying a recording,
// and the demo's net-snmp agent, whose toner level the test changes between ticks.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { startPrinterAgent } from '../../dist/demo/printer-agent.js';
import { cli, repo, BIN } from '../helpers/cli.mjs';
import { readState } from '../../dist/state/store.js';

const SOCKET = `simplemon-test-${process.pid}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sim;
let desk;
let dir;
let config;
let tmuxSocket = null;

before(async () => {
  sim = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec')] });
  desk = await startPrinterAgent(
    { name: 'desk', sysDescr: 'Test desk', pageCount: 100, deviceStatus: 2, errorState: [0x00], supplies: [{ description: 'Black Toner', type: 3, cls: 3, max: 100, level: 80 }] },
    'c-desk',
  );
  dir = mkdtempSync(join(tmpdir(), 'simplemon-watch-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'lock-timeout: 5s',
      'defaults: { timeout: 1s, retries: 0 }',
      'printers:',
      `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }`,
      `  - { name: desk, address: 127.0.0.1, port: ${desk.port}, snmp: { version: 2c, community: c-desk } }`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'tmux.conf'), 'set -g status off\n');
});

after(async () => {
  if (tmuxSocket) {
    try {
      execFileSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(tmuxSocket, { force: true });
  }
  await desk?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args) => execFileSync('tmux', ['-u', '-L', SOCKET, '-f', join(dir, 'tmux.conf'), ...args], { encoding: 'utf8' });
// -J joins the lines the terminal wrapped (the long command line typed into the shell)
const screen = (name, join = false) => tmux('capture-pane', '-p', ...(join ? ['-J'] : []), '-t', name);
const flag = (name, f) => tmux('display-message', '-p', '-t', name, `#{${f}}`).trim();

/** Poll the pane until `pred(text)` holds (the deadline only stops a hung run; nothing is timed). */
async function waitFor(name, pred, what, join = false) {
  let text = '';
  for (let i = 0; i < 600; i++) {
    text = screen(name, join);
    if (pred(text)) return text;
    await sleep(100);
  }
  throw new Error(`${what}: not on the screen:\n${text}`);
}

/** The row of a printer in the table on the screen. */
const row = (text, name) => text.split('\n').find((l) => l.split('│').map((c) => c.trim())[1] === name);

let sessions = 0;
/** A shell in a 120×40 terminal that runs `status --watch 2s`; its pid is written to a file. */
function startWatch() {
  const name = `w${++sessions}`;
  const pidFile = join(dir, `${name}.pid`);
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', name, '/bin/sh');
  tmuxSocket ??= tmux('display-message', '-p', '-t', name, '#{socket_path}').trim();
  const inner = ['exec', 'env', '-u', 'COLUMNS', process.execPath, BIN, 'status', '--watch', '2s', '--config', config].map((a) => `"${a}"`).join(' ');
  // "EXIT""=" keeps the typed line itself from matching EXIT=
  tmux('send-keys', '-t', name, '-l', `sh -c 'echo $$ > "${pidFile}"; ${inner}'; echo "EXIT""=$?"`);
  tmux('send-keys', '-t', name, 'Enter');
  return { name, pidFile };
}

/** The terminal as the shell had it: normal screen, cursor shown, line editing and echo back on. */
async function assertRestored(name) {
  assert.equal(flag(name, 'alternate_on'), '0', 'the alternate screen was left');
  assert.equal(flag(name, 'cursor_flag'), '1', 'the cursor is shown again');
  tmux('send-keys', '-t', name, '-l', 'stty -a | tr " " "\\n" | grep -x -e "-\\?icanon" -e "-\\?echo"; echo "STTY""=done"');
  tmux('send-keys', '-t', name, 'Enter');
  const text = await waitFor(name, (t) => t.includes('STTY=done'), 'stty output');
  const modes = text.split('\n').map((l) => l.trim()).filter((l) => /^-?(icanon|echo)$/.test(l));
  assert.deepEqual(modes.sort(), ['echo', 'icanon'], 'raw mode is off: canonical input and echo as before');
}

test('status --watch 2s redraws the tables in place after each poll; q quits with exit 0 and the normal screen back', async () => {
  const { name } = startWatch();
  let text = await waitFor(name, (t) => /black 80%/.test(row(t, 'desk') ?? '') && /last poll \d\d:\d\d:\d\d took/.test(t), 'the first poll');
  assert.equal(flag(name, 'alternate_on'), '1', 'drawn on the alternate screen');
  assert.equal(flag(name, 'cursor_flag'), '0', 'cursor hidden while it runs');
  const lines = text.split('\n');
  assert.match(lines[0], /^simplemon status --watch every 2s · last poll \d\d:\d\d:\d\d took [\d.]+ (ms|s) · .*q to quit/, 'the header line first');
  assert.match(lines[1], /^simplemon: 2 devices/, 'then the status summary');
  assert.ok(lines.includes('Printers'), 'the printers table');
  assert.match(row(text, 'laser'), /critical/, 'the snmpsim printer with its recorded state');
  for (const l of lines) assert.ok([...l].length <= 120, `within the 120-column terminal: ${l}`);

  // the agent now reports a low toner: the next tick's poll reads it and the table is redrawn with it
  desk.setLevel(1, 15);
  text = await waitFor(name, (t) => /black 15%/.test(row(t, 'desk') ?? ''), 'the new toner level');
  assert.match(row(text, 'desk'), /│ critical │/, '15% is below the 20% critical threshold');
  assert.equal(text.split('\n').filter((l) => row(l, 'desk')).length, 1, 'redrawn in place: one desk row on the screen, not a second table below the first');

  // a narrower terminal (SIGWINCH): the next frame fits it
  tmux('resize-window', '-t', name, '-x', '70', '-y', '40');
  text = await waitFor(name, (t) => t.split('\n').every((l) => [...l.trimEnd()].length <= 70) && row(t, 'desk') !== undefined && t.includes('q to quit'), 'the tables redrawn at 70 columns');
  assert.match(row(text, 'desk'), /│ critical │/, 'name and state still whole');
  tmux('resize-window', '-t', name, '-x', '120', '-y', '40');

  // each tick is a real poll, as cron's: the state file was saved with the new reading
  const state = await readState(join(dir, 'state.json'));
  assert.equal(state.devices['printer/desk'].state, 'critical');

  tmux('send-keys', '-t', name, 'q');
  // the exit status, then the prompt the shell prints after it
  text = await waitFor(name, (t) => /^EXIT=\d+\n[#$] ?$/m.test(t), 'the exit status and the prompt', true);
  assert.match(text, /^EXIT=0$/m, 'q exits 0');
  assert.ok(!text.includes('│'), 'the normal screen shows no table: the watch was drawn on the alternate screen');
  assert.ok(text.includes('"status" "--watch" "2s"'), 'the command typed before is still on the normal screen');
  const after = text.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  assert.match(after.at(-1), /^[#$]$/, 'the shell prompt is back');
  await assertRestored(name);
});

test('status --watch killed with SIGTERM gives the terminal back (normal screen, cursor, no raw mode) and exits 143', async () => {
  const { name, pidFile } = startWatch();
  await waitFor(name, (t) => row(t, 'desk') !== undefined && t.includes('q to quit'), 'the table');
  assert.equal(flag(name, 'alternate_on'), '1');
  assert.ok(existsSync(pidFile));
  process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
  const text = await waitFor(name, (t) => /^EXIT=\d+$/m.test(t), 'the exit status');
  assert.match(text, /^EXIT=143$/m, '128 + SIGTERM');
  assert.ok(!text.includes('│'), 'no table left on the normal screen');
  await assertRestored(name);
});

test('poll on a terminal: the spinner shows how many printers are done while one that never answers is awaited; gone when it ends', async () => {
  const slow = join(dir, 'slow.config.yaml');
  writeFileSync(
    slow,
    [
      'state-file: slow-state.json',
      'printers:',
      `  - { name: desk, address: 127.0.0.1, port: ${desk.port}, snmp: { version: 2c, community: c-desk } }`,
      // nothing listens on the discard port: the poll waits the whole timeout for this one
      '  - { name: silent, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: x }, timeout: 5s, retries: 0 }',
      '',
    ].join('\n'),
  );
  const name = `p${++sessions}`;
  tmux('new-session', '-d', '-x', '120', '-y', '20', '-s', name, '/bin/sh');
  tmuxSocket ??= tmux('display-message', '-p', '-t', name, '#{socket_path}').trim();
  // CI machines set CI, which turns spinners off (ora does the same): this test is about a person's terminal
  tmux('send-keys', '-t', name, '-l', `env -u CI ${process.execPath} ${BIN} poll --config ${slow}; echo "EXIT""=$?"`);
  tmux('send-keys', '-t', name, 'Enter');
  await waitFor(name, (t) => /polling… printers 1\/2$/m.test(t), 'the spinner with the count of printers done');
  const text = await waitFor(name, (t) => /^EXIT=\d+$/m.test(t), 'the end of the poll', true);
  assert.match(text, /^EXIT=0$/m);
  assert.ok(!text.includes('polling…'), 'the spinner line is cleared when the poll ends');
  const state = await readState(join(dir, 'slow-state.json'));
  assert.match(state.devices['printer/silent'].reach.error, /timeout after 5s/, 'the poll went on to its end and saved');
  assert.equal(state.devices['printer/desk'].reach.state, 'ok');
});

test('status --watch without a terminal, with a bad interval or with --json is a usage error (exit 2), nothing polled', async () => {
  const noTty = await cli(['status', '--watch', '--config', config]);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /--watch needs a terminal/);
  const short = await cli(['status', '--watch', '1s', '--config', config]);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /at least 2s/);
  const bad = await cli(['status', '--watch', 'often', '--config', config]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"often" is not a duration/);
  const json = await cli(['status', '--watch', '--json', '--config', config]);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /does not go with --json/);
});

// What a poll leaves besides the state: the history of each device's numbers (read back by `history`),
// and, when asked, the OpenMetrics file and the HTML page. Through the CLI, against snmpsim on loopback.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { cli, repo } from '../helpers/cli.mjs';

let sim;
let dir;
let config;

before(async () => {
  sim = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec')] });
  dir = mkdtempSync(join(tmpdir(), 'simplemon-outputs-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(config, [
    'state-file: state/simplemon.json',
    'defaults: { timeout: 1s, retries: 0 }',
    'printers:',
    `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }`,
    `  - { name: gone, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: no-such-community }, timeout: 300ms }`,
    '',
  ].join('\n'));
});

after(async () => {
  await sim?.stop();
});

test('each poll appends the numbers of the devices it read to history/ beside the state; `history` shows them by their titles', async () => {
  for (let i = 0; i < 2; i++) assert.equal((await cli(['poll', '--config', config])).code, 0);
  const hdir = join(dir, 'state', 'history');
  const files = readdirSync(hdir);
  assert.equal(files.length, 1, files.join(','));
  assert.equal(statSync(join(hdir, files[0])).mode & 0o777, 0o600);
  const lines = readFileSync(join(hdir, files[0]), 'utf8').trim().split('\n');
  assert.equal(lines.length, 2, 'one line per poll');
  const line = JSON.parse(lines[1]);
  assert.ok(line.d['printer/laser'], 'the printer that answered is recorded');
  assert.equal(line.d['printer/gone'], undefined, 'an unreachable printer adds no values');
  const h = await cli(['history', 'printer/laser', '--config', config]);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /pages printed/);
  const j = JSON.parse((await cli(['history', 'printer/laser', '--json', '--config', config])).stdout);
  const pages = j.numbers.find((n) => n.key === 'pages');
  assert.equal(pages.latest, JSON.parse((await cli(['status', '--json', '--config', config])).stdout).devices[0].metrics.pageCount);
});

test('poll --metrics-file writes OpenMetrics that promtool accepts; poll --html and status --html write the page', async () => {
  const prom = join(dir, 'out', 'simplemon.prom');
  const page = join(dir, 'out', 'index.html');
  const r = await cli(['poll', '--config', config, '--metrics-file', prom, '--html', page]);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(prom, 'utf8');
  assert.match(text, /simplemon_printer_page_count_total\{device="printer\/laser"/);
  assert.match(text, /^simplemon_poll_duration_seconds \d/m);
  if (existsSync('/usr/bin/promtool')) {
    const out = execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(out.trim(), '');
  }
  const html = readFileSync(page, 'utf8');
  assert.match(html, /laser/);
  assert.doesNotMatch(html, /<script/i);
  const page2 = join(dir, 'out', 'status.html');
  assert.equal((await cli(['status', '--config', config, '--html', page2])).code, 0);
  assert.match(readFileSync(page2, 'utf8'), /gone/);
});

test('config warnings are for config validate and poll --verbose: a plain poll (what cron mails) stays quiet about them', async () => {
  // the config holds an inline community and is readable by others: a warning
  const v = await cli(['config', 'validate', '--config', config]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stderr, /warning: .*community/);
  const p = await cli(['poll', '--config', config]);
  assert.equal(p.code, 0);
  assert.doesNotMatch(p.stderr, /warning:/);
  const verbose = await cli(['poll', '--verbose', '--config', config]);
  assert.match(verbose.stderr, /warning: .*community/);
});

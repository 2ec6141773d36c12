// A printer's job queue through the CLI: `ipp:` in the config, a real CUPS scheduler on loopback with held
// jobs "from" other hosts, SNMP from snmpsim. poll keeps the queue's figures; `jobs` lists who printed from
// where; config errors name the path and line.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { startCups } from '../helpers/cups.mjs';
import { cli, repo } from '../helpers/cli.mjs';

let sim;
let cups;
let dir;
let config;

before(async () => {
  [sim, cups] = await Promise.all([startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec')] }), startCups({ queues: ['office'], jobPrivateValues: 'none' })]);
  await cups.holdJob({ queue: 'office', user: 'alice', title: 'report.pdf', host: 'pc-accounting-7' });
  await cups.holdJob({ queue: 'office', user: 'bob', title: 'ledger.xlsx', host: 'pc-accounting-7' });
  await cups.holdJob({ queue: 'office', user: 'carol', title: 'poster.png', host: '10.1.2.3' });
  dir = mkdtempSync(join(tmpdir(), 'simplemon-queue-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(config, [
    'state-file: state/simplemon.json',
    'defaults: { timeout: 2s, retries: 0 }',
    'printers:',
    `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser }, ipp: "${cups.uri('office')}", queue-stuck: 15m }`,
    `  - { name: plain, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser } }`,
    '',
  ].join('\n'));
});

after(async () => {
  await Promise.all([sim?.stop(), cups?.stop()]);
});

test('poll reads the job queue beside SNMP: jobs, jobs by originating host, nothing stuck (held jobs wait); status shows a Queue column', async () => {
  const p = await cli(['poll', '--config', config]);
  assert.equal(p.code, 0, p.stderr);
  const devices = JSON.parse((await cli(['status', '--json', '--config', config])).stdout).devices;
  const laser = devices.find((d) => d.id === 'printer/laser');
  assert.equal(laser.metrics.queue.jobs, 3);
  assert.deepEqual(laser.metrics.queue.jobsByHost, { 'pc-accounting-7': 2, '10.1.2.3': 1 });
  assert.equal(laser.metrics.queue.stuck, false);
  assert.equal(laser.metrics.queue.error, null);
  assert.equal(devices.find((d) => d.id === 'printer/plain').metrics.queue, undefined, 'no ipp: no queue');
  assert.ok(!laser.problems.some((x) => x.rule === 'queue'));
  const table = (await cli(['status', 'printers', '--config', config], { env: { COLUMNS: '200' } })).stdout;
  assert.match(table, /Queue/);
  assert.match(table, /3 jobs, oldest/);
});

test('jobs <printer> lists the queue: job, user, the host it came from, name, state, age', async () => {
  const r = await cli(['jobs', 'laser', '--config', config], { env: { COLUMNS: '200' } });
  assert.equal(r.code, 0, r.stderr);
  for (const s of ['alice', 'bob', 'carol', 'pc-accounting-7', '10.1.2.3', 'report.pdf', 'ledger.xlsx', 'pending-held']) assert.match(r.stdout, new RegExp(s.replace('.', '\\.')));
  const j = JSON.parse((await cli(['jobs', 'laser', '--json', '--config', config])).stdout);
  assert.deepEqual(j.jobs.map((x) => x.user).sort(), ['alice', 'bob', 'carol']);
  const none = await cli(['jobs', 'plain', '--config', config]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /printer plain has no job queue configured: add ipp:/);
});

test('a queue that cannot be read is a warning on the printer, the SNMP figures stay', async () => {
  const bad = join(dir, 'bad-queue.yaml');
  writeFileSync(bad, [
    'state-file: state/bad.json',
    'defaults: { timeout: 1s, retries: 0 }',
    'printers:',
    `  - { name: laser, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: colour-laser }, ipp: "${cups.uri('no-such-queue')}" }`,
    '',
  ].join('\n'));
  assert.equal((await cli(['poll', '--config', bad])).code, 0);
  const d = JSON.parse((await cli(['status', '--json', '--config', bad])).stdout).devices[0];
  const q = d.problems.find((x) => x.rule === 'queue');
  assert.equal(q.severity, 'warning');
  assert.match(q.message, /job queue unreadable: .*no such queue/i);
  assert.ok(d.metrics.pageCount > 0, 'the SNMP reading is kept');
});

test('queue config errors name the YAML path and line', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'printers:\n  - { name: p, address: 127.0.0.1, snmp: { version: 2c, community: x }, ipp: "http://x/ipp", queue-stuck: soon }\n  - { name: q, address: 127.0.0.1, snmp: { version: 2c, community: x }, ipp-user: admin }\n');
  const r = await cli(['config', 'validate', '--config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml:2:\d+: printers\[0\]\.ipp: "http:\/\/x\/ipp" must start with ipp:\/\/ or ipps:\/\//);
  assert.match(r.stderr, /bad\.yaml:3:\d+: printers\[1\]\.ipp-user: only with ipp:/);
});

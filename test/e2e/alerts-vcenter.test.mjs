// The alert issue's "done when", through the CLI: a printer running out of toner and a VM at 95 % CPU
// give ONE digest email naming both; the next poll sends nothing; recovery sends one email naming both.
// Real peers on loopback: govmomi's simulator (our launcher), an SNMP agent, an SMTP server.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startPrinterAgent } from '../../dist/demo/printer-agent.js';
import { startVcsim } from '../helpers/vcsim.mjs';
import { cli } from '../helpers/cli.mjs';

let sim;
let agent;
let smtp;
let config;
const received = [];

before(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, subject: /^Subject:\s*(.+)$/im.exec(raw)?.[1].trim() });
        cb();
      });
    },
  });
  await new Promise((r) => smtp.listen(0, '127.0.0.1', r));
  sim = await startVcsim({ hosts: 2, vms: 4 });
  agent = await startPrinterAgent(
    { name: 'lobby', sysDescr: 'Lobby Laser', pageCount: 10, deviceStatus: 2, errorState: [0x00], supplies: [{ description: 'Black Toner', type: 3, cls: 3, max: 100, level: 70 }] },
    'lobby-c',
  );
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-alerts-vc-'));
  config = join(dir, 'monitor.config.yaml');
  copyFileSync(sim.caFile, join(dir, 'vcsim-ca.pem')); // outlives the simulator (second test stops it)
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'defaults: { timeout: 1s, retries: 0 }',
      'thresholds: { host: { health: off } }', // the simulator seeds yellow health on some hosts
      'vcenters:',
      `  - { name: vc1, url: "${sim.url}", username: "${sim.user}", password: "${sim.pass}", ca-file: vcsim-ca.pem }`,
      'printers:',
      // a generous timeout: a printer that never answers is news on its first poll, and this machine is shared
      `  - { name: lobby, address: 127.0.0.1, port: ${agent.port}, snmp: { version: 2c, community: lobby-c }, timeout: 5s, retries: 1 }`,
      'email:',
      `  smtp: { host: 127.0.0.1, port: ${smtp.server.address().port}, require-tls: false }`,
      '  from: simplemon@example.test',
      '  recipients: [ops@example.test]',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await agent?.close();
  await sim?.stop();
  await new Promise((r) => smtp.close(r));
});

const poll = async () => {
  const r = await cli(['poll', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  return r;
};

test('out of toner + VM at 95 % CPU: one digest naming both; then nothing; then one recovery naming both', async () => {
  await poll(); // baseline: everything ok
  assert.equal(received.length, 0, 'nothing wrong yet: no email');
  const st = JSON.parse((await cli(['status', '--json', '--config', config])).stdout);
  const vm = st.devices.find((d) => d.kind === 'vm' && d.metrics.powerState === 'poweredOn');
  assert.ok(vm, 'the simulator has a powered-on VM');

  agent.setLevel(1, 4);
  await sim.op({ op: 'vm-cpu', vm: vm.name, percent: 95 });
  await poll();
  assert.equal(received.length, 1, 'one digest');
  assert.match(received[0].subject, /^\[simplemon\] 2 problems/);
  assert.match(received[0].raw, /printer\/lobby/);
  assert.match(received[0].raw, new RegExp(vm.id.replace(/[/.]/g, '\\$&')));
  assert.match(received[0].raw, /black toner 4%/);
  assert.match(received[0].raw, /CPU 95(\.0)?% > 80%/);

  await poll();
  assert.equal(received.length, 1, 'the next poll sends nothing');

  agent.setLevel(1, 100);
  await sim.op({ op: 'vm-cpu', vm: vm.name, percent: 10 });
  await poll();
  assert.equal(received.length, 2, 'one recovery email');
  assert.match(received[1].subject, /2 recovered/);
  assert.match(received[1].raw, /printer\/lobby/);
  assert.match(received[1].raw, new RegExp(vm.id.replace(/[/.]/g, '\\$&')));
});

test('a stopped simulator: on the first failed poll (a vCenter is not ridden out), one vCenter email, no host or VM emails', async () => {
  const before = received.length;
  const cfgNotify = config;
  await sim.stop();
  const r = await poll();
  const st = JSON.parse((await cli(['status', '--json', '--config', cfgNotify])).stdout);
  const vc = st.devices.find((d) => d.id === 'vcenter/vc1');
  assert.equal(vc.state, 'critical');
  assert.deepEqual(vc.problems.map((p) => p.rule), ['reachable']);
  const others = st.devices.filter((d) => ['host', 'vm', 'datastore'].includes(d.kind));
  assert.ok(others.length > 0);
  assert.ok(others.every((d) => d.state === 'unknown' && d.blockedBy === 'vcenter/vc1' && d.problems.length === 0));
  assert.equal(received.length, before + 1, 'exactly one email');
  assert.match(received.at(-1).raw, /vcenter\/vc1/);
  assert.ok(!/vm\/vc1\/\S+\s+\[/.test(received.at(-1).subject));
  assert.equal(r.stdout, '', 'with email configured, the email carries the news: cron gets no duplicate');
  sim = null;
});

// Alert emails through the real CLI: `simplemon poll` from separate processes (as cron runs it),
// printers served by real SNMP agents on loopback whose values the test changes, and a real SMTP
// server (npm smtp-server) on 127.0.0.1 whose answers the test steers.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startPrinterAgent } from '../../dist/demo/printer-agent.js';
import { cli } from '../helpers/cli.mjs';

const PASSWORD = 'smtp-Pa55-word-xyz';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let smtp;
const mail = { mode: 'ok', received: [] };
let agents = [];
let dir;
let config;

const printer = (name, toner) => ({
  name,
  sysDescr: `Test ${name}`,
  pageCount: 100,
  deviceStatus: 2,
  errorState: [0x00],
  supplies: [{ description: 'Black Toner', type: 3, cls: 3, max: 100, level: toner }],
});

before(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true, // loopback only; TLS paths are covered in test/integration/smtp.test.mjs
    onAuth(auth, session, cb) {
      if (auth.username === 'monitor' && auth.password === PASSWORD) return cb(null, { user: 'monitor' });
      cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        if (mail.mode === '451') return cb(Object.assign(new Error('Local problem, try again later'), { responseCode: 451 }));
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r\n\r\n/)[0];
        mail.received.push({ raw, subject: /^Subject:\s*(.+)$/im.exec(head)?.[1].trim(), messageId: /^Message-ID:\s*(.+)$/im.exec(head)?.[1].trim(), rcpt: session.envelope.rcptTo.map((r) => r.address) });
        cb();
      });
    },
  });
  await new Promise((r) => smtp.listen(0, '127.0.0.1', r));
  agents = [await startPrinterAgent(printer('reception', 12), 'c-reception'), await startPrinterAgent(printer('warehouse', 80), 'c-warehouse')];
  dir = mkdtempSync(join(tmpdir(), 'simplemon-alerts-'));
  writeFileSync(join(dir, 'smtp.pass'), `${PASSWORD}\n`);
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'defaults: { timeout: 1s, retries: 0 }',
      'printers:',
      `  - { name: reception, address: 127.0.0.1, port: ${agents[0].port}, snmp: { version: 2c, community: c-reception } }`,
      `  - { name: warehouse, address: 127.0.0.1, port: ${agents[1].port}, snmp: { version: 2c, community: c-warehouse } }`,
      'email:',
      `  smtp: { host: 127.0.0.1, port: ${smtp.server.address().port}, require-tls: false, user: monitor, password-file: smtp.pass, timeout: 2s }`,
      '  from: simplemon@example.test',
      '  recipients: [ops@example.test, lead@example.test]',
      '  timezone: Asia/Shanghai',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await new Promise((r) => smtp.close(r));
});

const poll = async () => {
  const r = await cli(['poll', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
  return r;
};

test('a printer running out of toner gives one email; the next poll sends nothing; recovery sends one', async () => {
  await poll();
  assert.equal(mail.received.length, 1);
  const first = mail.received[0];
  assert.match(first.subject, /^\[simplemon\] 1 problem/);
  assert.match(first.raw, /printer\/reception/);
  assert.match(first.raw, /black toner 12% < 20%/);
  assert.ok(!first.raw.includes('printer/warehouse'), 'only what changed for the worse');
  assert.deepEqual(first.rcpt.sort(), ['lead@example.test', 'ops@example.test']);
  await poll();
  assert.equal(mail.received.length, 1, 'never twice');
  agents[0].setLevel(1, 95);
  await poll();
  assert.equal(mail.received.length, 2);
  assert.match(mail.received[1].subject, /1 recovered/);
  assert.match(mail.received[1].raw, /printer\/reception/);
  await poll();
  assert.equal(mail.received.length, 2);
});

test('with email configured, poll prints only trouble with the emails (cron mails no duplicate); --verbose shows the changes', async () => {
  agents[1].setErrors([0x00, 0x20], 2); // outputNearFull: not an alert by default, so nothing changes
  const quiet = await poll();
  assert.equal(quiet.stdout, '');
  mail.mode = '451';
  agents[0].setLevel(1, 2);
  const deferred = await poll();
  assert.match(deferred.stdout, /email deferred, retried at the next poll/);
  assert.ok(!deferred.stdout.includes('→') && !deferred.stdout.includes('->'), 'no transition lines: the email will carry them');
  mail.mode = 'ok';
  const verbose = await cli(['poll', '--verbose', '--config', config]);
  assert.match(verbose.stdout, /email sent: /);
  agents[0].setLevel(1, 95);
  const v2 = await cli(['poll', '--verbose', '--config', config]);
  assert.match(v2.stdout, /printer\/reception: critical -> ok/);
});

test('with the mail server answering 451 for three polls, the email arrives once on the fourth, and never again', async () => {
  const before = mail.received.length;
  mail.mode = '451';
  agents[1].setErrors([0x04, 0x00], 2); // jammed
  for (let i = 0; i < 3; i++) {
    await poll();
    const pending = await cli(['alerts', 'pending', '--config', config]);
    assert.equal(pending.code, 0);
    assert.match(pending.stdout, /warehouse|1 (email|message)/i, 'owed email listed in the outbox');
  }
  assert.equal(mail.received.length, before);
  const st = await cli(['status', '--json', '--config', config]);
  assert.equal(JSON.parse(st.stdout).outbox.pending, 1);
  mail.mode = 'ok';
  await poll();
  assert.equal(mail.received.length, before + 1);
  assert.match(mail.received.at(-1).raw, /printer\/warehouse/);
  assert.match(mail.received.at(-1).raw, /jammed/);
  await poll();
  await poll();
  assert.equal(mail.received.length, before + 1, 'never again');
  assert.equal(JSON.parse((await cli(['status', '--json', '--config', config])).stdout).outbox.pending, 0);
  const history = await cli(['alerts', 'history', '--since', '1h', '--config', config]);
  assert.equal(history.code, 0);
  assert.match(history.stdout, /warehouse/);
  agents[1].setErrors([0x00, 0x00], 2);
  await poll();
});

test('maintenance override: no email while it lasts; after it ends the next poll mails the real state', async () => {
  const before = mail.received.length;
  const o = await cli(['override', 'set', 'printer/reception', '--state', 'maintenance', '--for', '8s', '--reason', 'toner swap', '--config', config]);
  assert.equal(o.code, 0, o.stderr);
  agents[0].setLevel(1, 5);
  await poll();
  assert.equal(mail.received.length, before, 'maintenance: no alert');
  const s = JSON.parse((await cli(['status', '--json', '--config', config])).stdout).devices.find((d) => d.id === 'printer/reception');
  assert.equal(s.state, 'critical');
  assert.equal(s.maintenance.reason, 'toner swap');
  // wait out the override (8 s: long enough for the steps above on a loaded 2-core machine)
  await sleep(Math.max(0, Date.parse(s.maintenance.until) - Date.now()) + 200);
  await poll();
  assert.equal(mail.received.length, before + 1, 'the real state is mailed once the override ended');
  assert.match(mail.received.at(-1).raw, /printer\/reception/);
  await poll();
  assert.equal(mail.received.length, before + 1);
});

test('alerts test sends to every recipient and reports each; the password appears nowhere', async () => {
  const before = mail.received.length;
  const r = await cli(['alerts', 'test', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ops@example\.test/);
  assert.match(r.stdout, /lead@example\.test/);
  assert.ok(mail.received.length > before);
  assert.ok(!readFileSync(join(dir, 'state.json'), 'utf8').includes(PASSWORD));
  for (const m of mail.received) assert.ok(!m.raw.includes(PASSWORD));
});

test('a configured maintenance window silences the devices it names and nothing else', async () => {
  // a daily window around "now" (UTC wall clock) for printer/reception only
  const hm = (d) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const now = Date.now();
  const windowed = join(dir, 'windowed.yaml');
  writeFileSync(
    windowed,
    readFileSync(config, 'utf8') +
      `maintenance:\n  - { name: lunch, devices: ["printer/rec*"], every: daily, from: "${hm(new Date(now - 60_000))}", to: "${hm(new Date(now + 5 * 60_000))}", timezone: UTC }\n`,
  );
  agents[0].setLevel(1, 95);
  agents[1].setErrors([0x00, 0x00], 2);
  await cli(['poll', '--config', windowed]);
  const before = mail.received.length;
  agents[0].setLevel(1, 3); // reception: problem inside the window
  agents[1].setErrors([0x04, 0x00], 2); // warehouse jammed: not in the window
  const r = await cli(['poll', '--config', windowed]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(mail.received.length, before + 1);
  const m = mail.received.at(-1).raw;
  assert.match(m, /printer\/warehouse/);
  assert.ok(!m.includes('printer/reception'), 'the window silences reception');
  const s = JSON.parse((await cli(['status', '--json', '--config', windowed])).stdout).devices.find((d) => d.id === 'printer/reception');
  assert.equal(s.maintenance.source, 'lunch');
  assert.equal(s.state, 'critical');
});

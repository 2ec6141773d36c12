// Issue 9 through the real CLI: what an operator must be able to trust. A printer named like its
// community is never masked; an unplugged printer gives one email and its recovery one more; stale
// data says so; set-up steps work as written; output without a UTF-8 locale is ASCII.
// Real peers on loopback: SNMP agents (the demo agent, net-snmp) and an in-process SMTP server.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startPrinterAgent } from '../../dist/demo/printer-agent.js';
import { cli } from '../helpers/cli.mjs';

const PASSWORD = 'smtp-Trust-pw-42';
const mail = { mode: 'ok', received: [] };
let smtp;
let plainSmtp;
let zebra;
let pub;
let dir;
let config;

const printer = (name, toner) => ({ name, sysDescr: `Test ${name}`, pageCount: 100, deviceStatus: 2, errorState: [0x00], supplies: [{ description: 'Black Toner', type: 3, cls: 3, max: 100, level: toner }] });

function writeConfig(zebraPort) {
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'defaults: { timeout: 3s, retries: 0 }',
      'printers:',
      // the name equals the community, as printers' often do
      `  - { name: zebra, address: 127.0.0.1, port: ${zebraPort}, snmp: { version: 2c, community: zebra }, timeout: 700ms }`,
      `  - { name: public, address: 127.0.0.1, port: ${pub.port}, snmp: { version: 2c, community: public } }`,
      'email:',
      `  smtp: { host: 127.0.0.1, port: ${smtp.server.address().port}, require-tls: false, user: monitor, password-file: smtp.pass, timeout: 3s }`,
      '  from: simplemon@example.test',
      '  recipients: [ops@example.test]',
      '  timezone: UTC',
      '',
    ].join('\n'),
  );
}

before(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true,
    onAuth(auth, session, cb) {
      // a server whose refusal echoes what it was given: library text that carries secrets
      if (mail.mode === 'echo') return cb(Object.assign(new Error(`no such account zebra with password ${auth.password}`), { responseCode: 535 }));
      if (auth.username === 'monitor' && auth.password === PASSWORD) return cb(null, { user: 'monitor' });
      cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r\n\r\n/)[0];
        mail.received.push({ raw, subject: /^Subject:\s*(.+)$/im.exec(head)?.[1].trim() });
        cb();
      });
    },
  });
  await new Promise((r) => smtp.listen(0, '127.0.0.1', r));
  // reachable, but offers no STARTTLS: with require-tls every recipient is refused for a TLS reason
  plainSmtp = new SMTPServer({ logger: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, onData: (s, _x, cb) => s.on('end', cb).resume() });
  await new Promise((r) => plainSmtp.listen(0, '127.0.0.1', r));
  zebra = await startPrinterAgent(printer('zebra', 5), 'zebra');
  pub = await startPrinterAgent(printer('public', 90), 'public');
  dir = mkdtempSync(join(tmpdir(), 'simplemon-trust-'));
  writeFileSync(join(dir, 'smtp.pass'), `${PASSWORD}\n`);
  config = join(dir, 'monitor.config.yaml');
  writeConfig(zebra.port);
});

after(async () => {
  await zebra?.close();
  await pub?.close();
  await new Promise((r) => smtp.close(r));
  await new Promise((r) => plainSmtp.close(r));
});

const run = async (args, env = {}) => {
  const r = await cli([...args, '--config', config], { env });
  assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), 'the password never appears');
  return r;
};
const noMask = (r, what) => assert.ok(!/\*\*\*/.test(r.stdout + r.stderr), `${what}: nothing masked:\n${r.stdout}${r.stderr}`);

test('a printer whose name is its community: poll, status, ack, override, alerts history never turn zebra into ***', async () => {
  const p = await run(['poll', '--verbose']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /printer\/zebra/);
  noMask(p, 'poll');
  assert.equal(mail.received.length, 1);
  assert.match(mail.received[0].subject, /printer zebra/);
  assert.ok(!mail.received[0].raw.includes('***'));

  const s = await run(['status']);
  assert.match(s.stdout, /zebra/);
  assert.match(s.stdout, /public/);
  noMask(s, 'status');
  const j = JSON.parse((await run(['status', '--json'])).stdout);
  assert.deepEqual(j.devices.map((d) => d.id), ['printer/zebra', 'printer/public']);

  const ack = await run(['ack', 'printer/zebra', '--reason', 'zebra toner ordered (community zebra)']);
  assert.equal(ack.code, 0, ack.stderr);
  assert.match(ack.stdout, /^printer\/zebra: acknowledged/);
  noMask(ack, 'ack');
  const notBad = await run(['ack', 'printer/public', '--reason', 'x']);
  assert.equal(notBad.code, 2);
  assert.match(notBad.stderr, /printer\/public is ok/, 'the error names the device as it is');
  noMask(notBad, 'ack error');

  const o = await run(['override', 'set', 'printer/zebra', '--state', 'maintenance', '--for', '1h', '--reason', 'zebra swap']);
  assert.equal(o.code, 0, o.stderr);
  assert.match(o.stdout, /printer\/zebra/);
  noMask(o, 'override set');
  const ol = await run(['override', 'list']);
  assert.match(ol.stdout, /printer\/zebra: maintenance .* zebra swap/);
  noMask(ol, 'override list');
  const oc = await run(['override', 'clear', 'printer/zebra']);
  assert.match(oc.stdout, /printer\/zebra: override cleared/);

  const h = await run(['alerts', 'history']);
  assert.match(h.stdout, /printer zebra/);
  assert.match(h.stdout, /printer\/zebra critical/);
  noMask(h, 'alerts history');
  const ev = await run(['events']);
  assert.match(ev.stdout, /printer\/zebra/);
  noMask(ev, 'events');
});

test('a library error that carries the password or the community is still masked', async () => {
  mail.mode = 'echo';
  try {
    const r = await run(['alerts', 'test']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /ops@example\.test: FAILED — .*no such account \*\*\* with password \*\*\*/);
    assert.ok(!r.stdout.includes(PASSWORD));
  } finally {
    mail.mode = 'ok';
  }
});

test('a printer unplugged at 3 a.m.: exactly one email after 2 failed polls, and one more for its recovery', async () => {
  // a healthy state first: toner replaced, everything emailed settles
  zebra.setLevel(1, 90);
  await run(['poll']);
  const before = mail.received.length;
  writeConfig(9); // nothing listens on 127.0.0.1:9 — the printer is unplugged
  const p1 = await run(['poll']);
  assert.equal(p1.code, 0, p1.stderr);
  assert.equal(mail.received.length, before, 'one missed poll is ridden out (a reboot)');
  await run(['poll']);
  assert.equal(mail.received.length, before + 1, 'the second failed poll is news');
  const down = mail.received.at(-1);
  assert.match(down.subject, /1 problem: printer zebra/);
  assert.match(down.raw, /UNKNOWN \(was ok\)/);
  assert.match(down.raw, /reachable: timeout after 700ms/);
  await run(['poll']);
  assert.equal(mail.received.length, before + 1, 'never twice');
  writeConfig(zebra.port); // plugged back in
  await run(['poll']);
  assert.equal(mail.received.length, before + 2);
  assert.match(mail.received.at(-1).subject, /1 recovered/);
  assert.match(mail.received.at(-1).raw, /OK \(was unknown\)/);
  await run(['poll']);
  assert.equal(mail.received.length, before + 2);
});

test('a printer that never answered is reported on the poll that first tries it — by email and, without email, on stdout — once', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-never-'));
  const withEmail = join(d, 'email.yaml');
  writeFileSync(
    withEmail,
    [
      'state-file: e.json',
      'printers:',
      '  - { name: wrong-address, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: c }, timeout: 300ms, retries: 0 }',
      'email:',
      `  smtp: { host: 127.0.0.1, port: ${smtp.server.address().port}, require-tls: false, user: monitor, password-file: ${join(dir, 'smtp.pass')} }`,
      '  from: simplemon@example.test',
      '  recipients: [ops@example.test]',
      '',
    ].join('\n'),
  );
  const before = mail.received.length;
  assert.equal((await cli(['poll', '--config', withEmail])).code, 0);
  assert.equal(mail.received.length, before + 1);
  assert.match(mail.received.at(-1).raw, /UNKNOWN \(new\)\s+printer wrong-address/);
  await cli(['poll', '--config', withEmail]);
  assert.equal(mail.received.length, before + 1, 'once');

  const noEmail = join(d, 'plain.yaml');
  writeFileSync(noEmail, 'state-file: p.json\nprinters:\n  - { name: wrong-address, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: c }, timeout: 300ms, retries: 0 }\n');
  const first = await cli(['poll', '--config', noEmail]);
  assert.equal(first.stdout, 'printer/wrong-address: new -> unknown (timeout after 300ms (0 retries))\n', 'no LANG (as under cron): ASCII arrow');
  assert.equal((await cli(['poll', '--config', noEmail])).stdout, '', 'once');
  writeFileSync(join(d, 'u.yaml'), readFileSync(noEmail, 'utf8').replace('p.json', 'u.json'));
  const inUtf8 = await cli(['poll', '--config', join(d, 'u.yaml')], { env: { LANG: 'C.UTF-8' } });
  assert.match(inUtf8.stdout, /^printer\/wrong-address: new → unknown/, 'a UTF-8 locale keeps the arrow');
});

test('status says STALE when the last poll is older than 3 × poll-interval, in the text and the JSON', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-stale-'));
  const cfg = join(d, 'c.yaml');
  writeFileSync(cfg, `state-file: s.json\npoll-interval: 10m\nprinters:\n  - { name: lobby, address: 127.0.0.1, port: ${pub.port}, snmp: { version: 2c, community: public } }\n`);
  assert.equal((await cli(['poll', '--config', cfg])).code, 0);
  const fresh = await cli(['status', '--config', cfg]);
  assert.doesNotMatch(fresh.stdout, /STALE/);
  assert.equal(JSON.parse((await cli(['status', '--json', '--config', cfg])).stdout).stale, false);
  const st = JSON.parse(readFileSync(join(d, 's.json'), 'utf8'));
  st.checkedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
  writeFileSync(join(d, 's.json'), JSON.stringify(st), { mode: 0o600 });
  const old = await cli(['status', '--config', cfg]);
  assert.match(old.stdout.split('\n')[0], /last poll 3d ago \(.*\) - STALE: cron may have stopped \(poll-interval 10m\)$/);
  assert.equal(JSON.parse((await cli(['status', '--json', '--config', cfg])).stdout).stale, true);
  const coloured = await cli(['status', '--config', cfg], { env: { FORCE_COLOR: '1', LANG: 'C.UTF-8' } });
  assert.match(coloured.stdout, /— \x1b\[31m\x1b\[1mSTALE/, 'in colour on a terminal');
  // 25 minutes with a 10-minute interval: not stale yet; 31 minutes: stale
  // the Nagios check agrees: its default --stale-after is 3 × poll-interval too
  st.checkedAt = new Date(Date.now() - 25 * 60_000).toISOString();
  writeFileSync(join(d, 's.json'), JSON.stringify(st), { mode: 0o600 });
  assert.equal(JSON.parse((await cli(['status', '--json', '--config', cfg])).stdout).stale, false);
  assert.equal((await cli(['check', 'printer/lobby', '--config', cfg])).code, 0);
  st.checkedAt = new Date(Date.now() - 31 * 60_000).toISOString();
  writeFileSync(join(d, 's.json'), JSON.stringify(st), { mode: 0o600 });
  assert.equal(JSON.parse((await cli(['status', '--json', '--config', cfg])).stdout).stale, true);
  const chk = await cli(['check', 'printer/lobby', '--config', cfg]);
  assert.equal(chk.code, 3);
  assert.match(chk.stdout, /stale/);
});

test('config init creates missing folders', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-init-'));
  const target = join(d, 'etc', 'simplemon', 'monitor.config.yaml');
  const r = await cli(['config', 'init', target]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(target));
  assert.equal(statSync(target).mode & 0o777, 0o600);
  const v = await cli(['config', 'validate', '--config', target]);
  assert.equal(v.code, 0, v.stderr);
});

test('alerts test reports each recipient\'s own outcome (a TLS refusal is not "not tried")', async () => {
  const d = mkdtempSync(join(tmpdir(), 'simplemon-tls-'));
  const cfg = join(d, 'c.yaml');
  // a password that is also an English word: our own words around the server's text are never masked
  writeFileSync(join(d, 'pw'), 'clear\n');
  writeFileSync(cfg, `state-file: s.json\nemail:\n  smtp: { host: 127.0.0.1, port: ${plainSmtp.server.address().port}, require-tls: true, timeout: 3s, user: monitor, password-file: pw }\n  from: simplemon@example.test\n  recipients: [a@example.test, b@example.test, c@example.test]\n`);
  const r = await cli(['alerts', 'test', '--config', cfg]);
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n').filter((l) => /@example\.test: /.test(l));
  assert.equal(lines.length, 3);
  for (const l of lines) {
    assert.match(l, /FAILED — \[smtp 127\.0\.0\.1:\d+\] refused to send in clear \(require-tls\): .*STARTTLS/, l);
    assert.doesNotMatch(l, /not tried/);
  }
});

test('help promises only what exists; poll and status take the same words, singular and plural', async () => {
  // every kind word the help names is one a source declares (services now has its source)
  const { KIND_SPECS } = await import('../../dist/sources/index.js');
  const ph = (await cli(['poll', '--help'])).stdout.replace(/\s+/g, ' ');
  const listed = /singular or plural: ([a-z, ]+?) \(/.exec(ph)[1].split(', ');
  assert.deepEqual([...listed].sort(), KIND_SPECS.map((k) => k.words[0]).sort());
  const d = mkdtempSync(join(tmpdir(), 'simplemon-words-'));
  const cfg = join(d, 'c.yaml');
  writeFileSync(cfg, `state-file: s.json\nprinters:\n  - { name: lobby, address: 127.0.0.1, port: ${pub.port}, snmp: { version: 2c, community: public } }\n`);
  for (const w of ['printer', 'printers']) {
    assert.equal((await cli(['poll', w, '--config', cfg])).code, 0, `poll ${w}`);
    assert.equal((await cli(['status', w, '--config', cfg])).code, 0, `status ${w}`);
  }
});

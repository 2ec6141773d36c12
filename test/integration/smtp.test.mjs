// Alert emails against a real SMTP server (npm smtp-server, in-process on 127.0.0.1, random ports):
// AUTH PLAIN/LOGIN, STARTTLS with a private CA made by openssl here, SMTPS, require-tls against a server
// without STARTTLS, refused connections, a server that hangs, 421/451/550 replies — and the outbox across
// polls with a fixed clock, driven through plan()/deliver() on a real state file, as the poll does.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { parseConfig } from '../../dist/config/load.js';
import { createEmailNotifier } from '../../dist/notify/email-notifier.js';
// the state with the notifier's section, as the commands open it
import { openAppState as openState, readAppState as readState } from '../../dist/app/state.js';
import { alertsTest, alertsPending, alertsHistory, alertsRetry } from '../../dist/cli/commands/alerts.js';

const PASSWORD = 'S3cret-pa55word!x';
const SECRET_FORMS = [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(`\u0000monitor\u0000${PASSWORD}`).toString('base64')];
const NOW = new Date('2026-11-24T06:00:00.000Z');
const at = (min) => new Date(NOW.getTime() + min * 60_000);

let dir;
let pki;
const servers = [];
/** Everything the code under test printed or stored: checked for the password at the end. */
const outputs = [];

function makePki(d) {
  const run = (...args) => execFileSync('openssl', args, { cwd: d, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=simplemon test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(d, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  return { ca: join(d, 'ca.pem'), key: readFileSync(join(d, 'server.key')), cert: readFileSync(join(d, 'server.pem')) };
}

/**
 * A real SMTP server whose answers the test steers with `ctl.mode`: ok | 421 (at connect) | 451 (after
 * DATA) | 550 (every recipient). `nobody@…` is always refused with 550.
 */
async function startSmtp({ secure = false, tls = true, authMethods = ['PLAIN', 'LOGIN'], authOptional = false } = {}) {
  const ctl = { mode: 'ok', received: [], auths: [], connections: 0, mailFroms: 0, port: 0 };
  const server = new SMTPServer({
    logger: false,
    secure,
    ...(tls ? { key: pki.key, cert: pki.cert } : {}),
    disabledCommands: tls ? [] : ['STARTTLS'],
    hideSTARTTLS: !tls,
    authMethods,
    authOptional,
    allowInsecureAuth: false,
    onConnect(session, cb) {
      ctl.connections++;
      if (ctl.mode === '421') return cb(Object.assign(new Error('Too busy, try again later'), { responseCode: 421 }));
      cb();
    },
    onAuth(auth, session, cb) {
      ctl.auths.push(auth.method);
      if (auth.username === 'monitor' && auth.password === PASSWORD) return cb(null, { user: 'monitor' });
      cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onMailFrom(address, session, cb) {
      ctl.mailFroms++;
      cb();
    },
    onRcptTo(address, session, cb) {
      if (ctl.mode === '550' || address.address.startsWith('nobody@')) return cb(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        if (ctl.mode === '451') return cb(Object.assign(new Error('Local problem, try again later'), { responseCode: 451 }));
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r\n\r\n/)[0];
        const messageId = /^Message-ID:\s*(.+)$/im.exec(head)?.[1].trim();
        ctl.received.push({ raw, head, messageId, secure: Boolean(session.secure), user: session.user ?? null, rcpt: session.envelope.rcptTo.map((r) => r.address) });
        cb(null, 'Queued as test');
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctl.port = server.server.address().port;
  servers.push({ close: () => new Promise((r) => server.close(r)) });
  return ctl;
}

/** A TCP server that accepts and never says a word. */
async function startHanging() {
  const sockets = new Set();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  servers.push({
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        srv.close(r);
      }),
  });
  return srv.address().port;
}

/** A port on which nothing listens. */
async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const port = srv.address().port;
  await new Promise((r) => srv.close(r));
  return port;
}

let seq = 0;
/** A config through the real validator: email section with the password from a password-file. */
function makeConfig({ port, secure = false, requireTls = true, ca = true, user = true, password = null, timeout = '3s', insecure = null, recipients = ['ops@example.com', 'it-lead@example.com'], extra = '' }) {
  const stateFile = join(dir, `state-${++seq}.json`);
  const pwFile = join(dir, `pass-${seq}`);
  writeFileSync(pwFile, (password ?? PASSWORD) + '\n');
  const yaml = [
    `state-file: ${stateFile}`,
    'lock-timeout: 5s',
    'email:',
    '  smtp:',
    '    host: 127.0.0.1',
    `    port: ${port}`,
    `    secure: ${secure}`,
    `    require-tls: ${requireTls}`,
    ...(user ? ['    user: monitor', `    password-file: ${pwFile}`] : []),
    ...(ca ? [`    ca-file: ${pki.ca}`] : []),
    ...(insecure !== null ? [`    insecure: ${insecure}`] : []),
    `    timeout: ${timeout}`,
    '  from: simplemon@example.com',
    `  recipients: [${recipients.join(', ')}]`,
    '  timezone: Asia/Shanghai',
    extra,
  ].join('\n');
  return parseConfig(yaml, join(dir, 'monitor.config.yaml'), { env: {} });
}

function dv(id, state, extra = {}) {
  const [kind, ...rest] = id.split('/');
  const problems =
    state === 'ok' ? [] : [{ rule: kind === 'printer' ? 'toner-low' : 'cpu', severity: state, message: kind === 'printer' ? 'black toner 3% (below 20%)' : 'CPU 95% (above 90%)' }];
  return { id, kind, name: rest[rest.length - 1], target: '127.0.0.2', state, realState: state, since: '2026-11-24T05:55:00.000Z', problems, override: null, maintenance: null, ack: null, blockedBy: null, lastSeen: null, metrics: {}, ...extra };
}
const PROBLEMS = [dv('printer/office-1', 'critical'), dv('vm/vc1/web-1', 'critical')];
const RECOVERED = [dv('printer/office-1', 'ok'), dv('vm/vc1/web-1', 'ok')];

/**
 * One poll's alerting, as run-poll does it: under the lock, plan → save → deliver → save.
 * `kill: true` stops after the send, before the second save (the process died there).
 */
async function poll(cfg, views, now, { kill = false } = {}) {
  const notifier = createEmailNotifier(cfg);
  const store = await openState(cfg.stateFile, { lockTimeoutMs: 5000, command: 'test poll' });
  try {
    notifier.plan(store.data.notify, { now, transitions: [], views });
    await store.save();
    if (!store.data.notify.outbox.length) return null;
    const report = await notifier.deliver(store.data.notify, now);
    outputs.push(...report.lines);
    if (!kill) await store.save();
    return report;
  } finally {
    await store.close();
  }
}

async function stateOf(cfg) {
  const s = await readState(cfg.stateFile);
  outputs.push(JSON.stringify(s));
  return s;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-smtp-'));
  pki = makePki(dir);
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  // every state file written by these tests too
  for (let i = 1; i <= seq; i++) {
    const f = join(dir, `state-${i}.json`);
    if (existsSync(f)) outputs.push(readFileSync(f, 'utf8'));
  }
  rmSync(dir, { recursive: true, force: true });
  const leaks = outputs.filter((o) => SECRET_FORMS.some((s) => o.includes(s)));
  assert.deepEqual(leaks, [], 'the SMTP password appears in output or state');
});

describe('SMTP: TLS and authentication', () => {
  test('STARTTLS with a private CA (ca-file) and AUTH PLAIN', async () => {
    const smtp = await startSmtp({ authMethods: ['PLAIN'] });
    const cfg = makeConfig({ port: smtp.port });
    const r = await poll(cfg, PROBLEMS, at(0));
    assert.equal(r.sent, 1, r.lines.join('\n'));
    assert.deepEqual(smtp.auths, ['PLAIN']);
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0].secure, true);
    assert.equal(smtp.received[0].user, 'monitor');
    assert.deepEqual(smtp.received[0].rcpt, ['ops@example.com', 'it-lead@example.com']);
  });

  test('STARTTLS and AUTH LOGIN', async () => {
    const smtp = await startSmtp({ authMethods: ['LOGIN'] });
    const r = await poll(makeConfig({ port: smtp.port }), PROBLEMS, at(0));
    assert.equal(r.sent, 1, r.lines.join('\n'));
    assert.deepEqual(smtp.auths, ['LOGIN']);
    assert.equal(smtp.received[0].secure, true);
  });

  test('SMTPS: implicit TLS from the first byte', async () => {
    const smtp = await startSmtp({ secure: true });
    const r = await poll(makeConfig({ port: smtp.port, secure: true }), PROBLEMS, at(0));
    assert.equal(r.sent, 1, r.lines.join('\n'));
    assert.equal(smtp.received[0].secure, true);
  });

  test('the certificate is verified by default: without the CA nothing is sent; insecure: true sends (with a warning)', async () => {
    const smtp = await startSmtp();
    const strict = makeConfig({ port: smtp.port, ca: false });
    const r = await poll(strict, PROBLEMS, at(0));
    assert.equal(r.sent, 0);
    assert.equal(r.deferred, 1);
    assert.match(r.lines.join('\n'), /certificate|self[- ]signed|issuer/i);
    assert.equal(smtp.mailFroms, 0);
    assert.deepEqual(smtp.auths, []);
    const lax = makeConfig({ port: smtp.port, ca: false, insecure: true });
    assert.match(lax.warnings.join('\n'), /not verified \(insecure: true\)/);
    const r2 = await poll(lax, PROBLEMS, at(0));
    assert.equal(r2.sent, 1, r2.lines.join('\n'));
  });

  test('require-tls against a server without STARTTLS: refuses to send in clear, the password never crosses', async () => {
    const smtp = await startSmtp({ tls: false, authOptional: true });
    const cfg = makeConfig({ port: smtp.port });
    const r = await poll(cfg, PROBLEMS, at(0));
    assert.equal(r.sent, 0);
    assert.equal(r.deferred, 1);
    assert.match(r.lines.join('\n'), /refused to send in clear/);
    assert.equal(smtp.mailFroms, 0);
    assert.deepEqual(smtp.auths, []);
    const s = await stateOf(cfg);
    assert.equal(s.notify.outbox.length, 1);
    assert.equal(s.notify.outbox[0].status, 'pending');
  });

  test('a wrong password (535) is permanent: kept, marked failed, and the password is in no message', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port, password: 'wrong-password-123' });
    const r = await poll(cfg, PROBLEMS, at(0));
    assert.equal(r.failed, 1, r.lines.join('\n'));
    const s = await stateOf(cfg);
    assert.equal(s.notify.outbox[0].status, 'failed');
    assert.match(s.notify.outbox[0].lastError, /535/);
    assert.ok(!JSON.stringify(s).includes('wrong-password-123'));
  });
});

describe('SMTP: failures are classified', () => {
  test('a refused connection is transient: the message stays queued with its content', async () => {
    const cfg = makeConfig({ port: await closedPort() });
    const r = await poll(cfg, PROBLEMS, at(0));
    assert.deepEqual([r.sent, r.deferred, r.failed], [0, 1, 0]);
    assert.match(r.lines.join('\n'), /ECONNECTION|ECONNREFUSED/);
    const e = (await stateOf(cfg)).notify.outbox[0];
    assert.equal(e.status, 'pending');
    assert.equal(e.attempts, 1);
    assert.match(e.subject, /2 problems/);
  });

  test('after a connection failure the other queued messages wait for the next poll instead of the same timeout', async () => {
    const cfg = makeConfig({ port: await closedPort(), extra: '  mode: per-device' });
    const r = await poll(cfg, PROBLEMS, at(0));
    assert.deepEqual([r.sent, r.deferred, r.failed], [0, 2, 0]);
    const box = (await stateOf(cfg)).notify.outbox;
    assert.deepEqual(box.map((e) => [e.status, e.attempts]), [['pending', 1], ['pending', 0]]);
  });

  test('a server that hangs times out after the configured timeout: transient', async () => {
    const port = await startHanging();
    const cfg = makeConfig({ port, timeout: '500ms' });
    const t0 = Date.now();
    const r = await poll(cfg, PROBLEMS, at(0));
    const took = Date.now() - t0;
    assert.equal(r.deferred, 1);
    assert.ok(took < 5000, `took ${took} ms`);
    assert.match(r.lines.join('\n'), /timeout after 500 ms/);
  });

  for (const [code, status] of [
    ['421', 'pending'],
    ['451', 'pending'],
    ['550', 'failed'],
  ]) {
    test(`${code} → ${status === 'pending' ? 'transient: retried at the next poll' : 'permanent: kept, marked failed, shown by alerts pending'}`, async () => {
      const smtp = await startSmtp();
      smtp.mode = code;
      const cfg = makeConfig({ port: smtp.port });
      await poll(cfg, PROBLEMS, at(0));
      const s = await stateOf(cfg);
      assert.equal(s.notify.outbox.length, 1);
      assert.equal(s.notify.outbox[0].status, status);
      assert.match(s.notify.outbox[0].lastError, new RegExp(code));
      assert.equal(smtp.received.length, 0);
      const pending = await alertsPending(cfg);
      outputs.push(pending.output);
      assert.equal(pending.exitCode, 0);
      assert.match(pending.output, status === 'failed' ? /FAILED/ : /pending \(retried/);
      assert.match(pending.output, new RegExp(code));
    });
  }

  test('alerts retry sends what was refused for good once the cause is fixed', async () => {
    const smtp = await startSmtp();
    smtp.mode = '550';
    const cfg = makeConfig({ port: smtp.port });
    await poll(cfg, PROBLEMS, at(0));
    const id = (await stateOf(cfg)).notify.outbox[0].messageId;
    // a poll does not retry it by itself
    await poll(cfg, PROBLEMS, at(5));
    assert.equal(smtp.received.length, 0);
    smtp.mode = 'ok';
    const r = await alertsRetry(cfg, { now: at(10) });
    outputs.push(r.output);
    assert.equal(r.exitCode, 0, r.output);
    assert.match(r.output, /1 sent/);
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0].messageId, id);
    assert.equal((await stateOf(cfg)).notify.outbox.length, 0);
    const again = await alertsRetry(cfg, { now: at(11) });
    assert.match(again.output, /no emails pending/);
  });
});

describe('SMTP: the outbox across polls (fixed clock)', () => {
  test('with 451 for three polls, the email arrives once on the fourth, and never again', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port });
    smtp.mode = '451';
    await poll(cfg, PROBLEMS, at(0));
    const queued = (await stateOf(cfg)).notify.outbox[0];
    await poll(cfg, PROBLEMS, at(5));
    await poll(cfg, PROBLEMS, at(10));
    let s = await stateOf(cfg);
    assert.equal(s.notify.outbox.length, 1, 'no second message was queued for the same problems');
    assert.equal(s.notify.outbox[0].attempts, 3);
    assert.equal(smtp.received.length, 0);
    smtp.mode = 'ok';
    await poll(cfg, PROBLEMS, at(15));
    await poll(cfg, PROBLEMS, at(20));
    await poll(cfg, PROBLEMS, at(25));
    assert.equal(smtp.received.length, 1);
    const got = smtp.received[0];
    assert.equal(got.messageId, queued.messageId);
    assert.match(got.head, /^Subject: \[simplemon\] 2 problems$/m);
    assert.match(got.raw, /office-1/);
    assert.match(got.raw, /web-1/);
    // the original content: composed at the first poll, not at the fourth
    assert.match(got.head, /^Date: Tue, 24 Nov 2026 06:00:00 \+0000$/m);
    s = await stateOf(cfg);
    assert.equal(s.notify.outbox.length, 0);
    assert.equal(s.notify.history.length, 1);
    assert.equal(s.notify.history[0].attempts, 4);
    assert.equal(s.notify.notified['printer/office-1'].sent, true);
  });

  test('a problem, then its recovery: one email each, naming both devices; nothing when nothing changed', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port });
    await poll(cfg, PROBLEMS, at(0));
    assert.equal(smtp.received.length, 1);
    assert.match(smtp.received[0].head, /^Content-Type: multipart\/alternative/m);
    assert.match(smtp.received[0].raw, /Content-Type: text\/plain/);
    assert.match(smtp.received[0].raw, /Content-Type: text\/html/);
    assert.match(smtp.received[0].head, /^Auto-Submitted: auto-generated$/m);
    assert.match(smtp.received[0].raw, /since 2026-11-24 13:55 GMT\+8/, 'times in the configured timezone');
    const connections = smtp.connections;
    assert.equal(await poll(cfg, PROBLEMS, at(5)), null, 'nothing to deliver');
    assert.equal(smtp.connections, connections, 'no connection when nothing changed');
    await poll(cfg, RECOVERED, at(10));
    assert.equal(smtp.received.length, 2);
    assert.match(smtp.received[1].head, /^Subject: \[simplemon\] 2 recovered$/m);
    assert.match(smtp.received[1].raw, /office-1/);
    assert.match(smtp.received[1].raw, /web-1/);
    await poll(cfg, RECOVERED, at(15));
    assert.equal(smtp.received.length, 2);
    const h = await alertsHistory(cfg, { since: '7d', now: at(20) });
    outputs.push(h.output);
    assert.match(h.output, /2 email\(s\) sent in the last 7d/);
    assert.match(h.output, /2026-11-24 14:00 GMT\+8  \[simplemon\] 2 problems/);
    assert.match(h.output, /2026-11-24 14:10 GMT\+8  \[simplemon\] 2 recovered/);
    assert.match((await alertsHistory(cfg, { since: '5m', now: at(20) })).output, /no emails sent in the last 5m/);
  });

  test('killed between send and save: the next poll resends it with the same Message-ID, then never again', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port });
    await poll(cfg, PROBLEMS, at(0), { kill: true });
    assert.equal(smtp.received.length, 1);
    assert.equal((await stateOf(cfg)).notify.outbox.length, 1, 'the state on disk still owes it');
    await poll(cfg, PROBLEMS, at(5));
    await poll(cfg, PROBLEMS, at(10));
    assert.equal(smtp.received.length, 2);
    assert.equal(smtp.received[1].messageId, smtp.received[0].messageId);
  });

  test('device text cannot inject headers or recipients', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port });
    const evil = dv('printer/x', 'critical', { name: 'x\r\nBcc: victim@evil.example\r\nX-Evil: 1', problems: [{ rule: 'printer-status', severity: 'critical', message: 'jam\r\n\r\n<script>alert(1)</script>' }] });
    await poll(cfg, [evil], at(0));
    assert.equal(smtp.received.length, 1);
    const m = smtp.received[0];
    assert.deepEqual(m.rcpt, ['ops@example.com', 'it-lead@example.com']);
    assert.doesNotMatch(m.head, /^Bcc:/im);
    assert.doesNotMatch(m.head, /^X-Evil:/im);
    // the HTML part (quoted-printable in transit) carries the device text escaped
    const html = m.raw.split(/Content-Type: text\/html/i)[1].replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('a recipient refused with 550 is kept as failed; the others get it once', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port, recipients: ['ops@example.com', 'nobody@example.com'] });
    const r = await poll(cfg, PROBLEMS, at(0));
    assert.equal(r.sent, 1);
    assert.equal(r.failed, 1);
    assert.deepEqual(smtp.received[0].rcpt, ['ops@example.com']);
    const s = await stateOf(cfg);
    assert.deepEqual(s.notify.outbox.map((e) => [e.to, e.status]), [[['nobody@example.com'], 'failed']]);
    await poll(cfg, PROBLEMS, at(5));
    assert.equal(smtp.received.length, 1);
  });
});

describe('alerts test', () => {
  test('sends to every recipient and reports per recipient', async () => {
    const smtp = await startSmtp();
    const cfg = makeConfig({ port: smtp.port, recipients: ['ops@example.com', 'nobody@example.com'], extra: '  routes:\n    - { kind: printer, name: "floor2-*", recipients: [floor2-admin@example.com] }' });
    const r = await alertsTest(cfg, { now: at(0) });
    outputs.push(r.output);
    assert.equal(r.exitCode, 1);
    assert.match(r.output, /ops@example\.com: accepted/);
    assert.match(r.output, /floor2-admin@example\.com: accepted/);
    assert.match(r.output, /nobody@example\.com: FAILED — .*550/);
    assert.equal(smtp.received.length, 2);
    assert.ok(smtp.received.every((m) => /^Subject: \[simplemon\] test email$/m.test(m.head)));
    const s = await stateOf(cfg);
    assert.equal(s.notify.outbox.length, 0, 'a test is never queued');
    assert.equal(s.notify.history.filter((h) => h.kind === 'test').length, 2);
  });

  test('against a server that is down: exit 1, every recipient reported', async () => {
    const cfg = makeConfig({ port: await closedPort() });
    const r = await alertsTest(cfg, { now: at(0) });
    outputs.push(r.output);
    assert.equal(r.exitCode, 1);
    assert.match(r.output, /ops@example\.com: FAILED/);
    assert.match(r.output, /it-lead@example\.com: FAILED/);
  });
});

describe('email: config section', () => {
  const base = (smtp, rest = '') => `email:\n  smtp: ${smtp}\n  from: simplemon@example.com\n  recipients: [ops@example.com]\n${rest}`;
  const errorOf = (yaml) => {
    try {
      parseConfig(yaml, join(dir, 'bad.yaml'), { env: { SMTP_PASS: PASSWORD } });
    } catch (e) {
      outputs.push(e.message);
      return e.message;
    }
    return null;
  };

  test('defaults: port 587 with require-tls, 465 with secure; digest; reminders off; unknown alerted (notify-unknown: false opts out)', () => {
    const cfg = parseConfig(base('{ host: smtp.example.com }'), join(dir, 'ok.yaml'), { env: {} });
    assert.deepEqual(
      { port: cfg.email.smtp.port, requireTls: cfg.email.smtp.requireTls, secure: cfg.email.smtp.secure, timeout: cfg.email.smtp.timeoutMs, mode: cfg.email.mode, repeat: cfg.email.repeatEveryMs, unknown: cfg.email.notifyUnknown, insecure: cfg.email.smtp.insecure },
      { port: 587, requireTls: true, secure: false, timeout: 10000, mode: 'digest', repeat: null, unknown: true, insecure: false },
    );
    assert.equal(parseConfig(base('{ host: smtp.example.com, secure: true }'), join(dir, 'ok.yaml'), { env: {} }).email.smtp.port, 465);
    const full = parseConfig(base('{ host: h, user: monitor, password: "${SMTP_PASS}" }', '  repeat-every: 4h\n  mode: per-device\n  notify-unknown: ["vcenter/*"]\n  timezone: Asia/Shanghai\n'), join(dir, 'ok.yaml'), { env: { SMTP_PASS: PASSWORD } });
    assert.equal(full.email.repeatEveryMs, 4 * 3_600_000);
    assert.deepEqual(full.email.notifyUnknown, ['vcenter/*']);
    assert.ok(full.secrets.includes(PASSWORD));
  });

  test('errors name the YAML path and line', () => {
    assert.match(errorOf(base('{ host: h, tls: true }')), /bad\.yaml:2:\d+: email\.smtp\.tls: unknown key "tls"/);
    assert.match(errorOf(base('{ host: h }', '  timezone: Mars/Olympus\n')), /email\.timezone: "Mars\/Olympus" is not a time zone/);
    assert.match(errorOf(base('{ host: h, password: "${SMTP_PASS}" }')), /a password needs a user/);
    assert.match(errorOf(base('{ host: h, user: u }')), /user needs a password/);
    assert.match(errorOf(base('{ host: h, user: u, password: "${EMPTY}" }').replace('EMPTY', 'SMTP_EMPTY')), /environment variable SMTP_EMPTY is not set/);
    assert.match(errorOf(base('{ host: h, user: u, password: "" }')), /email\.smtp\.password: the password is empty/);
    assert.match(errorOf(base('{ host: h }', '  mode: weekly\n')), /email\.mode: expected one of digest, per-device/);
    assert.match(errorOf(base('{ host: h }', '  repeat-every: soon\n')), /email\.repeat-every: "soon" is not a duration/);
    assert.match(errorOf(base('{ host: h }', '  routes:\n    - { kind: toaster, recipients: [a@example.com] }\n')), /email\.routes\[0\]\.kind: expected one of vcenter, host, vm, datastore, printer/);
    assert.match(errorOf('email:\n  smtp: { host: h }\n  from: "a@b.example\\r\\nBcc: x@y.example"\n  recipients: [ops@example.com]\n'), /email\.from: [\s\S]* is not a plain email address/);
    assert.match(errorOf(base('{ host: h, ca-file: /nonexistent/ca.pem }')), /email\.smtp\.ca-file: cannot read/);
  });
});

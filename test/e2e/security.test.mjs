// Security checks through the CLI (issue 10, Deliver 4). A realistic site — printers over SNMP v2c and v3
// (snmpsim, test/helpers/snmpsim.mjs), one of them hostile (CR/LF, HTML and ANSI escapes in its strings),
// a vCenter and a web service that are down, alert emails over STARTTLS with AUTH to an in-process
// smtp-server — is run through config validate, poll, status (table, JSON, HTML page), alerts,
// history, events, override, export and check. Then every stdout and stderr, the state file, the history
// files, the metrics text, the HTML page and every email (raw, and each MIME part decoded) is searched
// for each test secret and its base64 form: none may appear. Modes, TLS verification and the
// neutralising of device strings are checked on the way.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startSnmpsim, V3_USERS } from '../helpers/snmpsim.mjs';
import { makeTestCa } from '../helpers/tls-ca.mjs';
import { cli, repo } from '../helpers/cli.mjs';

const FIXTURES = join(repo, 'test', 'fixtures');
// snmpsim answers a community named after the recording (and an SNMPv3 context of that name)
const COMMUNITY = 'Sec-C0mmunity-laser-7f2k';
const HOSTILE_COMMUNITY = 'Sec-C0mmunity-hostile-Q9x';
const WRONG_COMMUNITY = 'Sec-Wr0ng-community-Zk3';
const V3_CONTEXT = 'sec-v3-context';
const SMTP_USER = 'monitor';
const SMTP_PASSWORD = 'Sec-Smtp-Pa55w0rd-J4m';
const VC_PASSWORD = 'Sec-Vc-Pa55w0rd-W8r';
const URL_PASSWORD = 'Sec-Url-Pa55-T6y';
const V3 = V3_USERS.authPriv;
const SECRETS = [COMMUNITY, HOSTILE_COMMUNITY, WRONG_COMMUNITY, SMTP_PASSWORD, VC_PASSWORD, URL_PASSWORD, V3.auth.key, V3.priv.key];
/** Every form a secret could leak in: as is, base64, and SMTP AUTH PLAIN's base64 of "\0user\0password". */
const FORMS = [
  ...SECRETS.flatMap((s) => [s, Buffer.from(s).toString('base64')]),
  Buffer.from(`\0${SMTP_USER}\0${SMTP_PASSWORD}`).toString('base64'),
];

let sim;
let pki;
let dir;
let config;
let web;
let closedPort;
const smtpServers = [];
/** Every text the site produced, labelled: searched for the secrets at the end. */
const texts = [];

/** A real SMTP server (STARTTLS with `cert`, AUTH required); keeps every message raw and every AUTH attempt. */
async function startSmtp(cert) {
  const ctl = { received: [], auths: 0, port: 0 };
  const server = new SMTPServer({
    logger: false,
    key: cert.key,
    cert: cert.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    onAuth(auth, session, cb) {
      ctl.auths++;
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return cb(null, { user: SMTP_USER });
      cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        ctl.received.push(Buffer.concat(chunks).toString('utf8'));
        cb(null, 'Queued');
      });
    },
  });
  server.on('error', () => {});
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  ctl.port = server.server.address().port;
  smtpServers.push(server);
  return ctl;
}

/** A MIME message's parts, decoded (quoted-printable, base64), so that a secret cannot hide in an encoding. */
function mimeParts(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  if (boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .flatMap((p) => mimeParts(p.replace(/^\r\n/, '')));
  }
  const enc = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(head)?.[1].toLowerCase();
  const type = /^Content-Type:\s*([^;\r\n]+)/im.exec(head)?.[1].trim().toLowerCase() ?? 'text/plain';
  let text = body;
  if (enc === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    text = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return [{ type, text }];
}

/** The header block of a message, unfolded: one header a line. */
const headerLines = (raw) => raw.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ').split('\r\n');

function run(args, { env = {}, label } = {}) {
  return cli([...args, '--config', config], { env: { SEC_HOSTILE_COMMUNITY: HOSTILE_COMMUNITY, ...env } }).then((r) => {
    texts.push([`${label ?? args.join(' ')} (stdout)`, r.stdout], [`${label ?? args.join(' ')} (stderr)`, r.stderr]);
    return r;
  });
}

/** Terminal text: no ESC, BEL, CR or other control character from a device; no line a device started. */
function assertTerminalSafe(what, text, { colour = false } = {}) {
  const t = colour ? text.replace(/\x1b\[[0-9;]*m/g, '') : text; // our own colours (SGR) only
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.exec(t);
  assert.equal(bad, null, `${what}: raw control character ${JSON.stringify(bad?.[0])} in ${JSON.stringify(t.slice(Math.max(0, bad?.index - 40), bad?.index + 40))}`);
  for (const line of t.split('\n')) assert.doesNotMatch(line, /^\s*(X-Injected|Bcc|X-Evil):/, `${what}: a device started a line: ${line}`);
}

let smtp;
before(async () => {
  pki = makeTestCa();
  dir = mkdtempSync(join(tmpdir(), 'simplemon-security-'));
  // the recordings under the secret community names
  const recs = join(dir, 'recordings');
  mkdirSync(recs);
  copyFileSync(join(FIXTURES, 'snmp', 'colour-laser.snmprec'), join(recs, `${COMMUNITY}.snmprec`));
  copyFileSync(join(FIXTURES, 'e2e', 'hostile.snmprec'), join(recs, `${HOSTILE_COMMUNITY}.snmprec`));
  copyFileSync(join(FIXTURES, 'e2e', 'healthy.snmprec'), join(recs, `${V3_CONTEXT}.snmprec`));
  sim = await startSnmpsim({ files: readdirSync(recs).map((f) => join(recs, f)) });
  smtp = await startSmtp(pki.valid);
  web = http.createServer((req, res) => res.writeHead(503).end('down for maintenance'));
  await new Promise((r) => web.listen(0, '127.0.0.1', r));
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));

  writeFileSync(join(dir, 'ca.pem'), pki.ca);
  writeFileSync(join(dir, 'priv.key'), `${V3.priv.key}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'smtp.pass'), `${SMTP_PASSWORD}\n`, { mode: 0o600 });
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state/simplemon.json',
      'lock-timeout: 5s',
      'defaults: { timeout: 1s, retries: 0 }',
      'printers:',
      `  - { name: laser, address: 127.0.0.1, port: ${sim.port}, snmp: { version: 2c, community: "${COMMUNITY}" } }`,
      `  - { name: hostile, address: 127.0.0.1, port: ${sim.port}, snmp: { version: 2c, community: "\${SEC_HOSTILE_COMMUNITY}" } }`,
      `  - { name: wrong, address: 127.0.0.1, port: ${sim.port}, timeout: 300ms, snmp: { version: 1, community: "${WRONG_COMMUNITY}" } }`,
      `  - name: v3`,
      `    address: 127.0.0.1`,
      `    port: ${sim.port}`,
      `    snmp: { version: 3, user: ${V3.user}, context: ${V3_CONTEXT}, auth: { protocol: ${V3.auth.protocol}, key: "${V3.auth.key}" }, priv: { protocol: ${V3.priv.protocol}, key-file: priv.key } }`,
      'vcenters:',
      `  - { name: vc, url: "https://127.0.0.1:${closedPort}/sdk", username: "monitor@vsphere.local", password: "${VC_PASSWORD}", timeout: 2s }`,
      'services:',
      `  - { name: admin, http: "http://mon:${URL_PASSWORD}@127.0.0.1:${web.address().port}/admin" }`,
      'email:',
      `  smtp: { host: 127.0.0.1, port: ${smtp.port}, user: ${SMTP_USER}, password-file: smtp.pass, ca-file: ca.pem, timeout: 5s }`,
      '  from: simplemon@example.test',
      '  recipients: [ops@example.test]',
      '  mode: per-device',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
});

after(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(smtpServers.map((s) => new Promise((r) => s.close(r))));
  await new Promise((r) => web?.close(r));
  pki?.cleanup();
});

test('config validate, poll, status, alerts, history, events, override, export and check work on the site, and their terminal output is neutralised', async () => {
  const validate = await run(['config', 'validate']);
  assert.equal(validate.code, 0, validate.stderr);
  assert.equal(validate.stderr, '', 'a private config with private secret files: nothing to warn about');

  const poll = await run(['poll', '--verbose']);
  assert.equal(poll.code, 0, poll.stderr);
  assert.match(poll.stdout, /email sent/);
  const polled = JSON.parse((await run(['status', '--json'])).stdout);
  const state = Object.fromEntries(polled.devices.map((d) => [d.id, d.state]));
  assert.equal(state['printer/laser'], 'critical', 'read over v2c');
  assert.equal(state['printer/v3'], 'ok', 'read over v3 authPriv');
  assert.equal(state['printer/hostile'], 'critical', 'the hostile printer was read');
  assert.equal(state['printer/wrong'], 'unknown');
  assert.equal(state['vcenter/vc'], 'critical');
  assert.equal(state['service/admin'], 'critical');
  assert.equal(polled.devices.find((d) => d.id === 'printer/hostile').metrics.sysName, '\x1b[31mPWN\x1b[0m\r\nX-Injected: yes <script>alert(1)</script>', 'JSON keeps the string, escaped by JSON');

  const html = join(dir, 'status.html');
  const metrics = join(dir, 'simplemon.prom');
  const outs = [
    poll,
    validate,
    await run(['poll', '--verbose', '--metrics-file', metrics, '--html', html]),
    await run(['status']),
    await run(['status', '--problems']),
    await run(['status', 'printers']),
    await run(['status', '--json']),
    await run(['override', 'set', 'printer/laser', '--state', 'maintenance', '--for', '1h', '--reason', 'toner <b>ordered</b>']),
    await run(['override', 'list']),
    await run(['override', 'list', '--json']),
    await run(['ack', 'printer/hostile', '--reason', 'known']),
    await run(['alerts', 'test']),
    await run(['alerts', 'history']),
    await run(['alerts', 'pending']),
    await run(['history', 'printer/hostile']),
    await run(['history', 'printer/hostile', '--json']),
    await run(['events']),
    await run(['events', '--json']),
    await run(['export', '--format', 'openmetrics']),
    await run(['check', 'printers']),
    await run(['check', 'printer/hostile']),
    await run(['override', 'clear', 'printer/laser']),
    await run(['poll']),
    await run(['status', '--html', html]),
  ];
  // every command did its job; check says CRITICAL (2) as a plugin does
  assert.deepEqual(outs.map((r) => r.code), [...Array(19).fill(0), 2, 2, 0, 0, 0], outs.map((r) => r.stderr).join(''));
  const coloured = [await run(['status'], { env: { FORCE_COLOR: '1' }, label: 'status (FORCE_COLOR)' }), await run(['check', 'printers'], { env: { FORCE_COLOR: '1' }, label: 'check (FORCE_COLOR)' })];
  for (const [what, text] of texts) {
    if (what.startsWith('status --json') || what.includes('--json')) {
      assert.ok(!text.includes('\x1b') && !text.includes('\r'), `${what}: JSON escapes control characters`);
      continue;
    }
    assertTerminalSafe(what, text, { colour: what.includes('FORCE_COLOR') });
  }
  assert.match(coloured[0].stdout, /\x1b\[3\dm/, 'colours are on: the check above did not pass vacuously');
  const table = outs[3].stdout;
  assert.match(table, /Tray 1 <b>empty<\/b>\\x0d\\x0aBcc: evil@example\.test\\x1b\]0;owned\\x07\\x1b\[2J/, 'the hostile console text, shown with its escapes made visible');
  texts.push(['metrics file', readFileSync(metrics, 'utf8')]);
  texts.push(['html page', readFileSync(html, 'utf8')]);
});

test('the HTML page escapes device strings: no markup or control character from a device', () => {
  const page = readFileSync(join(dir, 'status.html'), 'utf8');
  assert.ok(!page.includes('<script>alert(1)</script>') && !page.includes('<b>empty</b>') && !page.includes('<i>Toner</i>') && !page.includes('<b>ordered</b>'), 'device and override text is never markup');
  assert.ok(page.includes('&lt;b&gt;empty&lt;/b&gt;'), 'it is shown escaped');
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(page, /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
});

test('the emails: no injected header, device text escaped in the HTML part and made visible in the text part', () => {
  assert.ok(smtp.received.length >= 3, `${smtp.received.length} emails`);
  const hostile = smtp.received.filter((raw) => mimeParts(raw).some((p) => p.text.includes('Bcc: evil@example.test')));
  assert.ok(hostile.length >= 1, 'the hostile printer was emailed about');
  for (const raw of smtp.received) {
    const names = headerLines(raw).map((l) => l.split(':')[0].toLowerCase());
    for (const injected of ['bcc', 'x-injected', 'x-evil']) assert.ok(!names.includes(injected), `an injected ${injected} header:\n${raw.split('\r\n\r\n')[0]}`);
    // eslint-disable-next-line no-control-regex
    for (const h of headerLines(raw)) assert.doesNotMatch(h, /[\x00-\x08\x0b-\x1f\x7f]/, `a control character in a header: ${h}`);
    for (const part of mimeParts(raw)) {
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(part.text.replace(/\r\n/g, '\n'), /[\x00-\x08\x0b-\x1f\x7f]/, `a raw control character in the ${part.type} part`);
      if (part.type === 'text/html') {
        assert.ok(!part.text.includes('<b>empty</b>') && !part.text.includes('<i>Toner</i>') && !part.text.includes('<script>'), 'device text is never markup in the HTML part');
        for (const line of part.text.split('\n')) assert.doesNotMatch(line, /^\s*(Bcc|X-Injected|X-Evil):/);
      } else {
        for (const line of part.text.split(/\r?\n/)) assert.doesNotMatch(line, /^\s*(Bcc|X-Injected|X-Evil):/, 'device text started a line of the text part');
      }
    }
  }
  const html = hostile.flatMap(mimeParts).find((p) => p.type === 'text/html');
  assert.match(html.text, /Tray 1 &lt;b&gt;empty&lt;\/b&gt;/);
});

test('the state file, its readings and the history files are 0600 (their folders 0700); the metrics file 0644', () => {
  const stateDir = join(dir, 'state');
  assert.equal(statSync(join(stateDir, 'simplemon.json')).mode & 0o777, 0o600);
  assert.equal(statSync(join(stateDir, 'simplemon.readings.json')).mode & 0o777, 0o600);
  assert.equal(statSync(stateDir).mode & 0o777, 0o700);
  const hist = join(stateDir, 'history');
  assert.equal(statSync(hist).mode & 0o777, 0o700);
  const files = readdirSync(hist);
  assert.ok(files.length >= 1, 'history was written');
  for (const f of files) assert.equal(statSync(join(hist, f)).mode & 0o777, 0o600, f);
  assert.equal(statSync(join(dir, 'simplemon.prom')).mode & 0o777, 0o644, 'the metrics are for node_exporter to read');
});

test('no secret, nor its base64 form, in any output, the state file, the history, the metrics, the HTML page or any email', () => {
  const stateDir = join(dir, 'state');
  texts.push(['state file', readFileSync(join(stateDir, 'simplemon.json'), 'utf8')]);
  texts.push(['readings file', readFileSync(join(stateDir, 'simplemon.readings.json'), 'utf8')]);
  for (const f of readdirSync(join(stateDir, 'history'))) {
    const buf = readFileSync(join(stateDir, 'history', f));
    texts.push([`history ${f}`, f.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8')]);
  }
  for (const [i, raw] of smtp.received.entries()) {
    texts.push([`email ${i} (raw)`, raw]);
    for (const p of mimeParts(raw)) texts.push([`email ${i} (${p.type})`, p.text]);
  }
  assert.ok(texts.length > 50, `${texts.length} texts searched`);
  for (const [what, text] of texts) {
    for (const form of FORMS) assert.ok(!text.includes(form), `${what} contains the secret ${JSON.stringify(form)}`);
  }
  assert.ok(smtp.auths >= 1, 'the password was used: AUTH happened (in the exchange, not in a message)');
});

test('an inline secret in a config others can read is warned about by config validate and poll --verbose; its *-file too', async () => {
  chmodSync(config, 0o644);
  chmodSync(join(dir, 'smtp.pass'), 0o644);
  try {
    for (const args of [['config', 'validate'], ['poll', '--verbose']]) {
      const r = await run(args);
      assert.equal(r.code, 0, r.stderr);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
      const paths = warnings.map((w) => / ([\w.[\]-]+): /.exec(w.slice(`warning: ${config}:`.length))?.[1]);
      assert.deepEqual(paths, ['printers[0].snmp.community', 'printers[2].snmp.community', 'printers[3].snmp.auth.key', 'vcenters[0].password', 'services[0].http', 'email.smtp.password-file'], r.stderr);
      assert.match(warnings[0], new RegExp(`^warning: ${config.replace(/[.]/g, '\\.')}:5:\\d+: printers\\[0\\]\\.snmp\\.community: a secret is written inline in a config file that group or others can read \\(mode 0644\\): run chmod 600 `));
      assert.match(warnings.at(-1), /the secret file \S+smtp\.pass can be read by group or others \(mode 0644\): run chmod 600 /);
      for (const form of FORMS) assert.ok(!r.stderr.includes(form) && !r.stdout.includes(form), 'the warnings name the place, never the secret');
    }
  } finally {
    chmodSync(config, 0o600);
    chmodSync(join(dir, 'smtp.pass'), 0o600);
  }
});

test('TLS is verified by default: a mail server with a certificate for another host is refused (no AUTH sent) unless insecure: true', async () => {
  const wrong = await startSmtp(pki.wrongHost);
  for (const secure of [false, true]) {
    const d = mkdtempSync(join(tmpdir(), 'simplemon-security-tls-'));
    writeFileSync(join(d, 'ca.pem'), pki.ca);
    writeFileSync(join(d, 'smtp.pass'), `${SMTP_PASSWORD}\n`, { mode: 0o600 });
    const cfg = (insecure) => {
      const file = join(d, `monitor-${insecure}.config.yaml`);
      writeFileSync(
        file,
        [
          `state-file: state-${insecure}.json`,
          'email:',
          `  smtp: { host: 127.0.0.1, port: ${wrong.port}, secure: ${secure}, user: ${SMTP_USER}, password-file: smtp.pass, ca-file: ca.pem, timeout: 5s${insecure ? ', insecure: true' : ''} }`,
          '  from: simplemon@example.test',
          '  recipients: [ops@example.test]',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      return file;
    };
    // SMTPS: smtp-server speaks TLS from the first byte only when created secure; here it offers STARTTLS,
    // so `secure: true` meets a plain greeting: refused as well, and never in clear
    const before = { auths: wrong.auths, received: wrong.received.length };
    const refused = await cli(['alerts', 'test', '--config', cfg(false)]);
    texts.push([`alerts test wrong host secure=${secure}`, refused.stdout + refused.stderr]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    if (!secure) assert.match(refused.stdout + refused.stderr, /certificate|altnames|Hostname/i);
    assert.deepEqual({ auths: wrong.auths, received: wrong.received.length }, before, 'nothing sent, and the password never offered');
    if (secure) continue;
    const accepted = await cli(['alerts', 'test', '--config', cfg(true)]);
    texts.push([`alerts test insecure`, accepted.stdout + accepted.stderr]);
    assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
    assert.equal(wrong.received.length, before.received + 1, 'insecure: true sends');
    const v = await cli(['config', 'validate', '--config', cfg(true)]);
    assert.match(v.stderr, /email\.smtp\.insecure: the SMTP server's certificate is not verified \(insecure: true\)/);
  }
  for (const [what, text] of texts.slice(-3)) for (const form of FORMS) assert.ok(!text.includes(form), `${what} contains ${form}`);
});

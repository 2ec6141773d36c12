// The services source against real peers on loopback: node's own HTTP and HTTPS servers (a private CA
// made by openssl: a certificate valid 90 days, one that expires in 3, an expired one, one for another
// host), a TCP port that accepts and never speaks, a closed port, the system's ping to 127.0.0.1 and a
// DNS responder (test/helpers/dns-server.mjs). Polled through runPoll() with the real sources and state
// store, shown with renderStatus(): what `simplemon poll services` and `status` do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCa } from '../helpers/tls-ca.mjs';
import { startDnsServer } from '../helpers/dns-server.mjs';
import { parseConfig } from '../../dist/config/load.js';
import { runPoll, viewsOf } from '../../dist/app/run-poll.js';
import { openState, readState } from '../../dist/state/store.js';
import { SOURCES } from '../../dist/sources/index.js';
import { renderStatus } from '../../dist/render/status.js';
import { makeChalk } from '../../dist/render/style.js';
import { checkOrder } from '../../dist/sources/services/index.js';
import { loopbackServers } from '../helpers/loopback-servers.mjs';

const { track, listen, closeAll } = loopbackServers();
const timers = new Set();
let pki;
let dir;
let dns;
const port = {};

function routes(req, res) {
  switch (new URL(req.url, 'http://x').pathname) {
    case '/health':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(req.method === 'HEAD' ? undefined : 'all systems OK\n');
    case '/maintenance':
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<h1>Down for Maintenance</h1>');
    case '/500':
      res.writeHead(500);
      return res.end('boom');
    case '/old':
      res.writeHead(301, { location: '/health' });
      return res.end();
    case '/hang':
      return; // never answers
    default:
      res.writeHead(404);
      return res.end();
  }
}

before(async () => {
  pki = makeTestCa();
  dir = mkdtempSync(join(tmpdir(), 'simplemon-services-'));
  writeFileSync(join(dir, 'ca.pem'), pki.ca);
  port.http = await listen(track(http.createServer(routes)));
  for (const name of ['valid', 'soon', 'expired', 'wrongHost']) port[name] = await listen(track(https.createServer({ key: pki[name].key, cert: pki[name].cert }, routes)));
  port.silent = await listen(track(net.createServer(() => {}))); // accepts, never says a word
  const closing = net.createServer();
  port.closed = await listen(closing);
  await new Promise((r) => closing.close(r));
  dns = await startDnsServer({ 'intranet.test': { A: ['192.0.2.10'] }, 'mail.test': { MX: [{ preference: 10, exchange: 'mx.mail.test' }] }, 'hostile.test': { TXT: ['v=1 \x1b[2J\x1b[31mowned\r\nfake line'] } });
  const silentDns = await startDnsServer({}, { silent: true });
  port.silentDns = silentDns.port;
  track({ close: (cb) => silentDns.close().then(cb) });
});

after(async () => {
  for (const t of timers) clearTimeout(t);
  await closeAll();
  await dns?.close();
  pki?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A config file of these services in the temp folder (ca.pem beside it), parsed as `simplemon` would. */
function configOf(name, lines, extra = []) {
  const file = join(dir, `${name}.yaml`);
  const text = [`state-file: ${name}-state.json`, ...extra, 'services:', ...lines.map((l) => `  - ${l}`), ''].join('\n');
  writeFileSync(file, text);
  return parseConfig(text, file, { env: {} });
}

async function poll(config) {
  const log = [];
  const t0 = performance.now();
  await runPoll(config, { sources: SOURCES, openStore: () => openState(config.stateFile, { lockTimeoutMs: 5000, command: 'test' }), now: () => new Date(), log: (l) => log.push(l) }, ['services']);
  const ms = performance.now() - t0;
  const state = await readState(config.stateFile);
  const views = viewsOf(state, config, SOURCES, new Date());
  return { ms, state, log, views, byName: Object.fromEntries(views.map((v) => [v.name, v])) };
}

const u = (p, path) => `"https://127.0.0.1:${port[p]}${path}"`;

test('a status table shows websites with their latency and certificate days, and each failure as critical with its reason', async () => {
  const config = configOf('table', [
    `{ name: intranet, http: ${u('valid', '/health')}, expect-status: 200, keyword: "OK", ca-file: ca.pem, timeout: 5s }`,
    `{ name: portal, http: ${u('valid', '/old')}, ca-file: ca.pem, method: HEAD }`,
    `{ name: renewal-due, http: ${u('soon', '/health')}, ca-file: ca.pem }`,
    `{ name: expired, http: ${u('expired', '/health')}, ca-file: ca.pem }`,
    `{ name: wrong-host, http: ${u('wrongHost', '/health')}, ca-file: ca.pem }`,
    `{ name: untrusted, http: ${u('valid', '/health')} }`,
    `{ name: lab, http: ${u('expired', '/health')}, insecure: true }`,
    `{ name: wiki, http: "http://127.0.0.1:${port.http}/maintenance", keyword-absent: "Maintenance" }`,
    `{ name: app, http: "http://127.0.0.1:${port.http}/500" }`,
    `{ name: nowhere, http: "http://nowhere.invalid/", timeout: 3s }`,
    `{ name: smtp, tcp: "127.0.0.1:${port.silent}" }`,
    `{ name: closed, tcp: "127.0.0.1:${port.closed}" }`,
    `{ name: loopback, ping: 127.0.0.1, count: 3 }`,
    `{ name: dns-ok, dns: intranet.test, server: "127.0.0.1:${dns.port}", expect: 192.0.2.10 }`,
    `{ name: dns-moved, dns: intranet.test, server: "127.0.0.1:${dns.port}", expect: 192.0.2.99 }`,
    `{ name: dns-gone, dns: gone.test, server: "127.0.0.1:${dns.port}" }`,
    `{ name: dns-mx, dns: mail.test, server: "127.0.0.1:${dns.port}", type: MX, expect: mx.mail.test }`,
    `{ name: dns-txt, dns: hostile.test, server: "127.0.0.1:${dns.port}", type: TXT, expect: "v=1" }`,
  ]);
  const { byName, views, state } = await poll(config);
  const s = (n) => byName[n];
  const problems = (n) => s(n).problems.map((p) => `${p.rule} ${p.severity}: ${p.message}`).join('; ');

  // the website: up, with latency and certificate days
  assert.equal(s('intranet').state, 'ok', problems('intranet'));
  const m = s('intranet').metrics;
  assert.deepEqual(Object.keys(m).sort(), ['answer', 'certDaysLeft', 'error', 'keywordFound', 'latencyMs', 'lossPercent', 'redirects', 'rttAvgMs', 'rttMaxMs', 'statusCode', 'target', 'type', 'up']);
  assert.equal(m.type, 'http');
  assert.equal(m.up, true);
  assert.equal(m.statusCode, 200);
  assert.equal(m.keywordFound, true);
  assert.ok(m.latencyMs > 0 && m.latencyMs < 5000, `latency ${m.latencyMs}`);
  assert.ok(m.certDaysLeft > 89 && m.certDaysLeft <= 90, `cert days ${m.certDaysLeft}`);
  assert.deepEqual([m.lossPercent, m.rttAvgMs, m.rttMaxMs, m.answer, m.error], [null, null, null, null, null], 'null where it does not apply');
  assert.equal(s('portal').state, 'ok', problems('portal'));
  assert.equal(s('portal').metrics.redirects, 1);
  assert.equal(s('portal').metrics.keywordFound, null);

  // certificates
  assert.equal(s('renewal-due').state, 'warning', problems('renewal-due'));
  assert.match(problems('renewal-due'), /^cert-days warning: certificate expires in (2\.9|3) days < 14 days$/);
  assert.equal(s('expired').state, 'critical');
  assert.match(problems('expired'), /up critical: certificate has expired on \d{4}-\d\d-\d\d/);
  assert.equal(s('expired').metrics.statusCode, null, 'no request is sent past a refused certificate');
  assert.match(problems('wrong-host'), /up critical: certificate is for .*other\.example.*, not 127\.0\.0\.1/);
  assert.match(problems('untrusted'), /up critical: self-signed\/untrusted certificate/);
  assert.equal(s('lab').metrics.up, true, 'insecure: a refused certificate is no failure');
  assert.equal(s('lab').metrics.statusCode, 200);
  assert.match(problems('lab'), /^cert-days critical: certificate expires in -2 days < 3 days$/, 'but its days are still watched');

  // answers that are wrong are critical, never unknown
  assert.match(problems('wiki'), /^up critical: unwanted keyword "Maintenance" found$/);
  assert.match(problems('app'), /^up critical: status 500, expected 200–399$/);
  assert.equal(s('nowhere').state, 'critical', `a name that does not resolve is critical, not unknown: ${problems('nowhere')}`);
  assert.match(problems('nowhere'), /nowhere\.invalid/);

  // TCP, ping, DNS
  assert.equal(s('smtp').state, 'ok', 'a port that accepts is up, whether or not it speaks');
  assert.ok(s('smtp').metrics.latencyMs >= 0);
  assert.match(problems('closed'), new RegExp(`^up critical: connection refused by 127\\.0\\.0\\.1:${port.closed}$`));
  assert.equal(s('loopback').state, 'ok', problems('loopback'));
  assert.equal(s('loopback').metrics.lossPercent, 0);
  assert.ok(s('loopback').metrics.rttAvgMs > 0 && s('loopback').metrics.rttAvgMs <= s('loopback').metrics.rttMaxMs);
  assert.equal(s('loopback').metrics.latencyMs, s('loopback').metrics.rttAvgMs, "a ping's latency is its average round trip");
  assert.equal(s('dns-ok').state, 'ok', problems('dns-ok'));
  assert.deepEqual(s('dns-ok').metrics.answer, ['192.0.2.10']);
  assert.match(problems('dns-moved'), /^up critical: intranet\.test A is 192\.0\.2\.10, expected 192\.0\.2\.99$/);
  assert.match(problems('dns-gone'), /^up critical: gone\.test does not resolve \(NXDOMAIN\)$/);
  assert.deepEqual(s('dns-mx').metrics.answer, ['10 mx.mail.test']);
  assert.equal(s('dns-mx').state, 'ok', problems('dns-mx'));

  // the table
  const out = renderStatus(views, state.checkedAt, { chalk: makeChalk(false), now: new Date() });
  assert.match(out, /^Services$/m);
  const header = out.split('\n').find((l) => l.includes('Device') && l.includes('Latency'));
  assert.ok(header, out);
  for (const h of ['Type', 'Target', 'Latency', 'Cert days', 'Result', 'Problems']) assert.ok(header.includes(h), `${h} in ${header}`);
  const row = (name) => out.split('\n').find((l) => l.includes(`│ ${name} `)) ?? assert.fail(`no row for ${name} in\n${out}`);
  assert.match(row('intranet'), new RegExp(`│ intranet +│ ok +│ http +│ https://127\\.0\\.0\\.1:${port.valid}/health +│ [\\d.]+ ms +│ (89|90) +│ 200 +│`));
  assert.match(row('portal'), /│ 200 \(1 redirect\) +│/);
  assert.match(row('renewal-due'), /│ warning +│ .*│ [23] +│ 200 +│ certificate expires in/);
  assert.match(row('expired'), /│ critical +│ .*│ expired +│ – +│ certificate has expired/);
  assert.match(row('loopback'), /│ ping +│ 127\.0\.0\.1 +│ [\d.]+ ms +│ – +│ 0% loss, max [\d.]+ ms +│/);
  assert.match(row('dns-ok'), new RegExp(`│ dns +│ intranet\\.test @127\\.0\\.0\\.1:${dns.port} +│ [\\d.]+ ms +│ – +│ 192\\.0\\.2\\.10 +│`));
  assert.match(row('smtp'), /│ tcp +│ .*│ open +│/);
  // device text is hostile: an answer with escapes and a line break is shown with them made visible
  assert.match(problems('dns-txt'), /expected v=1$/);
  assert.ok(!out.includes('\x1b') && !out.includes('\r'), 'no raw escape or CR reaches the terminal');
  assert.ok(out.includes('\\x1b[2J\\x1b[31mowned\\x0d\\x0afake line'), out);
});

test('hanging services become critical within their own timeout, in parallel: the poll takes the longest timeout, not the sum', async () => {
  const hanging = [
    `{ name: hang-http, http: "http://127.0.0.1:${port.http}/hang", timeout: 1500ms }`,
    `{ name: hang-https, http: ${u('valid', '/hang')}, ca-file: ca.pem, timeout: 1500ms }`,
    `{ name: hang-dns, dns: intranet.test, server: "127.0.0.1:${port.silentDns}", timeout: 1500ms }`,
    `{ name: hang-tls, http: "https://127.0.0.1:${port.silent}/", timeout: 1200ms }`, // TCP accepted, no TLS handshake
    `{ name: hang-http2, http: "http://127.0.0.1:${port.http}/hang", keyword: OK, timeout: 1500ms }`,
    `{ name: hang-dns2, dns: mail.test, server: "127.0.0.1:${port.silentDns}", type: MX, timeout: 1500ms }`,
  ];
  const fast = [
    `{ name: web, http: "http://127.0.0.1:${port.http}/health", keyword: OK }`,
    `{ name: smtp, tcp: "127.0.0.1:${port.silent}" }`,
    `{ name: dns-ok, dns: intranet.test, server: "127.0.0.1:${dns.port}" }`,
    `{ name: loopback, ping: 127.0.0.1, count: 2 }`,
  ];
  const config = configOf('hang', [...fast, ...hanging]);
  const first = await poll(config);
  const sumOfTimeouts = 1500 * 5 + 1200;
  assert.ok(first.ms >= 1450, `the poll waited for the hanging checks (${first.ms} ms)`);
  // generous for a loaded 2-core machine, and still far from the sum
  assert.ok(first.ms < 1500 * 2, `the poll took ${Math.round(first.ms)} ms: about the longest timeout (1.5 s), not the sum (${sumOfTimeouts / 1000} s)`);
  for (const name of ['hang-http', 'hang-https', 'hang-http2']) {
    assert.equal(first.byName[name].state, 'critical', name);
    assert.match(first.byName[name].problems[0].message, /^timed out after 1\.5s /);
  }
  assert.match(first.byName['hang-tls'].problems[0].message, /^timed out after 1\.2s in the TLS handshake/);
  assert.match(first.byName['hang-dns'].problems[0].message, /^no answer from 127\.0\.0\.1:\d+ within 1\.5s for intranet\.test$/);
  assert.match(first.byName['hang-dns2'].problems[0].message, /^no answer from 127\.0\.0\.1:\d+ within 1\.5s for mail\.test$/);
  for (const name of ['web', 'smtp', 'dns-ok', 'loopback']) assert.equal(first.byName[name].state, 'ok', `${name} is not held up by the others`);

  // the failed ones are remembered and start first next time
  const failed = first.state.sources.services.failed;
  assert.deepEqual([...failed].sort(), ['service/hang-dns', 'service/hang-dns2', 'service/hang-http', 'service/hang-http2', 'service/hang-https', 'service/hang-tls']);
  const hangNames = ['hang-http', 'hang-https', 'hang-dns', 'hang-tls', 'hang-http2', 'hang-dns2'];
  assert.deepEqual(checkOrder(config.services, failed).map((x) => x.name), [...hangNames, 'web', 'smtp', 'dns-ok', 'loopback']);

  // three at a time: the hanging checks, started first, take two rounds of a timeout; the fast ones follow
  const narrow = configOf('hang', [...fast, ...hanging], ['defaults: { concurrency: 3 }']);
  const second = await poll(narrow);
  assert.ok(second.ms < 1500 * 3, `three slots: about two timeouts (${Math.round(second.ms)} ms)`);
  assert.deepEqual(second.views.map((v) => v.name), ['web', 'smtp', 'dns-ok', 'loopback', ...hangNames], 'shown in config order');
  for (const name of ['web', 'smtp', 'dns-ok', 'loopback']) assert.equal(second.byName[name].state, 'ok');
});

test('a check that could not run (its ca-file gone since the config was loaded) leaves the service unknown, not critical', async () => {
  writeFileSync(join(dir, 'short-lived.pem'), pki.ca);
  const config = configOf('ca', [`{ name: intranet, http: ${u('valid', '/health')}, ca-file: short-lived.pem }`, `{ name: web, http: "http://127.0.0.1:${port.http}/health" }`]);
  rmSync(join(dir, 'short-lived.pem'));
  const { byName } = await poll(config);
  assert.equal(byName.intranet.state, 'unknown');
  assert.deepEqual(byName.intranet.problems.map((p) => [p.rule, p.severity]), [['reachable', 'unknown']]);
  assert.match(byName.intranet.problems[0].message, /^cannot read ca-file .*short-lived\.pem: ENOENT$/);
  assert.equal(byName.web.state, 'ok');
});

// `simplemon poll services`, `status services` and `status --json` through the built CLI, on a config the
// test writes: a website on node's HTTP server, a failing one, a closed TCP port, a ping to 127.0.0.1 and
// a DNS name on the test's responder — all on loopback. Then a ping whose program is missing (PATH
// without ping): unknown, not critical. And `config validate` warns about insecure: true.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.mjs';
import { startDnsServer } from '../helpers/dns-server.mjs';

let dir;
let config;
let web;
let dns;
let closedPort;
const sockets = new Set();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-e2e-services-'));
  web = http.createServer((req, res) => {
    if (req.url === '/health') res.end('all systems OK\n');
    else {
      res.writeHead(503);
      res.end('maintenance');
    }
  });
  web.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => web.listen(0, '127.0.0.1', r));
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  dns = await startDnsServer({ 'intranet.test': { A: ['192.0.2.10'] } });
  const base = `http://127.0.0.1:${web.address().port}`;
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state.json',
      'services:',
      `  - { name: intranet, http: "${base}/health", expect-status: 200, keyword: "OK", timeout: 5s }`,
      `  - { name: shop, http: "${base}/shop" }`,
      `  - { name: mail-smtp, tcp: "127.0.0.1:${closedPort}" }`,
      '  - { name: core-switch, ping: 127.0.0.1, count: 2 }',
      `  - { name: dns-main, dns: intranet.test, server: "127.0.0.1:${dns.port}", expect: 192.0.2.10 }`,
      'thresholds:',
      '  service: { latency-ms: { warning: 1000, critical: 8000 }, cert-days: { warning: 14, critical: 3 }, loss-percent: { warning: 10, critical: 50 } }',
      '',
    ].join('\n'),
  );
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => web?.close(r));
  await dns?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('poll services, then status services shows the Services table and status --json the service metrics', async () => {
  const polled = await cli(['poll', 'services', '--config', config]);
  assert.equal(polled.code, 0, polled.stderr);
  assert.match(polled.stdout, /service\/shop.*critical/);
  assert.match(polled.stdout, /service\/mail-smtp.*critical/);

  const status = await cli(['status', 'services', '--config', config]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^Services$/m);
  const row = (name) => status.stdout.split('\n').find((l) => l.includes(`│ ${name} `)) ?? assert.fail(`no row ${name}:\n${status.stdout}`);
  assert.match(row('intranet'), /│ ok +│ http +│ http:\/\/127\.0\.0\.1:\d+\/health +│ [\d.]+ ms +│ [–-] +│ 200 +│/);
  assert.match(row('shop'), /│ critical +│ http +│ .*│ 503 +│ status 503, expected 200[–-]399 /);
  assert.match(row('mail-smtp'), new RegExp(`│ critical +│ tcp .*connection refused by 127\\.0\\.0\\.1:${closedPort}`));
  assert.match(row('core-switch'), /│ ok +│ ping +│ 127\.0\.0\.1 +│ [\d.]+ ms +│ [–-] +│ 0% loss, max [\d.]+ ms/);
  assert.match(row('dns-main'), /│ ok +│ dns +│ intranet\.test @127\.0\.0\.1:\d+ +│ [\d.]+ ms +│ [–-] +│ 192\.0\.2\.10 +│/);

  const json = await cli(['status', '--json', '--config', config]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  const byName = Object.fromEntries(doc.devices.map((d) => [d.name, d]));
  assert.deepEqual(doc.devices.map((d) => d.id), ['service/intranet', 'service/shop', 'service/mail-smtp', 'service/core-switch', 'service/dns-main'], 'config order');
  const KEYS = ['type', 'target', 'up', 'statusCode', 'latencyMs', 'certDaysLeft', 'keywordFound', 'lossPercent', 'rttAvgMs', 'rttMaxMs', 'redirects', 'answer', 'error'];
  for (const d of doc.devices) {
    assert.equal(d.kind, 'service');
    assert.deepEqual(Object.keys(d.metrics).sort(), [...KEYS].sort(), `${d.id} metrics follow the contract`);
  }
  const i = byName.intranet.metrics;
  assert.deepEqual([i.type, i.up, i.statusCode, i.keywordFound, i.redirects, i.certDaysLeft, i.lossPercent, i.answer, i.error], ['http', true, 200, true, 0, null, null, null, null]);
  assert.equal(typeof i.latencyMs, 'number');
  assert.equal(byName.shop.state, 'critical');
  assert.deepEqual(byName.shop.problems, [{ rule: 'up', severity: 'critical', message: 'status 503, expected 200–399' }]);
  assert.equal(byName.shop.metrics.error, 'status 503, expected 200–399');
  assert.deepEqual([byName['mail-smtp'].state, byName['mail-smtp'].metrics.type, byName['mail-smtp'].metrics.up], ['critical', 'tcp', false]);
  const p = byName['core-switch'].metrics;
  assert.deepEqual([p.type, p.up, p.lossPercent, p.statusCode], ['ping', true, 0, null]);
  assert.ok(p.rttAvgMs > 0 && p.rttMaxMs >= p.rttAvgMs);
  assert.deepEqual([byName['dns-main'].metrics.type, byName['dns-main'].metrics.answer], ['dns', ['192.0.2.10']]);

  const problems = await cli(['status', 'service', '--problems', '--config', config]);
  assert.equal(problems.code, 0);
  assert.ok(problems.stdout.includes('│ shop ') && !problems.stdout.includes('│ intranet '), problems.stdout);
});

test('a ping whose program is missing leaves the service unknown with the reason; the other checks go on', async () => {
  const cfg = join(dir, 'noping.yaml');
  writeFileSync(cfg, ['state-file: noping-state.json', 'services:', '  - { name: core-switch, ping: 127.0.0.1, count: 2 }', `  - { name: dns-main, dns: intranet.test, server: "127.0.0.1:${dns.port}" }`, ''].join('\n'));
  const empty = join(dir, 'empty-bin');
  mkdirSync(empty, { recursive: true });
  const polled = await cli(['poll', 'services', '--config', cfg], { env: { PATH: empty } });
  assert.equal(polled.code, 0, polled.stderr);
  const doc = JSON.parse((await cli(['status', '--json', '--config', cfg])).stdout);
  const [ping, dnsDev] = doc.devices;
  assert.equal(ping.state, 'unknown');
  assert.equal(ping.problems[0].rule, 'reachable');
  assert.match(ping.problems[0].message, /^ping not found: install iputils-ping/);
  assert.equal(dnsDev.state, 'ok');
});

test('config validate warns about insecure: true, and names a bad service entry with its line', async () => {
  const cfg = join(dir, 'insecure.yaml');
  writeFileSync(cfg, 'services:\n  - { name: lab, http: "https://127.0.0.1:1/", insecure: true }\n');
  const ok = await cli(['config', 'validate', '--config', cfg]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout + ok.stderr, /:2:\d+: services\[0\]\.insecure: TLS certificate of https:\/\/127\.0\.0\.1:1\/ is not verified/);
  writeFileSync(cfg, 'services:\n  - { name: wiki, http: "https://127.0.0.1:1/", method: HEAD, keyword: OK }\n');
  const bad = await cli(['config', 'validate', '--config', cfg]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /:2:\d+: services\[0\]\.keyword: keyword needs the body, and a HEAD response has none/);
});

test('a password in a service URL never appears in poll, status, JSON or the state file', async () => {
  const cfg = join(dir, 'secret.yaml');
  const port = web.address().port;
  writeFileSync(cfg, ['state-file: secret-state.json', 'services:', `  - { name: admin, http: "http://mon:Pa55-w0rd@127.0.0.1:${port}/admin" }`, `  - { name: gone, http: "http://mon:Pa55-w0rd@127.0.0.1:${closedPort}/" }`, ''].join('\n'));
  const outputs = [
    await cli(['poll', '-v', '--config', cfg]),
    await cli(['status', '--config', cfg]),
    await cli(['status', '--json', '--config', cfg]),
    await cli(['check', 'services', '--config', cfg]),
  ];
  const doc = JSON.parse(outputs[2].stdout);
  assert.equal(doc.devices[0].target, `http://mon:***@127.0.0.1:${port}/admin`);
  assert.equal(doc.devices[0].state, 'critical', 'the 503 is seen');
  assert.match(doc.devices[1].problems[0].message, /connection refused/);
  for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes('Pa55-w0rd'), o.stdout + o.stderr);
  assert.ok(!readFileSync(join(dir, 'secret-state.json'), 'utf8').includes('Pa55-w0rd'));
  assert.ok(!readFileSync(join(dir, 'secret-state.readings.json'), 'utf8').includes('Pa55-w0rd'), 'nor in the readings beside it');
});

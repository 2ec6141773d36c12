// The `services:` section: each entry one check (http, tcp, ping or dns) with its options, errors with
// their YAML path and line:column, the timeouts by type, and the short threshold form
// `{ warning: N, critical: M }` whose direction the rule gives.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../dist/config/load.js';

const repo = resolve(import.meta.dirname, '..', '..');
const FILE = '/etc/simplemon/monitor.config.yaml';

function errorsOf(yaml) {
  try {
    parseConfig(yaml, FILE, { env: {} });
  } catch (e) {
    assert.equal(e.exitCode, 2, 'config errors exit 2');
    return e.message.split('\n').slice(1);
  }
  assert.fail('expected a config error');
}
function has(errs, re) {
  assert.ok(errs.some((e) => re.test(e)), `no error matching ${re} in:\n${errs.join('\n')}`);
}

test('the four kinds of check parse into typed entries with their defaults', () => {
  const cfg = parseConfig(
    [
      'defaults: { timeout: 3s }',
      'services:',
      '  - { name: intranet, http: "https://intranet.example.com/health", expect-status: 200, keyword: "OK", timeout: 5s }',
      '  - { name: wiki, http: "https://wiki.example.com/", method: HEAD, expect-status: [200, 301], max-redirects: 0 }',
      '  - { name: mail-smtp, tcp: "mail.example.com:25" }',
      '  - { name: ssh6, tcp: "[2001:db8::5]:22" }',
      '  - { name: core-switch, ping: 192.0.2.1, count: 10 }',
      '  - { name: dns-main, dns: intranet.example.com, server: 192.0.2.53, expect: 192.0.2.10 }',
      '  - { name: dns-mx, dns: example.com, server: "127.0.0.1:5353", type: MX, expect: [mx1.example.com, mx2.example.com] }',
      '  - { name: dns-sys, dns: example.com }',
    ].join('\n'),
    FILE,
    { env: {} },
  );
  const [intranet, wiki, smtp, ssh6, ping, dns, mx, sys] = cfg.services;
  assert.equal(intranet.id, 'service/intranet');
  assert.deepEqual(intranet.check, {
    type: 'http', url: 'https://intranet.example.com/health', method: 'GET', expectStatus: [200], keyword: 'OK', keywordAbsent: null,
    maxRedirects: 5, caFile: null, insecure: false,
  });
  assert.equal(intranet.timeoutMs, 5000);
  assert.equal(wiki.check.method, 'HEAD');
  assert.deepEqual(wiki.check.expectStatus, [200, 301]);
  assert.equal(wiki.check.maxRedirects, 0);
  assert.equal(wiki.timeoutMs, 10_000, 'a web check gets 10 s by default, not defaults.timeout');
  assert.deepEqual(smtp.check, { type: 'tcp', host: 'mail.example.com', port: 25 });
  assert.equal(smtp.target, 'mail.example.com:25');
  assert.equal(smtp.timeoutMs, 3000, 'tcp: defaults.timeout');
  assert.deepEqual(ssh6.check, { type: 'tcp', host: '2001:db8::5', port: 22 });
  assert.equal(ssh6.target, '[2001:db8::5]:22');
  assert.deepEqual(ping.check, { type: 'ping', host: '192.0.2.1', count: 10 });
  assert.equal(ping.timeoutMs, 3000 + 10 * 200, 'ping: defaults.timeout plus 0.2 s per echo request');
  assert.deepEqual(dns.check, { type: 'dns', name: 'intranet.example.com', server: '192.0.2.53', port: 53, recordType: 'A', expect: ['192.0.2.10'] });
  assert.equal(dns.target, 'intranet.example.com @192.0.2.53');
  assert.equal(dns.timeoutMs, 3000);
  assert.deepEqual(mx.check, { type: 'dns', name: 'example.com', server: '127.0.0.1', port: 5353, recordType: 'MX', expect: ['mx1.example.com', 'mx2.example.com'] });
  assert.equal(mx.target, 'example.com @127.0.0.1:5353');
  assert.equal(sys.check.server, null, 'no server: the system resolvers');
  assert.equal(sys.target, 'example.com');
});

test('a password in an http URL is a secret: never in the target, registered for scrubbing', () => {
  const cfg = parseConfig('services:\n  - { name: a, http: "https://mon:s3cr%40t@app.example.com/health" }\n', FILE, { env: {} });
  assert.equal(cfg.services[0].target, 'https://mon:***@app.example.com/health');
  assert.ok(cfg.secrets.includes('s3cr@t'));
  assert.ok(!JSON.stringify(cfg.services[0].target).includes('s3cr'));
});

test('errors name the path and line: no check, two checks, options of another type, HEAD with a keyword, bad values', () => {
  const errs = errorsOf(
    [
      'services:',
      '  - { name: a }', // 2
      '  - { name: b, tcp: "h:25", ping: h }', // 3
      '  - { name: c, ping: h, keyword: x, count: 0 }', // 4
      '  - { name: d, http: "https://d.example/", method: HEAD, keyword-absent: Maintenance }', // 5
      '  - { name: e, http: "ftp://e.example/" }', // 6
      '  - { name: f, tcp: "f.example" }', // 7
      '  - { name: g, dns: g.example, server: dns.example.com, type: SRV }', // 8
      '  - { name: h, http: "http://h.example/", expect-status: [200, 999], timout: 5s }', // 9
      '  - { name: ok1, tcp: "x:1" }', // 10
      '  - { name: ok1, tcp: "x:2" }', // 11
      '  - { name: "with space", ping: "-f" }', // 12
    ].join('\n'),
  );
  has(errs, /:2:5: services\[0\]: missing the check: give one of http, tcp, ping, dns$/);
  has(errs, /:3:\d+: services\[1\]: give exactly one of http, tcp, ping, dns, not tcp and ping$/);
  has(errs, /:4:\d+: services\[2\]\.keyword: keyword is for http checks, not ping$/);
  has(errs, /:4:\d+: services\[2\]\.count: must be at least 1, got 0$/);
  has(errs, /:5:\d+: services\[3\]\.keyword-absent: keyword-absent needs the body, and a HEAD response has none: use method GET$/);
  has(errs, /:6:\d+: services\[4\]\.http: "ftp:\/\/e\.example\/" must start with https:\/\/ or http:\/\/$/);
  has(errs, /:7:\d+: services\[5\]\.tcp: "f\.example" is not host:port/);
  has(errs, /:8:\d+: services\[6\]\.server: "dns\.example\.com" is not an IP address/);
  has(errs, /:8:\d+: services\[6\]\.type: expected one of A, AAAA, CNAME, MX, TXT, got "SRV"$/);
  has(errs, /:9:\d+: services\[7\]\.expect-status\[1\]: must be at most 599, got 999$/);
  has(errs, /:9:\d+: services\[7\]\.timout: unknown key "timout" \(did you mean "timeout"\?\)/);
  has(errs, /:11:\d+: services\[9\]\.name: duplicate service name "ok1"$/);
  has(errs, /:12:\d+: services\[10\]\.name: "with space" is not a valid name/);
  has(errs, /:12:\d+: services\[10\]\.ping: "-f" is not a host name or IP address$/);
});

test('insecure: true is accepted with a warning from config validate', () => {
  const cfg = parseConfig('services:\n  - { name: lab, http: "https://lab.example/", insecure: true }\n', FILE, { env: {} });
  assert.equal(cfg.services[0].check.insecure, true);
  assert.ok(cfg.warnings.some((w) => /services\[0\]\.insecure: TLS certificate of https:\/\/lab\.example\/ is not verified/.test(w)), cfg.warnings.join('\n'));
});

test('ca-file resolves against the config folder and must hold a PEM certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-svc-cfg-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), readFileSync(join(repo, 'test', 'fixtures', 'tls', 'sample-ca.pem'), 'utf8'));
    writeFileSync(join(dir, 'not-a-cert.txt'), 'hello\n');
    const file = join(dir, 'monitor.config.yaml');
    const cfg = parseConfig('services:\n  - { name: a, http: "https://a.example/", ca-file: ca.pem }\n', file, { env: {} });
    assert.equal(cfg.services[0].check.caFile, join(dir, 'ca.pem'));
    assert.throws(
      () => parseConfig('services:\n  - { name: a, http: "https://a.example/", ca-file: not-a-cert.txt }\n  - { name: b, http: "https://b.example/", ca-file: missing.pem }\n', file, { env: {} }),
      (e) => /services\[0\]\.ca-file: .*not-a-cert\.txt holds no PEM certificate/.test(e.message) && /services\[1\]\.ca-file: cannot read .*missing\.pem/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('threshold rules take the short form { warning: N, critical: M }, their direction given by the rule', () => {
  const cfg = parseConfig(
    [
      'thresholds:',
      '  service: { latency-ms: { warning: 500, critical: 2000 }, cert-days: { warning: 30, critical: 7 }, loss-percent: { warning: 5, critical: off } }',
      'services:',
      '  - { name: a, ping: 127.0.0.1, thresholds: { loss-percent: { critical: 20 }, latency-ms: { above: 50 } } }',
    ].join('\n'),
    FILE,
    { env: {} },
  );
  const t = cfg.thresholds.service;
  assert.deepEqual(t['latency-ms'].warning, { op: 'above', value: 500 });
  assert.deepEqual(t['latency-ms'].critical, { op: 'above', value: 2000 });
  assert.deepEqual(t['cert-days'].warning, { op: 'below', value: 30 });
  assert.deepEqual(t['cert-days'].critical, { op: 'below', value: 7 });
  assert.deepEqual(t['loss-percent'].warning, { op: 'above', value: 5 });
  assert.equal(t['loss-percent'].critical, null, 'off still turns a level off');
  const own = cfg.services[0].thresholds;
  assert.deepEqual(own['loss-percent'].critical, { op: 'above', value: 20 });
  assert.deepEqual(own['latency-ms'].critical, { op: 'above', value: 50 }, 'the long form still works');
});

test('a bare level on a rule without a direction of its own is an error saying what to write', () => {
  const errs = errorsOf('thresholds:\n  printer:\n    toner-low: { warning: 30, critical: 10 }\n  service:\n    up: { warning: 3 }\n');
  has(errs, /:3:27: thresholds\.printer\.toner-low\.warning: give \{ above: 30 \} or \{ below: 30 \}: this rule has no direction of its own$/);
  has(errs, /:3:41: thresholds\.printer\.toner-low\.critical: give \{ above: 10 \} or \{ below: 10 \}/);
  has(errs, /:5:11: thresholds\.service\.up\.warning: unknown key "warning"/);
});

test('the sample config: the service thresholds are the documented defaults, and its commented services validate once uncommented', () => {
  const sample = readFileSync(join(repo, 'monitor.config.yaml'), 'utf8');
  const file = join(repo, 'monitor.config.yaml');
  const cfg = parseConfig(sample, file, { env: {} });
  assert.deepEqual(cfg.services, [], 'no service is checked until one is configured');
  const t = cfg.thresholds.service;
  assert.deepEqual([t['latency-ms'].warning, t['latency-ms'].critical], [{ op: 'above', value: 1000 }, { op: 'above', value: 8000 }]);
  assert.deepEqual([t['cert-days'].warning, t['cert-days'].critical], [{ op: 'below', value: 14 }, { op: 'below', value: 3 }]);
  assert.deepEqual([t['loss-percent'].warning, t['loss-percent'].critical], [{ op: 'above', value: 10 }, { op: 'above', value: 50 }]);

  const dir = mkdtempSync(join(tmpdir(), 'simplemon-svc-sample-'));
  try {
    const out = [];
    let inServices = false;
    for (const l of sample.split('\n')) {
      if (l === 'services: []') {
        inServices = true;
        out.push('services:');
        continue;
      }
      if (inServices && !l.startsWith('#')) inServices = false;
      if (inServices) out.push(/^#\s+#/.test(l) ? '' : l.replace(/^#/, ''));
      else out.push(l);
    }
    writeFileSync(join(dir, 'intranet-ca.pem'), readFileSync(join(repo, 'test', 'fixtures', 'tls', 'sample-ca.pem'), 'utf8'));
    const text = out.join('\n').replaceAll('/etc/simplemon/', `${dir}/`);
    const full = parseConfig(text, join(dir, 'monitor.config.yaml'), { env: {} });
    const byName = Object.fromEntries(full.services.map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(byName), ['intranet', 'mail-smtp', 'core-switch', 'dns-main']);
    // the values the sample shows are the defaults
    const intranet = byName.intranet;
    assert.equal(intranet.check.method, 'GET');
    assert.equal(intranet.check.maxRedirects, 5);
    assert.equal(intranet.check.insecure, false);
    assert.equal(intranet.timeoutMs, 10_000);
    assert.equal(byName['mail-smtp'].timeoutMs, full.defaults.timeoutMs);
    assert.equal(byName['core-switch'].check.count, 5);
    assert.equal(byName['core-switch'].timeoutMs, full.defaults.timeoutMs + 5 * 200);
    assert.equal(byName['dns-main'].check.recordType, 'A');
    assert.equal(byName['dns-main'].timeoutMs, full.defaults.timeoutMs);
    // and what the sample leaves out is what the parser defaults to
    const bare = parseConfig('services:\n  - { name: x, http: "https://x.example/" }\n  - { name: p, ping: 192.0.2.1 }\n  - { name: d, dns: x.example }\n', FILE, { env: {} }).services;
    assert.equal(bare[0].check.method, intranet.check.method);
    assert.equal(bare[0].timeoutMs, intranet.timeoutMs);
    assert.equal(bare[1].check.count, byName['core-switch'].check.count);
    assert.equal(bare[1].timeoutMs, byName['core-switch'].timeoutMs);
    assert.equal(bare[2].check.recordType, byName['dns-main'].check.recordType);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

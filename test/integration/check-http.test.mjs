// checkHttp against node's own HTTP and HTTPS servers on 127.0.0.1 (ephemeral ports), with a private CA
// made by openssl (test/helpers/tls-ca.mjs): status lists, keywords, HEAD, redirects (a chain, a loop, a
// downgrade), slow, hanging and trickling peers (the whole-operation deadline), and certificates valid
// 90 days, expiring in 3, expired, for another host, untrusted — with and without insecure.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { checkHttp } from '../../dist/protocols/http/check-http.js';
import { makeTestCa } from '../helpers/tls-ca.mjs';
import { loopbackServers } from '../helpers/loopback-servers.mjs';

const { track, listen, closeAll } = loopbackServers();
const timers = new Set();
let pki;
let base; // http://127.0.0.1:PORT
let rawTrickle; // a raw TCP server that trickles the status line
const tlsPorts = {};
const seen = { valid: 0, expired: 0, soon: 0, wrongHost: 0 };
let lastAuth = null;

function later(ms, fn) {
  const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
  timers.add(t);
  return t;
}

function routes(req, res) {
  const url = new URL(req.url, 'http://x');
  lastAuth = req.headers.authorization ?? null;
  switch (url.pathname) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(req.method === 'HEAD' ? undefined : 'all systems OK\n');
    case '/maintenance':
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<h1>Down for Maintenance</h1>');
    case '/500':
      res.writeHead(500);
      return res.end('boom');
    case '/a': // a chain of 3: relative, absolute path, full URL
      res.writeHead(302, { location: 'b?x=1' });
      return res.end();
    case '/b':
      res.writeHead(301, { location: '/c' });
      return res.end();
    case '/c':
      res.writeHead(307, { location: `${base}/ok` });
      return res.end();
    case '/loop1':
      res.writeHead(302, { location: '/loop2' });
      return res.end();
    case '/loop2':
      res.writeHead(302, { location: '/loop1' });
      return res.end();
    case '/slow':
      return later(300, () => { res.writeHead(200); res.end('slow but OK'); });
    case '/hang':
      return; // never answers
    case '/trickle': { // headers at once, then one byte every 300 ms, forever
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      const tick = () => { if (!res.destroyed) { res.write('.'); later(300, tick); } };
      return tick();
    }
    case '/big': { // the keyword only after 1.5 MiB, written in odd-sized chunks
      res.writeHead(200);
      const filler = Buffer.alloc(1536 * 1024 + 7, 'x');
      for (let i = 0; i < filler.length; i += 65_521) res.write(filler.subarray(i, i + 65_521));
      return res.end('NEEDLE');
    }
    case '/seam': { // the keyword split across two writes
      res.writeHead(200);
      res.write('aaaaNEE');
      return later(20, () => res.end('DLEbbbb'));
    }
    case '/downgrade':
      res.writeHead(302, { location: `${base}/ok` });
      return res.end();
    default:
      res.writeHead(404);
      return res.end('not found');
  }
}

before(async () => {
  pki = makeTestCa();
  const plain = track(http.createServer(routes));
  base = `http://127.0.0.1:${await listen(plain)}`;
  for (const name of ['valid', 'soon', 'expired', 'wrongHost']) {
    const s = track(https.createServer({ key: pki[name].key, cert: pki[name].cert }, (req, res) => { seen[name]++; routes(req, res); }));
    tlsPorts[name] = await listen(s);
  }
  rawTrickle = track(net.createServer((s) => {
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    let i = 0;
    const tick = () => { if (!s.destroyed && i < bytes.length) { s.write(bytes.subarray(i, ++i)); later(300, tick); } };
    tick();
  }));
  rawTrickle = await listen(rawTrickle);
});

after(async () => {
  for (const t of timers) clearTimeout(t);
  await closeAll();
  pki?.cleanup();
});

const https_ = (name, path = '/ok') => `https://127.0.0.1:${tlsPorts[name]}${path}`;

describe('checkHttp() over HTTP', () => {
  test('200 with the keyword present is up, with the status and latency', async () => {
    const r = await checkHttp({ url: `${base}/ok`, keyword: 'OK', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(r.statusCode, 200);
    assert.equal(r.keywordFound, true);
    assert.equal(r.redirects, 0);
    assert.equal(r.finalUrl, `${base}/ok`);
    assert.equal(r.certDaysLeft, null);
    assert.equal(r.tlsError, null);
    assert.equal(r.error, null);
    assert.ok(r.latencyMs >= 0 && r.latencyMs < 2000);
  });

  test('200 without the keyword is down, saying which keyword is missing', async () => {
    const r = await checkHttp({ url: `${base}/ok`, keyword: 'Welcome', timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.statusCode, 200);
    assert.equal(r.keywordFound, false);
    assert.equal(r.error, 'keyword "Welcome" not found');
  });

  test('keyword-absent: down when the unwanted text is there, up when it is not', async () => {
    const bad = await checkHttp({ url: `${base}/maintenance`, keywordAbsent: 'Maintenance', timeoutMs: 2000 });
    assert.equal(bad.up, false);
    assert.equal(bad.keywordFound, true);
    assert.equal(bad.error, 'unwanted keyword "Maintenance" found');
    const good = await checkHttp({ url: `${base}/ok`, keywordAbsent: 'Maintenance', timeoutMs: 2000 });
    assert.equal(good.up, true, good.error);
    assert.equal(good.keywordFound, false);
  });

  test('a keyword split across two writes is found', async () => {
    const r = await checkHttp({ url: `${base}/seam`, keyword: 'NEEDLE', timeoutMs: 2000 });
    assert.equal(r.keywordFound, true);
    assert.equal(r.up, true, r.error);
  });

  test('the body is read only up to maxBytes: a keyword beyond is not found, and said so', async () => {
    const r = await checkHttp({ url: `${base}/big`, keyword: 'NEEDLE', timeoutMs: 5000 });
    assert.equal(r.keywordFound, false);
    assert.equal(r.error, 'keyword "NEEDLE" not found in the first 1048576 bytes');
    const all = await checkHttp({ url: `${base}/big`, keyword: 'NEEDLE', maxBytes: 4 * 1024 * 1024, timeoutMs: 5000 });
    assert.equal(all.keywordFound, true, all.error);
  });

  test('HEAD gets the status without a body (keyword not searched)', async () => {
    const r = await checkHttp({ url: `${base}/ok`, method: 'HEAD', keyword: 'OK', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(r.statusCode, 200);
    assert.equal(r.keywordFound, null);
  });

  test('500 is down by default, and up when the expect-status list has it', async () => {
    const r = await checkHttp({ url: `${base}/500`, timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.statusCode, 500);
    assert.equal(r.error, 'status 500, expected 200–399');
    const listed = await checkHttp({ url: `${base}/500`, expectStatus: [200, 500], timeoutMs: 2000 });
    assert.equal(listed.up, true, listed.error);
    const only200 = await checkHttp({ url: `${base}/404`, expectStatus: [200], timeoutMs: 2000 });
    assert.equal(only200.error, 'status 404, expected 200');
  });

  test('a chain of 3 redirects (relative, absolute path, full URL) is followed and counted', async () => {
    const r = await checkHttp({ url: `${base}/a`, keyword: 'OK', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(r.redirects, 3);
    assert.equal(r.statusCode, 200);
    assert.equal(r.finalUrl, `${base}/ok`);
    const short = await checkHttp({ url: `${base}/a`, maxRedirects: 2, timeoutMs: 2000 });
    assert.equal(short.up, false);
    assert.equal(short.redirects, 2);
    assert.equal(short.statusCode, 307);
    assert.match(short.error, /^too many redirects \(more than 2\), last to http:\/\/127\.0\.0\.1:\d+\/ok$/);
  });

  test('maxRedirects 0 follows none: the redirect is the final response, judged by expect-status', async () => {
    const r = await checkHttp({ url: `${base}/b`, maxRedirects: 0, expectStatus: [301], timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(r.statusCode, 301);
    assert.equal(r.redirects, 0);
  });

  test('a redirect loop is bounded by maxRedirects and named', async () => {
    const r = await checkHttp({ url: `${base}/loop1`, timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.redirects, 5);
    assert.match(r.error, /^too many redirects \(more than 5\): a redirect loop/);
  });

  test('a slow route: latency measured is at least its delay', async () => {
    const r = await checkHttp({ url: `${base}/slow`, keyword: 'OK', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.ok(r.latencyMs >= 295, `latency ${r.latencyMs}`);
  });

  for (const [name, path, opts] of [
    ['a route that never answers', '/hang', {}],
    ['a body that trickles one byte every 300 ms', '/trickle', { keyword: 'never there' }],
  ]) {
    test(`${name} ends at the deadline: down, the error names the timeout`, async () => {
      const t0 = performance.now();
      const r = await checkHttp({ url: `${base}${path}`, timeoutMs: 1000, ...opts });
      const took = performance.now() - t0;
      assert.ok(took >= 990 && took < 1500, `took ${took} ms`);
      assert.equal(r.up, false);
      assert.equal(r.latencyMs, null);
      assert.match(r.error, /^timed out after 1s (waiting for the response|reading the body) from 127\.0\.0\.1:\d+$/);
    });
  }

  test('a status line that trickles one byte every 300 ms also ends at the deadline', async () => {
    const t0 = performance.now();
    const r = await checkHttp({ url: `http://127.0.0.1:${rawTrickle}/`, timeoutMs: 1000 });
    assert.ok(performance.now() - t0 < 1500);
    assert.equal(r.up, false);
    assert.match(r.error, /^timed out after 1s waiting for the response/);
  });

  test('a closed port is a result naming the refusal, not an exception', async () => {
    const s = net.createServer();
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address();
    await new Promise((r) => s.close(r));
    const r = await checkHttp({ url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.error, `connection refused by 127.0.0.1:${port}`);
  });

  test('a password in the URL is sent as basic auth but never appears in the result', async () => {
    const url = new URL(`${base}/500`);
    url.username = 'monitor';
    url.password = 'S3cret-pw';
    const r = await checkHttp({ url: url.href, timeoutMs: 2000 });
    assert.equal(lastAuth, `Basic ${Buffer.from('monitor:S3cret-pw').toString('base64')}`);
    assert.doesNotMatch(JSON.stringify(r), /S3cret/);
    assert.match(r.finalUrl, /monitor:\*\*\*@/);
  });

  test('custom headers and the user agent are sent; a header value with a newline is a result, not an exception', async () => {
    let got;
    const s = track(http.createServer((req, res) => { got = req.headers; res.end('OK'); }));
    const port = await listen(s);
    const r = await checkHttp({ url: `http://127.0.0.1:${port}/`, headers: { 'X-Probe': 'yes' }, userAgent: 'simplemon/0.1', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(got['x-probe'], 'yes');
    assert.equal(got['user-agent'], 'simplemon/0.1');
    const bad = await checkHttp({ url: `http://127.0.0.1:${port}/`, headers: { 'X-Token': 'abc\r\nInjected: 1' }, timeoutMs: 2000 });
    assert.equal(bad.up, false);
    assert.match(bad.error, /^invalid request to http:\/\/127\.0\.0\.1:\d+\/: /);
    assert.doesNotMatch(bad.error, /abc/);
  });

  test('a bad URL or scheme is a result, not an exception', async () => {
    assert.match((await checkHttp({ url: 'not a url', timeoutMs: 100 })).error, /^invalid URL not a url/);
    assert.match((await checkHttp({ url: 'ftp://127.0.0.1/', timeoutMs: 100 })).error, /^unsupported URL scheme ftp:/);
  });
});

describe('checkHttp() over HTTPS', () => {
  test('a valid certificate from the private CA: up, about 90 days left, subject and issuer', async () => {
    const r = await checkHttp({ url: https_('valid'), ca: pki.ca, keyword: 'OK', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(r.tlsError, null);
    assert.ok(Math.abs(r.certDaysLeft - 90) <= 0.1, `days ${r.certDaysLeft}`);
    assert.equal(r.certSubject, 'CN=localhost');
    assert.equal(r.certIssuer, 'CN=simplemon test CA, O=simplemon tests');
  });

  test('a certificate that expires in 3 days: still up, about 3 days left', async () => {
    const r = await checkHttp({ url: https_('soon'), ca: pki.ca, timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.ok(Math.abs(r.certDaysLeft - 3) <= 0.1, `days ${r.certDaysLeft}`);
  });

  test('an expired certificate: down with the date, negative days, and no request sent', async () => {
    const before = seen.expired;
    const r = await checkHttp({ url: https_('expired'), ca: pki.ca, timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.ok(Math.abs(r.certDaysLeft - -2) <= 0.1, `days ${r.certDaysLeft}`);
    const day = new Date(pki.expired.notAfter).toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal(r.tlsError, `certificate has expired on ${day}`);
    assert.equal(r.error, r.tlsError);
    assert.equal(r.statusCode, null);
    assert.equal(seen.expired, before, 'the request must not reach a server whose certificate was refused');
  });

  test('an untrusted CA is refused unless its certificate is given as ca', async () => {
    const r = await checkHttp({ url: https_('valid'), timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.tlsError, 'self-signed/untrusted certificate (issuer: CN=simplemon test CA, O=simplemon tests)');
    assert.ok(Math.abs(r.certDaysLeft - 90) <= 0.1, 'days are read even from a refused certificate');
    const trusted = await checkHttp({ url: https_('valid'), ca: pki.ca, timeoutMs: 2000 });
    assert.equal(trusted.up, true, trusted.error);
  });

  test('a certificate for another host is refused, naming both', async () => {
    const r = await checkHttp({ url: https_('wrongHost'), ca: pki.ca, timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.tlsError, 'certificate is for other.example, not 127.0.0.1');
    assert.equal(r.certSubject, 'CN=other.example');
  });

  test('insecure: true accepts expired, untrusted and wrong-host certificates and still reports them', async () => {
    const expired = await checkHttp({ url: https_('expired'), insecure: true, keyword: 'OK', timeoutMs: 2000 });
    assert.equal(expired.up, true, expired.error);
    assert.equal(expired.statusCode, 200);
    assert.ok(expired.certDaysLeft < 0);
    assert.match(expired.tlsError, /^(certificate has expired on|self-signed\/untrusted certificate)/);
    const wrong = await checkHttp({ url: https_('wrongHost'), ca: pki.ca, insecure: true, timeoutMs: 2000 });
    assert.equal(wrong.up, true, wrong.error);
    assert.equal(wrong.tlsError, 'certificate is for other.example, not 127.0.0.1');
    assert.ok(Math.abs(wrong.certDaysLeft - 90) <= 0.1);
  });

  test('an https → http downgrade is followed and counted; the days are those of the https hop', async () => {
    const r = await checkHttp({ url: https_('soon', '/downgrade'), ca: pki.ca, keyword: 'OK', timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.equal(r.redirects, 1);
    assert.equal(r.finalUrl, `${base}/ok`);
    assert.ok(Math.abs(r.certDaysLeft - 3) <= 0.1);
  });

  test('a ca that is not PEM is a result, not an exception', async () => {
    const r = await checkHttp({ url: https_('valid'), ca: 'not a certificate', timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.error, 'the ca given holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  });

  test('plain HTTP spoken to an HTTPS port times out or fails as a result', async () => {
    const r = await checkHttp({ url: `http://127.0.0.1:${tlsPorts.valid}/ok`, timeoutMs: 1000 });
    assert.equal(r.up, false);
    assert.ok(r.error);
  });
});

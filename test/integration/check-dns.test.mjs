// checkDns against a DNS responder this test starts on 127.0.0.1 (test/helpers/dns-server.mjs, npm
// dns-packet over node:dgram): A/AAAA/CNAME/MX/TXT answers, expect match and mismatch, NXDOMAIN, no record
// of the type, SERVFAIL, a slow server (latency), a silent one (the deadline), a closed port.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { checkDns } from '../../dist/protocols/dns/check-dns.js';
import { startDnsServer } from '../helpers/dns-server.mjs';

const RECORDS = {
  'intranet.example.com': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:db8::10'], TXT: ['v=spf1 -all'] },
  'www.example.com': { CNAME: 'intranet.example.com' },
  'example.com': { MX: [{ preference: 10, exchange: 'mx1.example.com' }, { preference: 20, exchange: 'mx2.example.com' }] },
  'broken.example.com': { rcode: 'SERVFAIL' },
};

const peers = [];
let dns;
let silent;
let slow;

before(async () => {
  dns = await startDnsServer(RECORDS);
  silent = await startDnsServer(RECORDS, { silent: true });
  slow = await startDnsServer(RECORDS, { delayMs: 300 });
  peers.push(dns, silent, slow);
});
after(() => Promise.all(peers.map((p) => p.close())));

const at = (peer) => ({ server: '127.0.0.1', port: peer.port });

describe('checkDns()', () => {
  test('an A query answers its addresses, with the resolution time', async () => {
    const r = await checkDns({ name: 'intranet.example.com', ...at(dns), timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.deepEqual([...r.answer].sort(), ['192.0.2.10', '192.0.2.11']);
    assert.equal(r.matches, null);
    assert.equal(r.error, null);
    assert.ok(r.latencyMs >= 0 && r.latencyMs < 2000);
  });

  test('expect: matches when every expected value is in the answer', async () => {
    const r = await checkDns({ name: 'intranet.example.com', ...at(dns), expect: ['192.0.2.10'], timeoutMs: 2000 });
    assert.equal(r.matches, true);
    assert.equal(r.up, true, r.error);
  });

  test('expect: a mismatch is down and shows the answer', async () => {
    const r = await checkDns({ name: 'intranet.example.com', ...at(dns), expect: ['192.0.2.99'], timeoutMs: 2000 });
    assert.equal(r.matches, false);
    assert.equal(r.up, false);
    assert.match(r.error, /^intranet\.example\.com A is 192\.0\.2\.1[01], 192\.0\.2\.1[01], expected 192\.0\.2\.99$/);
  });

  test('AAAA, CNAME, MX and TXT answers, and an A query through a CNAME', async () => {
    const aaaa = await checkDns({ name: 'intranet.example.com', type: 'AAAA', ...at(dns), expect: ['2001:DB8:0::10'], timeoutMs: 2000 });
    assert.deepEqual(aaaa.answer, ['2001:db8::10']);
    assert.equal(aaaa.matches, true);
    const cname = await checkDns({ name: 'www.example.com', type: 'CNAME', ...at(dns), expect: ['Intranet.Example.com.'], timeoutMs: 2000 });
    assert.deepEqual(cname.answer, ['intranet.example.com']);
    assert.equal(cname.matches, true);
    const viaCname = await checkDns({ name: 'www.example.com', ...at(dns), timeoutMs: 2000 });
    assert.deepEqual([...viaCname.answer].sort(), ['192.0.2.10', '192.0.2.11']);
    const mx = await checkDns({ name: 'example.com', type: 'MX', ...at(dns), expect: ['mx1.example.com', '20 mx2.example.com'], timeoutMs: 2000 });
    assert.deepEqual([...mx.answer].sort(), ['10 mx1.example.com', '20 mx2.example.com']);
    assert.equal(mx.matches, true);
    const txt = await checkDns({ name: 'intranet.example.com', type: 'TXT', ...at(dns), timeoutMs: 2000 });
    assert.deepEqual(txt.answer, ['v=spf1 -all']);
  });

  test('NXDOMAIN: "does not resolve", with the time the answer took', async () => {
    const r = await checkDns({ name: 'nope.example.com', ...at(dns), expect: ['192.0.2.10'], timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.error, 'nope.example.com does not resolve (NXDOMAIN)');
    assert.deepEqual(r.answer, []);
    assert.equal(r.matches, null);
    assert.ok(r.latencyMs >= 0);
  });

  test('a name without a record of the type, and a SERVFAIL, are named', async () => {
    const nodata = await checkDns({ name: 'www.example.com', type: 'MX', ...at(dns), timeoutMs: 2000 });
    assert.equal(nodata.error, 'www.example.com has no MX record');
    const servfail = await checkDns({ name: 'broken.example.com', ...at(dns), timeoutMs: 2000 });
    assert.equal(servfail.up, false);
    assert.equal(servfail.error, `127.0.0.1:${dns.port} answered SERVFAIL for broken.example.com`);
  });

  test('a slow server: the latency is at least its delay', async () => {
    const r = await checkDns({ name: 'intranet.example.com', ...at(slow), timeoutMs: 2000 });
    assert.equal(r.up, true, r.error);
    assert.ok(r.latencyMs >= 295, `latency ${r.latencyMs}`);
  });

  test('a server that never answers costs the timeout once: down, naming the server and the time', async () => {
    const before = silent.ctl.queries;
    const t0 = performance.now();
    const r = await checkDns({ name: 'intranet.example.com', ...at(silent), timeoutMs: 800 });
    const took = performance.now() - t0;
    assert.ok(took >= 790 && took < 800 + 500, `took ${took} ms`);
    assert.equal(r.up, false);
    assert.equal(r.latencyMs, null);
    assert.equal(r.error, `no answer from 127.0.0.1:${silent.port} within 800ms for intranet.example.com`);
    assert.ok(silent.ctl.queries > before, 'the query reached the server');
  });

  test('a closed port, an invalid server: results, not exceptions', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    const port = s.address().port;
    await new Promise((r) => s.close(r));
    const t0 = performance.now();
    const r = await checkDns({ name: 'intranet.example.com', server: '127.0.0.1', port, timeoutMs: 1000 });
    assert.ok(performance.now() - t0 < 1500);
    assert.equal(r.up, false);
    assert.match(r.error, new RegExp(`^(connection refused by 127\\.0\\.0\\.1:${port}|no answer from 127\\.0\\.0\\.1:${port} within 1s for intranet\\.example\\.com)$`));
    const bad = await checkDns({ name: 'x.example', server: 'dns.example.com', timeoutMs: 1000 });
    assert.equal(bad.error, 'invalid DNS server "dns.example.com": an IP address is needed');
  });
});

// The fault suite, SNMP part — what test/integration/snmp-printers.test.mjs does not cover already
// (wrong types, recordings cut short, no answer, unknown community, slow supplies table: see there):
//   - an agent that answers every request just in time, so that SNMPv1's walk one OID at a time
//     through many slow supplies would take tens of seconds: the printer ends at its deadline,
//     timeout × (retries + 1) + PRINTER_GRACE_MS, with what it read; the other printers are unaffected
//   - truncated PDUs on the wire (a UDP proxy cuts every answer in half): one clear problem
//   - huge strings (a 20,000-character sysDescr, a 5,000-character supply description): read whole
//   - Latin-1 strings from older printers: decoded, not dropped; binary octets stay null
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { collectPrinters, PRINTER_GRACE_MS } from '../../dist/sources/printers/collect.js';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { repo } from '../helpers/cli.mjs';

const F = (name) => join(repo, 'test', 'fixtures', 'snmp', `${name}.snmprec`);
/** Generous on a loaded 2-core machine: the old code took over 20 s here. */
const MARGIN_MS = 3000;

let slow; // its own snmpsimd: the delay variation holds up the whole (single-threaded) agent
let sim;
before(async () => {
  slow = await startSnmpsim({ files: [F('slow-many')] });
  sim = await startSnmpsim({ files: [F('colour-laser'), F('latin1'), F('huge-strings')] });
});
after(async () => {
  await slow?.stop();
  await sim?.stop();
});

function printer(name, community, { port = sim.port, version = '2c', timeoutMs = 1500, retries = 0 } = {}) {
  return { id: `printer/${name}`, name, address: '127.0.0.1', port, snmp: { version, community }, timeoutMs, retries, thresholds: {} };
}

describe('SNMP faults', { timeout: 120_000 }, () => {
  test('SNMPv1 through 70 slow supply objects (300 ms each, timeout 1.5s): the printer ends at its deadline with what it read; the others are unaffected', async () => {
    const lines = [];
    const t0 = Date.now();
    const [s, ok] = await collectPrinters([printer('slow', 'slow-many', { port: slow.port, version: '1' }), printer('ok', 'colour-laser', { version: '1' })], {
      concurrency: 2,
      log: (l) => lines.push(`${Date.now() - t0} ms ${l}`),
    });
    const elapsed = Date.now() - t0;
    const budget = 1500 * 1 + PRINTER_GRACE_MS;
    assert.ok(elapsed < budget + MARGIN_MS, `took ${elapsed} ms (deadline ${budget} ms)\n${lines.join('\n')}`);
    assert.ok(elapsed >= budget - 200, `the deadline, not a single timeout, ended it (${elapsed} ms)`);
    assert.equal(s.reachable, true, s.error);
    assert.equal(s.metrics.sysName, 'sm-4');
    assert.ok(s.metrics.supplies.length < 10, 'not all ten supplies were read in time');
    assert.ok(lines.some((l) => /\[snmp slow\] no complete answer within 3\.5s \(timeout × \(retries \+ 1\) \+ 2s, for the whole printer\) \(walk prtMarkerSuppliesTable; its fields are left empty\)/.test(l)), lines.join('\n'));
    assert.equal(ok.reachable, true, ok.error);
    assert.equal(ok.metrics.sysName, 'cl-500-lab');
    assert.equal(ok.metrics.supplies.length, 7);
    assert.equal(ok.metrics.pageCount, 48213);
  });

  test('truncated PDUs (every answer cut in half on the wire): a clear problem within timeout × (retries + 1); no crash; the others unaffected', async () => {
    const proxy = createSocket('udp4');
    const up = createSocket('udp4');
    const clients = new Map();
    let n = 0;
    proxy.on('message', (msg, rinfo) => {
      const key = n++;
      clients.set(key, rinfo);
      // one upstream socket: answers come back in order enough for a cut-in-half reply to any client
      up.send(msg, sim.port, '127.0.0.1');
    });
    up.on('message', (msg) => {
      for (const [, rinfo] of clients) proxy.send(msg.subarray(0, msg.length >> 1), rinfo.port, rinfo.address);
      clients.clear();
    });
    await new Promise((r) => proxy.bind(0, '127.0.0.1', r));
    await new Promise((r) => up.bind(0, '127.0.0.1', r));
    try {
      const t0 = Date.now();
      const [cut, ok] = await collectPrinters([printer('cut', 'colour-laser', { port: proxy.address().port, timeoutMs: 500, retries: 1 }), printer('ok', 'latin1')], { concurrency: 2 });
      const elapsed = Date.now() - t0;
      assert.equal(cut.reachable, false);
      // net-snmp either cannot decode the half datagram (dropped: the request times out) or decodes
      // a damaged varbind list: both are one clear problem for this printer
      assert.match(cut.error, /^(timeout after 500ms \(1 retry\)|invalid response: Requested OIDs do not match response OIDs)$/);
      assert.ok(elapsed < 500 * 2 + MARGIN_MS, `took ${elapsed} ms`);
      assert.equal(ok.reachable, true, ok.error);
      assert.equal(ok.metrics.pageCount, 4242);
    } finally {
      proxy.close();
      up.close();
    }
  });

  for (const version of ['1', '2c']) {
    test(`huge strings over v${version}: a 20,000-character sysDescr and a 5,000-character description are read whole`, async () => {
      const [r] = await collectPrinters([printer('huge', 'huge-strings', { version })], { concurrency: 1 });
      assert.equal(r.reachable, true, r.error);
      assert.equal(r.metrics.sysName, 'hg-6');
      assert.equal(r.metrics.sysDescr.length, 20000);
      assert.ok(r.metrics.sysDescr.startsWith('Huge Printer Description Huge'));
      assert.deepEqual(
        r.metrics.supplies.map((x) => [x.index, x.description?.length, x.percent]),
        [['1.1', 5000, 8], ['1.2', 10, 70]],
      );
      assert.equal(r.metrics.pageCount, 99);
    });
  }

  test('Latin-1 text from an older printer is decoded (not dropped); binary octets stay null', async () => {
    const [r] = await collectPrinters([printer('lat', 'latin1')], { concurrency: 1 });
    assert.equal(r.reachable, true, r.error);
    assert.equal(r.metrics.sysDescr, "Imprimante Société Générale Côte d'Or");
    assert.deepEqual(
      r.metrics.supplies.map((x) => [x.index, x.description, x.percent]),
      [['1.1', 'Tóner negro', 15], ['1.2', "Cartouche d'encre café", 60], ['1.3', null, 60]],
    );
  });
});

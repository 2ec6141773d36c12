// The bad-input corpus, values part (issue 10, Deliver 3): SNMP recordings and SOAP bodies under
// test/fixtures/bad/{snmp,soap}/, each row of test/fixtures/bad/values.json with the exact value it must
// map to or the exact error it must give. SNMP recordings are served by a real snmpsim and read by the
// printer collector; SOAP bodies go through the inventory page reader (src/sources/vcenter/inventory.ts:
// the page scanner src/protocols/soap/scan.ts and the VM mapping src/sources/vcenter/map.ts), as a
// RetrievePropertiesEx answer does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { collectPrinters } from '../../dist/sources/printers/collect.js';
import { pageReader } from '../../dist/sources/vcenter/inventory.js';
import { clean } from '../../dist/render/sanitize.js';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { repo } from '../helpers/cli.mjs';

const BAD = join(repo, 'test', 'fixtures', 'bad');
const cases = JSON.parse(readFileSync(join(BAD, 'values.json'), 'utf8'));

/** An expected value: as written, or `{ repeat, length }` for a long string (a unit repeated, cut at length). */
const expected = (v) => (v && typeof v === 'object' && 'repeat' in v ? v.repeat.repeat(Math.ceil(v.length / v.repeat.length)).slice(0, v.length) : v);

let sim;
before(async () => {
  sim = await startSnmpsim({ files: cases.filter((c) => c.file.startsWith('snmp/')).map((c) => join(BAD, c.file)) });
});
after(async () => {
  await sim?.stop();
});

test('the values corpus covers every file in test/fixtures/bad/snmp and soap, and every row names an existing file', () => {
  const listed = new Set(cases.map((c) => c.file));
  for (const sub of ['snmp', 'soap']) for (const f of readdirSync(join(BAD, sub))) assert.ok(listed.has(`${sub}/${f}`), `${sub}/${f} has no row in values.json`);
  for (const c of cases) assert.ok(readdirSync(join(BAD, c.file.split('/')[0])).includes(basename(c.file)), c.file);
});

describe('bad SNMP values', () => {
  for (const c of cases.filter((x) => x.file.startsWith('snmp/'))) {
    test(`${c.file}: ${c.why}`, async () => {
      const community = basename(c.file, '.snmprec');
      const [r] = await collectPrinters([{ id: `printer/${community}`, name: community, address: '127.0.0.1', port: sim.port, snmp: { version: '2c', community }, timeoutMs: 2000, retries: 1, thresholds: {} }], { concurrency: 1 });
      assert.equal(r.error, null);
      assert.equal(r.reachable, true);
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(r.metrics[key], expected(value), key);
      if (c.shown) assert.ok(clean(r.metrics.sysName).startsWith(c.shown), 'shown with its escapes made visible');
    });
  }
});

describe('bad SOAP bodies', () => {
  for (const c of cases.filter((x) => x.file.startsWith('soap/'))) {
    test(`${c.file}: ${c.why}`, () => {
      const xml = readFileSync(join(BAD, c.file), 'utf8');
      const reader = pageReader('vc');
      if (c.error) {
        assert.throws(() => reader.read(xml), { message: c.error });
        return;
      }
      const token = reader.read(xml);
      assert.equal(token, c.token);
      assert.deepEqual(
        reader.objects.map((o) => ({ type: o.type, moref: o.moref, vm: Object.fromEntries(Object.keys(c.objects[0].vm).map((k) => [k, o.metrics[k]])) })),
        c.objects,
      );
    });
  }
});

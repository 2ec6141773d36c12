// collectPrinters() against a real snmpsimd on loopback, over SNMPv1, v2c and v3.
//
// The project's own recordings (test/fixtures/snmp, community = file name):
//   colour-laser      levels −1 and −3, a receptacle, index gaps (1.4, 1.6, 1.9 missing), a non-ASCII
//                     description, error state 1c00 = noToner+doorOpen+jammed, two markers
//   inkjet-eom        the printer is hrDevice 2; 1-octet error state; the recording ends with the
//                     supplies table, so its walk ends in endOfMibView (v2c/v3) / noSuchName (v1)
//   devtype-fallback  no hrPrinterTable: the printer (hrDevice 3) is found through hrDeviceType;
//                     supplies with only description/max/level; no page counter, no error state
//   wrong-types       Integer for sysDescr, OctetString for a level, a capacity, statuses …
//   truncated         cut off inside the supplies table; no sysName (so a v1 GET fails as a whole);
//                     a description whose last UTF-8 character is cut short
//   slow-supplies     answers everything except the supplies table (snmpsim's delay variation drops
//                     the response), so the printer is reachable with the rest of its data
// Then, when ../shared/printers exists, the ten real recordings against its expected.json.
import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createCipheriv } from 'node:crypto';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSnmpsim, V3_USERS } from '../helpers/snmpsim.mjs';
import { collectPrinters } from '../../dist/sources/printers/collect.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'snmp');
const SHARED = path.resolve(repoRoot, '..', 'shared', 'printers');
const HAVE_SHARED = existsSync(path.join(SHARED, 'expected.json'));

const ownFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.snmprec')).map((f) => path.join(FIXTURES, f));
const sharedFiles = HAVE_SHARED ? readdirSync(SHARED).filter((f) => f.endsWith('.snmprec')).map((f) => path.join(SHARED, f)) : [];

let sim;
before(async () => {
  sim = await startSnmpsim({ files: [...ownFiles, ...sharedFiles] });
});
after(async () => {
  await sim?.stop();
});

/** A PrinterConfig as the validator builds it. */
function printer(name, snmp, { address = '127.0.0.1', port, timeoutMs = 2000, retries = 0 } = {}) {
  return { name, id: `printer/${name}`, address, port: port ?? sim.port, snmp, timeoutMs, retries, thresholds: {} };
}
const community = (version, c) => ({ version, community: c });
const v3 = (context, u = V3_USERS.authPriv) => ({ version: '3', user: u.user, context, auth: u.auth, priv: u.priv });

const SECURITY = {
  v1: (c) => community('1', c),
  v2c: (c) => community('2c', c),
  'v3 authPriv (SHA/AES)': (c) => v3(c, V3_USERS.authPriv),
  'v3 authNoPriv (SHA)': (c) => v3(c, V3_USERS.authNoPriv),
  'v3 noAuthNoPriv': (c) => v3(c, V3_USERS.noAuthNoPriv),
};

const sup = (index, description, type, cls, unit, maxCapacity, level, percent) => ({ index, description, type, class: cls, unit, maxCapacity, level, percent });
const OWN_EXPECTED = {
  'colour-laser': {
    sysName: 'cl-500-lab',
    sysDescr: 'Simplemon Test CL-500 Colour Laser',
    pageCount: 48213,
    supplies: [
      sup('1.1', 'Black Toner Cartridge', 'tonerCartridge', 'supplyThatIsConsumed', 'percent', 100, 64, 64),
      sup('1.2', 'Cyan Tóner', 'tonerCartridge', 'supplyThatIsConsumed', 'percent', 100, -3, 50),
      sup('1.3', 'Magenta Toner Cartridge', 'tonerCartridge', 'supplyThatIsConsumed', 'percent', 100, -1, null),
      sup('1.5', 'Yellow Toner', 'toner', 'supplyThatIsConsumed', 'tenthsOfGrams', 200, 29, 15),
      sup('1.7', 'Waste Toner Box', 'wasteToner', 'receptacleThatIsFilled', 'percent', 100, 35, 35),
      sup('1.8', 'Imaging Drum', 'opc', 'supplyThatIsConsumed', 'impressions', 60000, 45000, 75),
      sup('1.10', 'Fuser Unit', 'fuser', 'supplyThatIsConsumed', 'hours', -2, -2, null),
    ],
    printerStatus: 'other',
    deviceStatus: 'down',
    errors: ['noToner', 'doorOpen', 'jammed'],

    alerts: [],
    console: [],
  },
  'inkjet-eom': {
    sysName: 'ij-20',
    sysDescr: 'Simplemon Test IJ-20 Inkjet',
    pageCount: 9876,
    supplies: [
      sup('2.1', 'Black Ink', 'inkCartridge', 'supplyThatIsConsumed', 'tenthsOfMilliliters', 3000, 2400, 80),
      sup('2.3', 'Cyan Ink', 'inkCartridge', 'supplyThatIsConsumed', 'tenthsOfMilliliters', 3000, 0, 0),
      sup('2.4', 'Waste Ink Pad', 'wasteInk', 'receptacleThatIsFilled', 'tenthsOfMilliliters', 6700, 6030, 90),
    ],
    printerStatus: 'printing',
    deviceStatus: 'warning',
    errors: ['noPaper', 'serviceRequested'],

    alerts: [],
    console: [],
  },
  'devtype-fallback': {
    sysName: 'fb-1',
    sysDescr: 'Simplemon Test FB-1 Office Printer',
    pageCount: null,
    supplies: [sup('3.1', 'Black Toner, PN 123;SN456', null, null, null, 5300, 1060, 20), sup('3.2', 'Drum Cartridge', null, null, null, 100, 92, 92)],
    printerStatus: null,
    deviceStatus: 'warning',
    errors: [],

    alerts: [],
    console: [],
  },
  'wrong-types': {
    sysName: 'wt-1',
    sysDescr: null,
    pageCount: null,
    supplies: [sup('1.1', null, 'toner', null, null, 100, null, null), sup('1.2', 'Cyan Toner', null, 'supplyThatIsConsumed', 'percent', null, 40, 40)],
    printerStatus: null,
    deviceStatus: null,
    errors: [],

    alerts: [],
    console: [],
  },
  truncated: {
    sysName: null,
    sysDescr: 'Simplemon Test TR-9 Printer',
    pageCount: 5,
    supplies: [
      sup('1.1', 'Black Toner', 'toner', 'supplyThatIsConsumed', 'percent', 100, null, null),
      sup('1.2', 'Gelb ', 'toner', 'supplyThatIsConsumed', 'percent', 100, null, null), // cut off inside "Gelb →": the text before it
      sup('1.3', 'Magenta Toner', 'toner', 'supplyThatIsConsumed', 'percent', null, null, null),
    ],
    printerStatus: null,
    deviceStatus: 'running',
    errors: ['lowPaper'],

    alerts: [],
    console: [],
  },
};

describe('own fixtures', () => {
  for (const [label, snmp] of Object.entries(SECURITY)) {
    test(`every fixture over ${label} reads exactly as expected`, async () => {
      const names = Object.keys(OWN_EXPECTED);
      const readings = await collectPrinters(
        names.map((n) => printer(n, snmp(n))),
        { concurrency: 8 },
      );
      for (const [i, n] of names.entries()) {
        const r = readings[i];
        assert.equal(r.id, `printer/${n}`);
        assert.equal(r.kind, 'printer');
        assert.equal(r.target, `127.0.0.1:${sim.port}`);
        assert.equal(r.error, null, `${n}: ${r.error}`);
        assert.equal(r.reachable, true);
        assert.deepEqual(r.metrics, OWN_EXPECTED[n], n);
      }
    });
  }

  for (const label of ['v1', 'v2c', 'v3 authPriv (SHA/AES)']) {
    test(`slow-supplies over ${label}: the supplies walk times out, the printer stays reachable with the rest`, async () => {
      const lines = [];
      const t0 = Date.now();
      const [r] = await collectPrinters([printer('slow', SECURITY[label]('slow-supplies'), { timeoutMs: 800, retries: 0 })], {
        concurrency: 1,
        log: (l) => lines.push(l),
      });
      const elapsed = Date.now() - t0;
      assert.equal(r.reachable, true);
      assert.equal(r.error, null);
      assert.deepEqual(r.metrics, {
        sysName: 'sl-3',
        sysDescr: 'Simplemon Test SL-3 Slow Supplies',
        pageCount: 777,
        supplies: [],
        printerStatus: 'idle',
        deviceStatus: 'running',
        errors: [],
        alerts: [],
        console: [],
      });
      assert.ok(lines.some((l) => l.startsWith('[snmp slow] timeout after 800ms (0 retries) (walk prtMarkerSuppliesTable')), lines.join('\n'));
      // upper bound only loose: it tells one timeout from several in a row, on a loaded 2-core machine too
      assert.ok(elapsed >= 750 && elapsed < 3200, `took ${elapsed} ms`);
    });
  }
});

/** A UDP port on 127.0.0.1 where nothing listens (bound, then released). */
async function deadPort() {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

describe('unreachable and refused printers', () => {
  test('unknown community and nothing listening: timeout errors within timeout × (retries + 1), the live printers not held up', async () => {
    const lines = [];
    const stamp = new Map();
    const dead = await deadPort();
    const printers = [
      printer('dead', community('2c', 'colour-laser'), { address: '127.0.0.1', port: dead, timeoutMs: 1000 }),
      printer('bad-community', community('2c', 'no-such-community'), { timeoutMs: 1000 }),
      printer('dead-v3', v3('colour-laser'), { address: '127.0.9.9', timeoutMs: 1000 }),
      printer('live-1', community('2c', 'colour-laser'), { timeoutMs: 1000 }),
      printer('live-2', community('2c', 'inkjet-eom'), { timeoutMs: 1000 }),
    ];
    const t0 = Date.now();
    const readings = await collectPrinters(printers, {
      concurrency: 8,
      log: (l) => {
        lines.push(l);
        stamp.set(l.match(/^\[snmp ([^\]]+)\]/)?.[1], Date.now() - t0);
      },
    });
    const elapsed = Date.now() - t0;
    const byName = Object.fromEntries(readings.map((r) => [r.name, r]));
    for (const n of ['dead', 'bad-community', 'dead-v3']) {
      assert.equal(byName[n].reachable, false, n);
      assert.equal(byName[n].error, 'timeout after 1s (0 retries)');
      assert.deepEqual(byName[n].metrics, {});
    }
    assert.equal(byName['dead'].target, `127.0.0.1:${dead}`);
    assert.deepEqual(byName['live-1'].metrics, OWN_EXPECTED['colour-laser']);
    assert.deepEqual(byName['live-2'].metrics, OWN_EXPECTED['inkjet-eom']);
    // one timeout for all three dead ones (they run side by side: in a row would be ≥ 3 s), and the live ones finish long before
    assert.ok(elapsed >= 950 && elapsed < 2900, `took ${elapsed} ms`);
    const firstDead = Math.min(...['dead', 'bad-community', 'dead-v3'].map((n) => stamp.get(n)));
    assert.ok(firstDead >= 950, JSON.stringify([...stamp]));
    assert.ok(stamp.get('live-1') < firstDead && stamp.get('live-2') < firstDead, JSON.stringify([...stamp]));
    assert.ok(!lines.join('\n').includes('no-such-community'));
  });

  test('retries multiply the wait once per printer: 500ms × (1 + 1 retry)', async () => {
    const t0 = Date.now();
    const [r] = await collectPrinters([printer('dead', community('1', 'x'), { port: await deadPort(), timeoutMs: 500, retries: 1 })], { concurrency: 1 });
    const elapsed = Date.now() - t0;
    assert.equal(r.error, 'timeout after 500ms (1 retry)');
    assert.ok(elapsed >= 950 && elapsed < 2900, `took ${elapsed} ms`);
  });

  test('SNMPv3: a wrong auth key or an unknown user is "authentication failed", at once; an unknown context is a timeout; no key in any message', async () => {
    const wrongKey = { ...V3_USERS.authPriv, auth: { protocol: 'sha', key: 'not-the-auth-key' } };
    const unknownUser = { ...V3_USERS.noAuthNoPriv, user: 'nobody-here' };
    const lines = [];
    const t0 = Date.now();
    const readings = await collectPrinters(
      [
        printer('wrong-auth', v3('colour-laser', wrongKey), { timeoutMs: 1000 }),
        printer('unknown-user', v3('colour-laser', unknownUser), { timeoutMs: 1000 }),
        printer('unknown-context', v3('no-such-context'), { timeoutMs: 1000 }),
      ],
      { concurrency: 4, log: (l) => lines.push(l) },
    );
    assert.deepEqual(
      readings.map((r) => [r.reachable, r.error]),
      [
        [false, 'authentication failed: wrong digest (check the auth key and protocol)'],
        [false, 'authentication failed: unknown user name'],
        [false, 'timeout after 1s (0 retries)'],
      ],
    );
    assert.ok(Date.now() - t0 < 2900, 'all three side by side: one timeout, not three');
    const all = JSON.stringify(readings) + lines.join('\n');
    for (const secret of ['not-the-auth-key', V3_USERS.authPriv.priv.key, V3_USERS.authPriv.auth.key]) assert.ok(!all.includes(secret), secret);
  });

  test(`SNMPv3 MD5/DES works, also where OpenSSL 3 has moved single DES to its legacy provider (here: ${desWorks() ? 'native des-cbc' : 'des-ede with K1 = K2'})`, async () => {
    const [r] = await collectPrinters([printer('des', v3('colour-laser', V3_USERS.md5Des), { timeoutMs: 1000 })], { concurrency: 1 });
    assert.equal(r.reachable, true, r.error);
    assert.deepEqual(r.metrics, OWN_EXPECTED['colour-laser']);
  });
});

/** Does this Node.js still do DES? (OpenSSL 3 lists des-cbc but refuses it without the legacy provider.) */
function desWorks() {
  try {
    createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

// --- the real recordings ----------------------------------------------------------------------------
const EXPECTED = HAVE_SHARED ? JSON.parse(readFileSync(path.join(SHARED, 'expected.json'), 'utf8')).devices : {};

/** Our metrics vs one device of expected.json, field by field (the oracle's names → ours). */
function checkDevice(name, m) {
  const d = EXPECTED[name];
  assert.equal(m.sysName, d.sysName, `${name} sysName`);
  assert.equal(m.sysDescr, d.sysDescr, `${name} sysDescr`);
  assert.equal(m.pageCount, d.pageCount, `${name} pageCount`);
  assert.equal(m.deviceStatus, d.hrDeviceStatusName, `${name} deviceStatus`);
  assert.equal(m.printerStatus, d.hrPrinterStatusName, `${name} printerStatus`);
  assert.deepEqual(m.errors, d.hrPrinterDetectedErrorState?.names ?? [], `${name} errors`);
  // none of the ten recordings has a prtAlertTable or console row
  assert.deepEqual([m.alerts, m.console], [[], []], `${name} alerts and console`);
  assert.deepEqual(
    m.supplies.map((s) => s.index),
    d.supplies.map((s) => s.index),
    `${name} supply indexes`,
  );
  d.supplies.forEach((e, i) => {
    const s = m.supplies[i];
    const at = `${name} supply ${e.index}`;
    assert.equal(s.description, e.description, `${at} description`);
    assert.equal(s.type, e.typeName, `${at} type`);
    assert.equal(s.class, e.className, `${at} class`);
    assert.equal(s.unit, e.unitName, `${at} unit`);
    assert.equal(s.maxCapacity, e.maxCapacity, `${at} maxCapacity`);
    assert.equal(s.level, e.level, `${at} level`);
    // the oracle's "level −1 → 0" is LibreNMS's; ours is null (no recording has −1)
    assert.equal(s.percent, e.level === -1 ? null : e.percent, `${at} percent`);
  });
}

describe('the ten real recordings against expected.json', { skip: HAVE_SHARED ? false : 'no ../shared/printers' }, () => {
  const devices = Object.keys(EXPECTED);
  const runs = [
    ['v2c', devices, (c) => community('2c', c)],
    ['v1', ['brother_hl5370dw', 'sharp', 'samsungprinter_m4080fx', 'epson', 'zebra'], (c) => community('1', c)],
    ['v3 authPriv (SHA/AES)', ['sharp', 'epson', 'xerox', 'zebra', 'canonprinter_tm'], (c) => v3(c)],
  ];
  for (const [label, names, snmp] of runs) {
    test(`over ${label}: ${names.length} devices, every field`, async () => {
      assert.ok(names.length > 0);
      const readings = await collectPrinters(
        names.map((n) => printer(n, snmp(n), { timeoutMs: 2000, retries: 1 })),
        { concurrency: 10 },
      );
      for (const [i, n] of names.entries()) {
        assert.equal(readings[i].reachable, true, `${n}: ${readings[i].error}`);
        checkDevice(n, readings[i].metrics);
      }
    });
  }
  test('all ten are in expected.json and served', () => {
    assert.equal(devices.length, 10);
    assert.deepEqual(devices.slice().sort(), sharedFiles.map((f) => path.basename(f, '.snmprec')).sort());
  });
});

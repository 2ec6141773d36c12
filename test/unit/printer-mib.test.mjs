// The printer mapping (src/sources/printers/printer-mib.ts) on hand-written varbinds: percent rules,
// error-state bits, odd agent data (wrong types, truncated values, missing columns); then
// collectPrinters() with fake sessions: concurrency, partial failures, no secrets in errors.
import test, { describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  OID,
  SUPPLY_TYPES,
  SUPPLY_CLASSES,
  SUPPLY_UNITS,
  decodeErrorState,
  supplyPercent,
  printerDeviceIndex,
  toPrinterMetrics,
  textValue,
  intValue,
} from '../../dist/sources/printers/printer-mib.js';
import { collectPrinters } from '../../dist/sources/printers/collect.js';
import { describeTimeout, compareOids, scrub, SnmpError } from '../../dist/protocols/snmp/session.js';

// --- varbind builders ---------------------------------------------------------------------------
const int = (oid, value, type = 'integer') => ({ oid, type, value });
const str = (oid, s) => ({ oid, type: 'octets', value: Buffer.from(s, 'utf8') });
const hex = (oid, h) => ({ oid, type: 'octets', value: Buffer.from(h, 'hex') });
const missing = (oid, type = 'noSuchInstance') => ({ oid, type, value: null });
const S = OID.prtMarkerSuppliesEntry;
/** A supply row: columns 4 class, 5 type, 6 description, 7 unit, 8 max, 9 level (undefined = column absent). */
function supplyRow(index, { cls, type, descr, unit, max, level }) {
  const out = [];
  if (cls !== undefined) out.push(int(`${S}.4.${index}`, cls));
  if (type !== undefined) out.push(int(`${S}.5.${index}`, type));
  if (descr !== undefined) out.push(str(`${S}.6.${index}`, descr));
  if (unit !== undefined) out.push(int(`${S}.7.${index}`, unit));
  if (max !== undefined) out.push(int(`${S}.8.${index}`, max));
  if (level !== undefined) out.push(int(`${S}.9.${index}`, level));
  return out;
}
const EMPTY = { system: null, lifeCount: null, supplies: null, hrPrinter: null };
const NOTHING = { sysName: null, sysDescr: null, pageCount: null, supplies: [], printerStatus: null, deviceStatus: null, errors: [], alerts: [], console: [] };

// --- supplyPercent --------------------------------------------------------------------------------
// Mirrors the table above supplyPercent(), row by row, plus the recordings' own cases.
// [level, maxCapacity, percent, why]
const PERCENT = [
  [null, 100, null, 'no level column'],
  [-3, 100, 50, 'level −3 "some remaining" is an estimate of 50'],
  [-3, -2, 50, 'level −3 whatever the capacity'],
  [-3, null, 50, 'level −3 without a capacity column'],
  [-2, 100, null, 'level −2 unknown'],
  [-1, 100, null, 'level −1 no restriction: null, as the issue says'],
  [-1, -1, null, 'level −1 with capacity −1'],
  [-4, 100, null, 'other negative levels'],
  [-100, 100, null, 'Ricoh-style −100'],
  [0, 100, 0, 'empty'],
  [64, 100, 64, 'percent-scaled capacity'],
  [0, -2, 0, 'brother empty toner: level 0, capacity −2'],
  [100, -2, 100, 'sharp waste toner: capacity −2, level a percentage'],
  [55, -1, 55, 'capacity −1 taken as 100'],
  [40, 0, 40, 'capacity 0 taken as 100'],
  [40, null, 40, 'no capacity column: 100'],
  [17208, 25000, 69, 'brother drum, absolute units'],
  [6030, 6700, 90, 'canon waste ink receptacle: space remaining'],
  [99959, 100000, 100, 'samsung MP roller rounds to 100'],
  [22050, 45000, 49, 'dell toner 49'],
  [2400, 3000, 80, 'ink tank in tenths of ml'],
  [29, 200, 15, '14.5 rounds half up (no float drift: 29/200*100 = 14.4999…)'],
  [1, 200, 1, '0.5 rounds away from zero'],
  [5, 200, 3, '2.5 rounds to 3, not to even'],
  [1, 100, 1, 'epson 1 of 100'],
  [150, 100, 150, 'more than the capacity is kept, not clamped'],
  [1, 3, 33, 'a third'],
  [2, 3, 67, 'two thirds'],
];
describe('supplyPercent()', () => {
  for (const [level, max, want, why] of PERCENT) {
    test(`level ${level}, maxCapacity ${max} → ${want}: ${why}`, () => {
      assert.equal(supplyPercent(level, max), want);
    });
  }
});

// --- decodeErrorState -------------------------------------------------------------------------------
// RFC 3805 bit order, written out here rather than read from ERROR_NAMES, so the order itself is tested.
const BIT_NAMES = [
  'lowPaper', 'noPaper', 'lowToner', 'noToner', 'doorOpen', 'jammed', 'offline', 'serviceRequested',
  'inputTrayMissing', 'outputTrayMissing', 'markerSupplyMissing', 'outputNearFull', 'outputFull', 'inputTrayEmpty', 'overduePreventMaint',
];
describe('decodeErrorState()', () => {
  BIT_NAMES.forEach((name, bit) => {
    const buf = Buffer.alloc(2);
    buf[bit >> 3] = 0x80 >> (bit & 7);
    test(`bit ${bit} (octets ${buf.toString('hex')}) is ${name}`, () => {
      assert.deepEqual(decodeErrorState(buf), [name]);
    });
  });
  // [hex, names, why]
  const CASES = [
    ['', [], 'zero-length OCTET STRING (epson): no error'],
    ['00', [], 'one octet, no bits'],
    ['0000', [], 'two octets, no bits (dell, zebra)'],
    ['80', ['lowPaper'], 'one octet: bit 0 is the top bit'],
    ['2000', ['lowToner'], 'sharp'],
    ['8000', ['lowPaper'], 'samsung'],
    ['1c00', ['noToner', 'doorOpen', 'jammed'], 'several bits, in bit order'],
    ['41', ['noPaper', 'serviceRequested'], 'first and last bit of octet 1'],
    ['0004', ['inputTrayEmpty'], 'a bit of octet 2'],
    ['fffe', BIT_NAMES, 'all fifteen named bits, in order'],
    ['0001', [], 'bit 15 has no name: ignored'],
    ['0000ff', [], 'a third octet is ignored'],
  ];
  for (const [h, names, why] of CASES) {
    test(`"${h}" → [${names.join(', ')}]: ${why}`, () => {
      assert.deepEqual(decodeErrorState(Buffer.from(h, 'hex')), names);
    });
  }
  test('null or undefined (object absent) → []', () => {
    assert.deepEqual(decodeErrorState(null), []);
    assert.deepEqual(decodeErrorState(undefined), []);
  });
  test('a plain Uint8Array works like a Buffer', () => {
    assert.deepEqual(decodeErrorState(new Uint8Array([0x10, 0x00])), ['noToner']);
  });
});

// --- enum tables --------------------------------------------------------------------------------------
describe('enum names', () => {
  test('prtMarkerSuppliesType names follow PrtMarkerSuppliesTypeTC, matteToner(35) and matteInk(36) included', () => {
    assert.equal(SUPPLY_TYPES[1], 'other');
    assert.equal(SUPPLY_TYPES[3], 'toner');
    assert.equal(SUPPLY_TYPES[4], 'wasteToner');
    assert.equal(SUPPLY_TYPES[6], 'inkCartridge');
    assert.equal(SUPPLY_TYPES[8], 'wasteInk');
    assert.equal(SUPPLY_TYPES[9], 'opc');
    assert.equal(SUPPLY_TYPES[15], 'fuser');
    assert.equal(SUPPLY_TYPES[21], 'tonerCartridge');
    assert.equal(SUPPLY_TYPES[34], 'covers');
    assert.equal(SUPPLY_TYPES[35], 'matteToner');
    assert.equal(SUPPLY_TYPES[36], 'matteInk');
    assert.equal(Object.keys(SUPPLY_TYPES).length, 36);
  });
  test('class and unit names follow the RFC, with its gaps', () => {
    assert.deepEqual(SUPPLY_CLASSES, { 1: 'other', 3: 'supplyThatIsConsumed', 4: 'receptacleThatIsFilled' });
    assert.equal(SUPPLY_UNITS[7], 'impressions');
    assert.equal(SUPPLY_UNITS[14], 'hundrethsOfFluidOunces');
    assert.equal(SUPPLY_UNITS[15], 'tenthsOfMilliliters');
    assert.equal(SUPPLY_UNITS[19], 'percent');
    for (const gap of [5, 6, 9, 10]) assert.equal(SUPPLY_UNITS[gap], undefined);
  });
});

// --- value decoding -----------------------------------------------------------------------------------
describe('value decoding', () => {
  test('text is the exact UTF-8 of the bytes: nothing trimmed, non-ASCII kept', () => {
    assert.equal(textValue(str('1.3', '  Samsung M4080FX; ')), '  Samsung M4080FX; ');
    assert.equal(textValue(hex('1.3', '4379616e2054c3b36e6572')), 'Cyan Tóner');
    assert.equal(textValue(str('1.3', '')), '');
    assert.equal(textValue({ oid: '1.3', type: 'octets', value: 'already text' }), 'already text');
  });
  test('text that is not UTF-8 is read as Latin-1 (older printers); a multi-byte character cut short keeps the text before it; binary is null', () => {
    assert.equal(textValue(hex('1.3', '4275726f2047656c622054fc72')), 'Buro Gelb T\u00fcr');
    assert.equal(textValue(hex('1.3', '436172747563686520e9746167e8726520c9')), 'Cartuche \u00e9tag\u00e8re \u00c9');
    assert.equal(textValue(hex('1.3', '47656c6220e280')), 'Gelb ');
    assert.equal(textValue(hex('1.3', 'ff00ff')), null);
    assert.equal(textValue(hex('1.3', '4142439c')), null, 'C1 control bytes: binary, not Latin-1 text');
  });
  test('an Integer, OID or exception where text belongs is null', () => {
    assert.equal(textValue(int('1.3', 42)), null);
    assert.equal(textValue({ oid: '1.3', type: 'oid', value: '1.3.6.1' }), null);
    assert.equal(textValue(missing('1.3')), null);
    assert.equal(textValue(undefined), null);
  });
  test('numbers: integer family and Counter64 bytes; strings, floats and huge Counter64 are null', () => {
    assert.equal(intValue(int('1.3', -2)), -2);
    assert.equal(intValue(int('1.3', 7792, 'counter32')), 7792);
    assert.equal(intValue(int('1.3', 7792, 'gauge32')), 7792);
    assert.equal(intValue({ oid: '1.3', type: 'counter64', value: Buffer.from('01000000', 'hex') }), 16777216);
    assert.equal(intValue({ oid: '1.3', type: 'counter64', value: Buffer.from('ffffffffffffffff', 'hex') }), null);
    assert.equal(intValue({ oid: '1.3', type: 'counter64', value: Buffer.alloc(0) }), null);
    assert.equal(intValue(str('1.3', '55')), null);
    assert.equal(intValue(int('1.3', 1.5)), null);
    assert.equal(intValue(int('1.3', undefined)), null);
    assert.equal(intValue(missing('1.3', 'noSuchObject')), null);
  });
});

// --- toPrinterMetrics ---------------------------------------------------------------------------------
describe('toPrinterMetrics()', () => {
  test('nothing read at all → every field null, no supplies, no errors', () => {
    assert.deepEqual(toPrinterMetrics(EMPTY), NOTHING);
    assert.deepEqual(toPrinterMetrics({ system: [], lifeCount: [], supplies: [], hrPrinter: [], hrDeviceType: [], deviceStatus: [] }), NOTHING);
  });

  test('a colour laser: every special level, a receptacle, index gaps, 2-octet errors, lowest marker', () => {
    const raw = {
      system: [str(OID.sysDescr, 'CL-500 Colour Laser'), str(OID.sysName, 'cl-500')],
      lifeCount: [int(`${OID.prtMarkerLifeCount}.1.2`, 1200, 'counter32'), int(`${OID.prtMarkerLifeCount}.1.1`, 48213, 'counter32')],
      supplies: [
        ...supplyRow('1.10', { cls: 3, type: 15, descr: 'Fuser', unit: 11, max: -2, level: -2 }),
        ...supplyRow('1.1', { cls: 3, type: 21, descr: 'Black Toner', unit: 19, max: 100, level: 64 }),
        ...supplyRow('1.2', { cls: 3, type: 21, descr: 'Cyan Toner', unit: 19, max: 100, level: -3 }),
        ...supplyRow('1.3', { cls: 3, type: 21, descr: 'Magenta Toner', unit: 19, max: 100, level: -1 }),
        ...supplyRow('1.7', { cls: 4, type: 4, descr: 'Waste Toner', unit: 19, max: 100, level: 35 }),
        ...supplyRow('1.9', { cls: 3, type: 9, descr: 'Drum', unit: 7, max: 60000, level: 45000 }),
      ],
      hrPrinter: [int(`${OID.hrPrinterEntry}.1.1`, 1), hex(`${OID.hrPrinterEntry}.2.1`, '1c00')],
      deviceStatus: [int(`${OID.hrDeviceStatus}.1`, 5)],
    };
    const s = (index, description, type, cls, unit, maxCapacity, level, percent) => ({ index, description, type, class: cls, unit, maxCapacity, level, percent });
    assert.deepEqual(toPrinterMetrics(raw), {
      sysName: 'cl-500',
      sysDescr: 'CL-500 Colour Laser',
      pageCount: 48213,
      supplies: [
        s('1.1', 'Black Toner', 'tonerCartridge', 'supplyThatIsConsumed', 'percent', 100, 64, 64),
        s('1.2', 'Cyan Toner', 'tonerCartridge', 'supplyThatIsConsumed', 'percent', 100, -3, 50),
        s('1.3', 'Magenta Toner', 'tonerCartridge', 'supplyThatIsConsumed', 'percent', 100, -1, null),
        s('1.7', 'Waste Toner', 'wasteToner', 'receptacleThatIsFilled', 'percent', 100, 35, 35),
        s('1.9', 'Drum', 'opc', 'supplyThatIsConsumed', 'impressions', 60000, 45000, 75),
        s('1.10', 'Fuser', 'fuser', 'supplyThatIsConsumed', 'hours', -2, -2, null),
      ],
      printerStatus: 'other',
      deviceStatus: 'down',
      errors: ['noToner', 'doorOpen', 'jammed'],
      alerts: [],
      console: [],
    });
  });

  test('supplies come in numeric index order across devices (1.9 < 1.10 < 2.1); the index is taken from the OID', () => {
    const raw = { ...EMPTY, supplies: [str(`${S}.6.2.1`, 'c'), str(`${S}.6.1.10`, 'b'), str(`${S}.6.1.9`, 'a')] };
    assert.deepEqual(toPrinterMetrics(raw).supplies.map((x) => [x.index, x.description]), [['1.9', 'a'], ['1.10', 'b'], ['2.1', 'c']]);
  });

  test('missing columns (xerox: only description, max, level) → type, class and unit null, percent still computed', () => {
    const raw = { ...EMPTY, supplies: supplyRow('1.1', { descr: 'Black Toner, PN 006R01509', max: 5300, level: 1060 }) };
    assert.deepEqual(toPrinterMetrics(raw).supplies, [
      { index: '1.1', description: 'Black Toner, PN 006R01509', type: null, class: null, unit: null, maxCapacity: 5300, level: 1060, percent: 20 },
    ]);
  });

  test('a truncated table: a row with only a description still counts; no level → level and percent null', () => {
    const raw = { ...EMPTY, supplies: [...supplyRow('1.1', { cls: 3, type: 3, descr: 'Black', max: 100 }), str(`${S}.6.1.2`, 'Cyan')] };
    const supplies = toPrinterMetrics(raw).supplies;
    assert.deepEqual(supplies.map((x) => [x.index, x.description, x.maxCapacity, x.level, x.percent]), [
      ['1.1', 'Black', 100, null, null],
      ['1.2', 'Cyan', null, null, null],
    ]);
  });

  test('wrong ASN.1 types give null for that field and never throw', () => {
    const raw = {
      system: [int(OID.sysDescr, 42), { oid: OID.sysName, type: 'oid', value: '1.3.6.1' }],
      lifeCount: [str(`${OID.prtMarkerLifeCount}.1.1`, '12345')],
      supplies: [
        int(`${S}.4.1.1`, 3, 'gauge32'), // a Gauge where an INTEGER enum belongs still is a number: kept
        str(`${S}.5.1.1`, '3'),
        int(`${S}.6.1.1`, 7),
        { oid: `${S}.7.1.1`, type: 'oid', value: '1.3.6.1.4.1' },
        int(`${S}.8.1.1`, 100),
        str(`${S}.9.1.1`, '55'),
        ...supplyRow('1.2', { cls: 2, type: 99, unit: 5, descr: 'Cyan Toner', level: 40 }),
        str(`${S}.8.1.2`, '100'),
      ],
      hrPrinter: [str(`${OID.hrPrinterEntry}.1.1`, 'idle'), int(`${OID.hrPrinterEntry}.2.1`, 8)],
      deviceStatus: [str(`${OID.hrDeviceStatus}.1`, 'running')],
    };
    assert.deepEqual(toPrinterMetrics(raw), {
      ...NOTHING,
      supplies: [
        { index: '1.1', description: null, type: null, class: 'supplyThatIsConsumed', unit: null, maxCapacity: 100, level: null, percent: null },
        // class 2, type 99 and unit 5 are not in the MIB's enumerations: null; a string capacity is no capacity (100)
        { index: '1.2', description: 'Cyan Toner', type: null, class: null, unit: null, maxCapacity: null, level: 40, percent: 40 },
      ],
    });
  });

  test('SNMPv2 exceptions and endOfMibView in the input are ignored like absent objects', () => {
    const raw = {
      system: [missing(OID.sysDescr, 'noSuchObject'), str(OID.sysName, 'x')],
      lifeCount: [missing(`${OID.prtMarkerLifeCount}.1.1`, 'endOfMibView')],
      supplies: [missing(`${S}.9.1.1`, 'endOfMibView')],
      hrPrinter: [missing(`${OID.hrPrinterEntry}.2.1`)],
    };
    assert.deepEqual(toPrinterMetrics(raw), { ...NOTHING, sysName: 'x' });
  });

  test('OIDs outside their table, with a leading dot, or with the wrong index length', () => {
    const raw = {
      ...EMPTY,
      supplies: [
        str(`.${S}.6.1.1`, 'leading dot is fine'),
        str(`${S}.6.1`, 'one-part index: skipped'),
        str(`${S}.6.1.2.3`, 'three-part index: skipped'),
        str(`${S}0.6.1.1`, 'another table: skipped'),
        str('1.3.6.1.2.1.43.12.1.1.4.1.1', 'colorant table: skipped'),
      ],
      lifeCount: [int(`${OID.prtMarkerLifeCount}.1`, 5, 'counter32'), int(`${OID.prtMarkerLifeCount}.2.1`, 9, 'counter32')],
    };
    const m = toPrinterMetrics(raw);
    assert.deepEqual(m.supplies.map((x) => [x.index, x.description]), [['1.1', 'leading dot is fine']]);
    assert.equal(m.pageCount, 9);
  });

  test('pageCount is the lowest marker index (hrDeviceIndex first), in any input order; Counter64 accepted', () => {
    const lc = OID.prtMarkerLifeCount;
    assert.equal(toPrinterMetrics({ ...EMPTY, lifeCount: [int(`${lc}.2.1`, 3, 'counter32'), int(`${lc}.1.2`, 2, 'counter32'), int(`${lc}.1.1`, 1, 'counter32')] }).pageCount, 1);
    assert.equal(toPrinterMetrics({ ...EMPTY, lifeCount: [{ oid: `${lc}.1.1`, type: 'counter64', value: Buffer.from('0000000000012345', 'hex') }] }).pageCount, 0x12345);
    assert.equal(toPrinterMetrics({ ...EMPTY, lifeCount: [] }).pageCount, null);
  });

  test('strings are kept exactly: trailing spaces, empty strings', () => {
    const m = toPrinterMetrics({ ...EMPTY, system: [str(OID.sysDescr, 'Samsung M4080FX; '), str(OID.sysName, '')] });
    assert.equal(m.sysDescr, 'Samsung M4080FX; ');
    assert.equal(m.sysName, '');
  });

  test('a zero-length error state (epson) means no error, and still names the printer device', () => {
    const raw = { ...EMPTY, hrPrinter: [hex(`${OID.hrPrinterEntry}.2.1`, '')], deviceStatus: [int(`${OID.hrDeviceStatus}.1`, 3)] };
    assert.deepEqual(toPrinterMetrics(raw), { ...NOTHING, deviceStatus: 'warning' });
  });

  test('hrPrinterStatus and hrDeviceStatus names', () => {
    const names = [null, 'other', 'unknown', 'idle', 'printing', 'warmup'];
    const dev = [null, 'unknown', 'running', 'warning', 'testing', 'down'];
    for (let n = 1; n <= 5; n++) {
      const m = toPrinterMetrics({ ...EMPTY, hrPrinter: [int(`${OID.hrPrinterEntry}.1.1`, n)], deviceStatus: [int(`${OID.hrDeviceStatus}.1`, n)] });
      assert.equal(m.printerStatus, names[n]);
      assert.equal(m.deviceStatus, dev[n]);
    }
    const m = toPrinterMetrics({ ...EMPTY, hrPrinter: [int(`${OID.hrPrinterEntry}.1.1`, 6)], deviceStatus: [int(`${OID.hrDeviceStatus}.1`, 0)] });
    assert.equal(m.printerStatus, null);
    assert.equal(m.deviceStatus, null);
  });
});

// --- the printer device ---------------------------------------------------------------------------------
describe('printerDeviceIndex()', () => {
  const hrp = (col, idx) => int(`${OID.hrPrinterEntry}.${col}.${idx}`, 1);
  const type = (idx, t) => ({ oid: `${OID.hrDeviceType}.${idx}`, type: 'oid', value: `1.3.6.1.2.1.25.3.1.${t}` });
  // [why, hrPrinter, hrDeviceType, index]
  const CASES = [
    ['the hrPrinterTable row', [hrp(1, 1), hrp(2, 1)], undefined, 1],
    ['the lowest hrPrinterTable row', [hrp(2, 7), hrp(2, 3)], undefined, 3],
    ['only the error-state column (epson)', [hrp(2, 2)], undefined, 2],
    ['hrPrinterTable wins over hrDeviceType', [hrp(2, 2)], [type(1, 5)], 2],
    ['empty hrPrinterTable: the printer in hrDeviceType', [], [type(1, 3), type(2, 4), type(3, 5)], 3],
    ['no printer in hrDeviceType', [], [type(1, 3), type(2, 4)], null],
    ['a type that is not an OID is no printer', [], [int(`${OID.hrDeviceType}.1`, 5)], null],
    ['nothing at all (xerox)', null, null, null],
    ['a column beyond hrPrinterTable is no row', [hrp(3, 1)], undefined, null],
  ];
  for (const [why, hrPrinter, hrDeviceType, want] of CASES) {
    test(`${why} → ${want}`, () => assert.equal(printerDeviceIndex(hrPrinter, hrDeviceType), want));
  }
  test('deviceStatus is read for the device found, not for index 1', () => {
    const raw = {
      ...EMPTY,
      hrPrinter: [],
      hrDeviceType: [type(1, 3), type(3, 5)],
      deviceStatus: [int(`${OID.hrDeviceStatus}.1`, 5), int(`${OID.hrDeviceStatus}.3`, 2)],
    };
    assert.equal(toPrinterMetrics(raw).deviceStatus, 'running');
  });
});

describe('session helpers', () => {
  test('timeout messages name the timeout and the retries', () => {
    assert.equal(describeTimeout(2000, 1), 'timeout after 2s (1 retry)');
    assert.equal(describeTimeout(1000, 0), 'timeout after 1s (0 retries)');
    assert.equal(describeTimeout(1500, 3), 'timeout after 1.5s (3 retries)');
    assert.equal(describeTimeout(250, 2), 'timeout after 250ms (2 retries)');
  });
  test('OIDs compare numerically', () => {
    assert.ok(compareOids('1.3.6.1.2.1.43.11.1.1.9.1.10', '1.3.6.1.2.1.43.11.1.1.9.1.9') > 0);
    assert.ok(compareOids('1.3.6.1.2', '1.3.6.1.2.1') < 0);
    assert.equal(compareOids('.1.3.6', '1.3.6'), 0);
  });
  test('scrub() removes every secret, the longest first', () => {
    assert.equal(scrub('community public-x and public', ['public', 'public-x']), 'community *** and ***');
  });
});

// --- collectPrinters with fake sessions -----------------------------------------------------------------
const printer = (name, snmp = { version: '2c', community: 'sekret-community' }) => ({
  name,
  id: `printer/${name}`,
  address: '127.0.0.1',
  port: 161,
  snmp,
  timeoutMs: 1000,
  retries: 0,
  thresholds: {},
});
/** A fake session: answers from `data` (baseOid → varbinds | Error), records what was asked. */
function fakeSession(data, asked = []) {
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    async get(oids) {
      asked.push(['get', ...oids]);
      await new Promise((r) => setTimeout(r, 5));
      const v = data[oids.join(',')] ?? data.get;
      if (v instanceof Error) throw v;
      return oids.map((o) => (v ?? []).find((x) => x.oid === o) ?? null);
    },
    async walk(base) {
      asked.push(['walk', base]);
      await new Promise((r) => setTimeout(r, 5));
      const v = data[base];
      if (v instanceof Error) throw v;
      return v ?? [];
    },
    close() {
      closed = true;
    },
  };
}

describe('collectPrinters() with fake sessions', () => {
  const SYSTEM = [str(OID.sysDescr, 'Fake'), str(OID.sysName, 'fake')];

  test('never more than `concurrency` printers in flight; readings in config order; every session closed', async () => {
    let inFlight = 0;
    let peak = 0;
    const sessions = [];
    const open = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const s = fakeSession({ get: SYSTEM });
      const close = s.close;
      s.close = () => {
        inFlight--;
        close();
      };
      sessions.push(s);
      return s;
    };
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const readings = await collectPrinters(names.map((n) => printer(n)), { concurrency: 3, openSession: open });
    assert.equal(peak, 3);
    assert.deepEqual(readings.map((r) => r.id), names.map((n) => `printer/${n}`));
    assert.ok(readings.every((r) => r.reachable && r.kind === 'printer' && r.target === '127.0.0.1:161' && r.error === null));
    assert.equal(sessions.length, 7);
    assert.ok(sessions.every((s) => s.closed));
  });

  test('a printer whose system GET fails is unreachable with a contextual error, without the community; the others are fine', async () => {
    const lines = [];
    const open = async (t) => {
      if (t.name === 'broken') return fakeSession({ get: new Error('oops for community sekret-community') });
      if (t.name === 'throws') throw new Error('cannot open sekret-community');
      return fakeSession({ get: SYSTEM });
    };
    const readings = await collectPrinters([printer('ok-1'), printer('broken'), printer('throws'), printer('ok-2')], {
      concurrency: 2,
      openSession: open,
      log: (l) => lines.push(l),
    });
    assert.deepEqual(readings.map((r) => r.reachable), [true, false, false, true]);
    assert.equal(readings[1].error, 'oops for community ***');
    assert.equal(readings[2].error, 'cannot open ***');
    assert.deepEqual(readings[1].metrics, {});
    assert.ok(!lines.join('\n').includes('sekret-community'));
    assert.ok(lines.some((l) => l.startsWith('[snmp ok-1] ok')));
  });

  test('system answered, a walk failed: reachable, the fields of that walk empty, the rest kept', async () => {
    const lines = [];
    const data = {
      get: [...SYSTEM, int(`${OID.hrDeviceStatus}.1`, 2)],
      [OID.prtMarkerSuppliesEntry]: new Error('timed out'),
      [OID.prtMarkerLifeCount]: [int(`${OID.prtMarkerLifeCount}.1.1`, 42, 'counter32')],
      [OID.hrPrinterEntry]: [hex(`${OID.hrPrinterEntry}.2.1`, '2000')],
    };
    const [r] = await collectPrinters([printer('half')], { concurrency: 1, openSession: async () => fakeSession(data), log: (l) => lines.push(l) });
    assert.equal(r.reachable, true);
    assert.equal(r.error, null);
    assert.deepEqual(r.metrics, { sysName: 'fake', sysDescr: 'Fake', pageCount: 42, supplies: [], printerStatus: null, deviceStatus: 'running', errors: ['lowToner'], alerts: [], console: [] });
    assert.ok(lines.some((l) => l.includes('[snmp half] timed out (walk prtMarkerSuppliesTable')));
  });

  test('hrDeviceType is walked only when hrPrinterTable answered empty — not when it failed, not when it had rows', async () => {
    const run = async (hrPrinter) => {
      const asked = [];
      const data = {
        get: [...SYSTEM, int(`${OID.hrDeviceStatus}.4`, 3), int(`${OID.hrDeviceStatus}.1`, 2)],
        [OID.hrPrinterEntry]: hrPrinter,
        [OID.hrDeviceType]: [{ oid: `${OID.hrDeviceType}.4`, type: 'oid', value: OID.hrDevicePrinter }],
      };
      const [r] = await collectPrinters([printer('p')], { concurrency: 1, openSession: async () => fakeSession(data, asked) });
      return { walkedType: asked.some(([k, o]) => k === 'walk' && o === OID.hrDeviceType), status: r.metrics.deviceStatus, asked };
    };
    const empty = await run([]);
    assert.deepEqual([empty.walkedType, empty.status], [true, 'warning']);
    assert.ok(empty.asked.some(([k, o]) => k === 'get' && o === `${OID.hrDeviceStatus}.4`));
    const failed = await run(new Error('timeout'));
    assert.deepEqual([failed.walkedType, failed.status], [false, null]);
    const rows = await run([hex(`${OID.hrPrinterEntry}.2.1`, '00')]);
    assert.deepEqual([rows.walkedType, rows.status], [false, 'running']);
  });

  test('the six first requests go out together, before any answer', async () => {
    const asked = [];
    let answered = 0;
    const s = fakeSession({ get: SYSTEM }, asked);
    const wrap = (fn) => async (...a) => {
      const v = await fn(...a);
      answered++;
      return v;
    };
    s.get = wrap(s.get.bind(s));
    const walk = s.walk.bind(s);
    let askedBeforeFirstAnswer = 0;
    s.walk = async (...a) => {
      if (answered === 0) askedBeforeFirstAnswer++;
      return wrap(walk)(...a);
    };
    await collectPrinters([printer('p')], { concurrency: 1, openSession: async () => s });
    assert.equal(askedBeforeFirstAnswer, 5);
    assert.deepEqual(asked.slice(0, 6).map((a) => a.join(' ')).sort(), [
      // v2c/v3: hrDeviceStatus.1 rides along with the system GET
      `get ${OID.sysDescr} ${OID.sysName} ${OID.hrDeviceStatus}.1`,
      `walk ${OID.hrPrinterEntry}`,
      `walk ${OID.prtMarkerLifeCount}`,
      `walk ${OID.prtMarkerSuppliesEntry}`,
      `walk ${OID.prtConsoleDisplayBufferText}`,
      `walk ${OID.prtAlertEntry}`,
    ].sort());
  });

  test('hrDeviceStatus.1 comes with the system GET on v2c/v3 (no second GET); v1 asks for it alone afterwards', async () => {
    const data = { get: [...SYSTEM, int(`${OID.hrDeviceStatus}.1`, 4)], [OID.hrPrinterEntry]: [hex(`${OID.hrPrinterEntry}.2.1`, '00')] };
    const gets = async (snmp) => {
      const asked = [];
      const [r] = await collectPrinters([printer('p', snmp)], { concurrency: 1, openSession: async () => fakeSession(data, asked) });
      return { gets: asked.filter(([k]) => k === 'get').map((a) => a.slice(1)), status: r.metrics.deviceStatus };
    };
    assert.deepEqual(await gets({ version: '2c', community: 'c' }), { gets: [[OID.sysDescr, OID.sysName, `${OID.hrDeviceStatus}.1`]], status: 'testing' });
    assert.deepEqual(await gets({ version: '3', user: 'u', context: '', auth: null, priv: null }), {
      gets: [[OID.sysDescr, OID.sysName, `${OID.hrDeviceStatus}.1`]],
      status: 'testing',
    });
    // SNMPv1: a missing hrDeviceStatus.1 would fail the whole first GET, so it is asked alone once the device is known
    assert.deepEqual(await gets({ version: '1', community: 'c' }), { gets: [[OID.sysDescr, OID.sysName], [`${OID.hrDeviceStatus}.1`]], status: 'testing' });
  });

  test('an agent that rejects the GET with hrDeviceStatus.1 (error status) is asked again without it, then for the status alone', async () => {
    const asked = [];
    const data = {
      [`${OID.sysDescr},${OID.sysName},${OID.hrDeviceStatus}.1`]: new SnmpError('p', 'agent', 'agent error: GeneralError'),
      get: [...SYSTEM, int(`${OID.hrDeviceStatus}.1`, 2)],
      [OID.hrPrinterEntry]: [hex(`${OID.hrPrinterEntry}.2.1`, '00')],
    };
    const [r] = await collectPrinters([printer('p')], { concurrency: 1, openSession: async () => fakeSession(data, asked) });
    assert.equal(r.reachable, true);
    assert.equal(r.metrics.deviceStatus, 'running');
    assert.deepEqual(asked.filter(([k]) => k === 'get').map((a) => a.length - 1), [3, 2, 1]);
  });

  test('no printers → no readings', async () => {
    assert.deepEqual(await collectPrinters([], { concurrency: 4 }), []);
  });
});

test('loading the collector does not load net-snmp (it is imported when a session opens)', () => {
  const url = new URL('../../dist/sources/printers/collect.js', import.meta.url).href;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `import { createRequire } from 'node:module'; await import(${JSON.stringify(url)}); const r = createRequire(${JSON.stringify(url)}); console.log(Object.keys(r.cache).filter((k) => k.includes('net-snmp')).length);`],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) },
  );
  assert.equal(out.trim(), '0');
});

test('pollOrder(): printers unreachable last time go first, the rest keep config order', async () => {
  const { pollOrder } = await import('../../dist/sources/printers/index.js');
  const ps = ['a', 'b', 'c', 'd'].map((n) => ({ id: `printer/${n}`, name: n }));
  assert.deepEqual(pollOrder(ps, ['printer/c', 'printer/x']).map((p) => p.name), ['c', 'a', 'b', 'd']);
  assert.deepEqual(pollOrder(ps, undefined).map((p) => p.name), ['a', 'b', 'c', 'd']);
});

// Printer supplies as a printer shop would expect (issue 9 item 5), on hand-written varbinds: untyped
// cartridges are toner, drums/fusers/transfer units raise supply-low, waste toner raises waste-full,
// special levels read as words; and the printer's own alerts (prtAlertTable) and console text say why
// it is in warning, in the printer-status message and the status table.
import test, { describe } from 'node:test';
import assert from 'node:assert/strict';
import { OID, toPrinterMetrics } from '../../dist/sources/printers/printer-mib.js';
import { supplyRole, supplyLevelText } from '../../dist/sources/printers/supplies.js';
import { printerColumns } from '../../dist/sources/printers/columns.js';
import { collectPrinters } from '../../dist/sources/printers/collect.js';
import { rulesFor } from '../../dist/sources/index.js';
import { observeRule, resolveRule } from '../../dist/core/rule.js';
import { renderKindTable } from '../../dist/render/status.js';
import { makeChalk } from '../../dist/render/style.js';

// --- builders -----------------------------------------------------------------------------------------
const int = (oid, value, type = 'integer') => ({ oid, type, value });
const str = (oid, s) => ({ oid, type: 'octets', value: Buffer.from(s, 'utf8') });
const hex = (oid, h) => ({ oid, type: 'octets', value: Buffer.from(h, 'hex') });
const S = OID.prtMarkerSuppliesEntry;
const A = OID.prtAlertEntry;
const C = OID.prtConsoleDisplayBufferText;
/** A supply row: 4 class, 5 type, 6 description, 8 max, 9 level (undefined = column absent). */
function supplyRow(index, { cls, type, descr, max, level }) {
  const out = [];
  if (cls !== undefined) out.push(int(`${S}.4.${index}`, cls));
  if (type !== undefined) out.push(int(`${S}.5.${index}`, type));
  if (descr !== undefined) out.push(str(`${S}.6.${index}`, descr));
  if (max !== undefined) out.push(int(`${S}.8.${index}`, max));
  if (level !== undefined) out.push(int(`${S}.9.${index}`, level));
  return out;
}
/** An alert row: 2 severity, 4 group, 7 code, 8 description, plus the columns a real agent sends besides. */
function alertRow(index, { severity, group, code, descr }) {
  const out = [int(`${A}.3.${index}`, 4), int(`${A}.5.${index}`, 2), int(`${A}.6.${index}`, 0)];
  if (severity !== undefined) out.push(int(`${A}.2.${index}`, severity));
  if (group !== undefined) out.push(int(`${A}.4.${index}`, group));
  if (code !== undefined) out.push(int(`${A}.7.${index}`, code));
  if (descr !== undefined) out.push(str(`${A}.8.${index}`, descr));
  out.push(int(`${A}.9.${index}`, 123456, 'timeTicks'));
  return out;
}
const EMPTY = { system: null, lifeCount: null, supplies: null, hrPrinter: null };
const metricsOf = (raw) => toPrinterMetrics({ ...EMPTY, ...raw });

const DEFS = rulesFor('printer');
/** One rule's observation on metrics, with its default settings (or `over`). */
function observe(rule, metrics, over) {
  const def = DEFS.find((d) => d.name === rule);
  assert.ok(def, `rule ${rule} exists`);
  return observeRule(def, metrics, resolveRule(def, over), 'ok');
}
const view = (metrics) => ({ id: 'printer/p', kind: 'printer', name: 'p', metrics });
const column = (header, metrics) => printerColumns.find((c) => c.header === header).value(view(metrics), new Date());

// --- what a supply is -------------------------------------------------------------------------------------
// Mirrors the table above supplyRole(), row by row, then the recordings' and the issue's own descriptions.
// [type, class, description, role, why]
const ROLES = [
  ['wasteToner', null, 'Waste Toner Box', 'receptacle', 'a waste type is a receptacle even without a class column (ricoh, sharp)'],
  ['wasteInk', null, 'CANON Waste Ink Tank', 'receptacle', 'waste ink without a class (canon)'],
  ['toner', 'receptacleThatIsFilled', 'Toner Collector', 'receptacle', 'the class receptacleThatIsFilled wins over a toner type'],
  ['tonerCartridge', 'supplyThatIsConsumed', 'Black Toner', 'toner', 'a toner type'],
  ['inkCartridge', null, 'CANON Black Ink Tank', 'toner', 'an ink type'],
  ['toner', null, 'Drum Unit', 'toner', 'a type is believed over the description'],
  [null, null, 'Waste Toner Container, PN 008R13061;SNunknown', 'receptacle', 'no type: "waste" (xerox)'],
  [null, null, 'Drum Cartridge (R1), PN 013R00662', 'part', 'no type: a drum cartridge is a drum, not toner (xerox)'],
  ['other', null, 'Imaging Cartridge', 'part', 'an imaging cartridge is the drum (photoconductor)'],
  ['unknown', null, 'Imaging Unit', 'part', 'imaging unit (dell, lexmark)'],
  [null, null, 'Fuser, PN unknown;SNunknown', 'part', 'fuser'],
  [null, null, 'Transfer Belt Cleaner', 'part', 'transfer belt'],
  ['other', null, 'Maintenance Kit', 'part', 'maintenance kit (dell)'],
  [null, null, 'Black Cartridge HP CF410A', 'toner', 'HP cartridge without a type: toner (the issue)'],
  ['other', 'supplyThatIsConsumed', 'Canon Cartridge 719/719H', 'toner', 'Canon cartridge typed other: toner (the issue)'],
  ['unknown', null, 'Cyan Ink', 'toner', 'type unknown, "ink"'],
  [null, null, 'Black Toner, PN 006R01509', 'toner', 'xerox toner without a type'],
  [null, null, 'Inkjet Head', 'part', '"inkjet" is not "ink"'],
  ['opc', 'supplyThatIsConsumed', 'Photoconductor', 'part', 'opc'],
  ['fuser', null, 'Fusing Unit', 'part', 'fuser type'],
  ['transferUnit', null, 'Transfer Unit', 'part', 'transfer unit type'],
  ['staples', null, 'Staple Cartridge', 'part', 'staples are a consumed part, even as a cartridge'],
  ['other', null, 'Tray 1 Roller', 'part', 'rollers (samsung)'],
  [null, null, null, 'part', 'nothing said: a consumed supply like any other'],
];
describe('supplyRole()', () => {
  for (const [type, cls, description, role, why] of ROLES) {
    test(`${type ?? 'no type'} / ${cls ?? 'no class'} / ${JSON.stringify(description)} → ${role}: ${why}`, () => {
      assert.equal(supplyRole({ type, class: cls, description }), role);
    });
  }
});

// --- toner-low on cartridges without a type -------------------------------------------------------------
describe('toner-low', () => {
  test('an HP cartridge without a supply type at 5 % raises toner-low (critical) and shows in the Toner column', () => {
    const m = metricsOf({ supplies: [...supplyRow('1.1', { cls: 3, descr: 'Black Cartridge HP CF410A', max: 100, level: 5 }), ...supplyRow('1.2', { cls: 3, type: 1, descr: 'Cyan Cartridge HP CF411A', max: 100, level: 63 })] });
    assert.deepEqual(observe('toner-low', m), { state: 'critical', message: 'black cartridge hp cf410a 5% < 20%' });
    assert.equal(column('Toner / ink', m), 'black 5%, cyan 63%', 'the column names the colour (the problem names the cartridge)');
  });
  test('a Canon cartridge typed unknown at 3 of 200 raises toner-low', () => {
    const m = metricsOf({ supplies: supplyRow('1.1', { type: 2, descr: 'Canon Cartridge 719/719H', max: 200, level: 3 }) });
    assert.deepEqual(observe('toner-low', m), { state: 'critical', message: 'canon cartridge 719/719h 2% < 20%' });
  });
  test('a drum cartridge or imaging cartridge at 5 % is no toner: toner-low stays ok, supply-low warns', () => {
    const m = metricsOf({ supplies: [...supplyRow('1.5', { descr: 'Drum Cartridge (R1), PN 013R00662', max: 100, level: 5 }), ...supplyRow('1.6', { type: 1, descr: 'Imaging Cartridge', max: 100, level: 7 })] });
    assert.deepEqual(observe('toner-low', m), { state: 'ok', message: null });
    assert.deepEqual(observe('supply-low', m), { state: 'warning', message: 'drum cartridge (r1) 5% < 10%; imaging cartridge 7% < 10%' });
  });
  test('level −3 ("some left") never alerts, whatever the threshold', () => {
    const m = metricsOf({ supplies: supplyRow('1.1', { type: 3, descr: 'Black Toner', max: 100, level: -3 }) });
    assert.deepEqual(observe('toner-low', m, { critical: { op: 'below', value: 60 } }), { state: 'ok', message: null });
  });
});

// --- supply-low and waste-full -------------------------------------------------------------------------------
describe('supply-low', () => {
  const m = metricsOf({
    supplies: [
      ...supplyRow('1.1', { cls: 3, type: 3, descr: 'Black Toner', max: 100, level: 5 }),
      ...supplyRow('1.2', { cls: 3, type: 9, descr: 'Drum Unit', max: 25000, level: 2000 }),
      ...supplyRow('1.3', { cls: 3, type: 15, descr: 'Fuser Unit', max: 100, level: 9 }),
      ...supplyRow('1.4', { cls: 3, type: 20, descr: 'Transfer Unit', max: 100, level: 3 }),
      ...supplyRow('1.5', { cls: 3, type: 1, descr: 'Maintenance Kit', max: 200000, level: 166000 }),
      ...supplyRow('1.6', { cls: 3, type: 9, descr: 'Cyan Drum', max: 100, level: -3 }),
      ...supplyRow('1.7', { cls: 3, type: 15, descr: 'Fusing Unit', max: -2, level: -2 }),
      ...supplyRow('1.8', { cls: 4, type: 4, descr: 'Waste Toner Box', max: 100, level: 2 }),
    ],
  });
  test('drums, fusers, transfer units below 10 % warn by default; toner, waste, −3 and unknown levels are not theirs', () => {
    assert.deepEqual(observe('supply-low', m), { state: 'warning', message: 'drum unit 8% < 10%; fuser unit 9% < 10%; transfer unit 3% < 10%' });
  });
  test('its threshold and severity are configurable, and it can be turned off', () => {
    assert.deepEqual(observe('supply-low', m, { warning: null, critical: { op: 'below', value: 5 } }), { state: 'critical', message: 'transfer unit 3% < 5%' });
    const def = DEFS.find((d) => d.name === 'supply-low');
    assert.equal(resolveRule(def, { enabled: false }).enabled, false);
  });
});

describe('waste-full', () => {
  const waste = (level, max = 100, extra = {}) => metricsOf({ supplies: supplyRow('1.7', { cls: 4, type: 4, descr: 'Waste Toner Box', max, level, ...extra }) });
  // [level, max, state, message, why] — a receptacle's level is the space remaining
  const CASES = [
    [35, 100, 'ok', null, '65 % full'],
    [10, 100, 'ok', null, '90 % full is not above 90'],
    [7, 100, 'warning', 'waste toner box 93% full > 90% full', '93 % full'],
    [5, 100, 'warning', 'waste toner box 95% full > 90% full', '95 % full is not above 95'],
    [2, 100, 'critical', 'waste toner box 98% full > 95% full', '98 % full'],
    [0, 6700, 'critical', 'waste toner box 100% full > 95% full', 'full, absolute capacity'],
    [100, -2, 'ok', null, 'sharp: capacity −2, level 100 = empty box'],
    [-3, 100, 'ok', null, 'some space left: never an alert'],
    [-2, 100, 'ok', null, 'unknown'],
  ];
  for (const [level, max, state, message, why] of CASES) {
    test(`level ${level} of ${max} → ${state}: ${why}`, () => {
      assert.deepEqual(observe('waste-full', waste(level, max)), { state, message });
    });
  }
  test('a waste container without type or class (xerox) at 3 % left is critical; toner-low and supply-low ignore it', () => {
    const m = metricsOf({ supplies: supplyRow('1.10', { descr: 'Waste Toner Container, PN 008R13061;SNunknown', max: 100, level: 3 }) });
    assert.deepEqual(observe('waste-full', m), { state: 'critical', message: 'waste toner container 97% full > 95% full' });
    assert.deepEqual(observe('toner-low', m), { state: 'ok', message: null });
    assert.deepEqual(observe('supply-low', m), { state: 'ok', message: null });
  });
});

// --- special levels in words -----------------------------------------------------------------------------------
describe('levels for people', () => {
  test('−3 is "some left", −2 "unknown", −1 "no limit", a figure its percent, nothing read "?"', () => {
    assert.equal(supplyLevelText({ level: -3, percent: 50 }), 'some left');
    assert.equal(supplyLevelText({ level: -2, percent: null }), 'unknown');
    assert.equal(supplyLevelText({ level: -1, percent: null }), 'no limit');
    assert.equal(supplyLevelText({ level: 64, percent: 64 }), '64%');
    assert.equal(supplyLevelText({ level: null, percent: null }), '?');
  });
  test('the Toner column never shows level −3 as 50 %', () => {
    const m = metricsOf({
      supplies: [
        ...supplyRow('1.1', { type: 3, descr: 'Black Toner', max: 100, level: -3 }),
        ...supplyRow('1.2', { type: 3, descr: 'Cyan Toner', max: 100, level: -2 }),
        ...supplyRow('1.3', { type: 3, descr: 'Magenta Toner', max: 100, level: -1 }),
        ...supplyRow('1.4', { type: 3, descr: 'Yellow Toner', max: 200, level: 29 }),
      ],
    });
    assert.equal(m.supplies[0].percent, 50, 'the JSON keeps the estimate (the contract)');
    assert.equal(column('Toner / ink', m), 'black some left, cyan unknown, magenta no limit, yellow 15%');
  });
});

// --- prtAlertTable and the console ------------------------------------------------------------------------------
describe('alerts and console from varbinds', () => {
  test('prtAlertTable rows in index order: severity, group, description and code by their MIB names', () => {
    const m = metricsOf({
      alerts: [
        ...alertRow('1.12', { severity: 4, group: 8, code: 808, descr: 'Tray 2 empty' }),
        ...alertRow('1.3', { severity: 4, group: 11, code: 1104, descr: 'Toner low' }),
        ...alertRow('1.20', { severity: 3, group: 13, code: 8, descr: 'Paper jam' }),
        ...alertRow('1.21', { severity: 5, group: 6, code: 4, descr: 'Cover closed' }),
        ...alertRow('1.22', { severity: 2, group: 2, code: 9999 }), // values outside the MIB's enumerations
        ...alertRow('1.23', { severity: 1, group: 1, code: 1, descr: 'Sleep mode' }),
      ],
    });
    assert.deepEqual(m.alerts, [
      { severity: 'warning', group: 'markerSupplies', description: 'Toner low', code: 'markerTonerAlmostEmpty' },
      { severity: 'warning', group: 'input', description: 'Tray 2 empty', code: 'inputMediaSupplyEmpty' },
      { severity: 'critical', group: 'mediaPath', description: 'Paper jam', code: 'jam' },
      { severity: 'warningBinaryChangeEvent', group: 'cover', description: 'Cover closed', code: 'coverClosed' },
      { severity: null, group: null, description: null, code: null },
      { severity: 'other', group: 'other', description: 'Sleep mode', code: 'other' },
    ]);
  });
  test('console lines in index order, trimmed, empty ones and undecodable ones left out', () => {
    const m = metricsOf({
      console: [str(`${C}.1.2`, '  Tray 2: Load A4      '), str(`${C}.1.1`, 'Toner Low           '), str(`${C}.1.3`, '                '), hex(`${C}.1.4`, 'ff00'), str(`${C}.1.10`, 'Ready')],
    });
    assert.deepEqual(m.console, ['Toner Low', 'Tray 2: Load A4', 'Ready']);
  });
  test('no alert table, no console (most printers): empty lists', () => {
    const m = metricsOf({ alerts: null, console: [] });
    assert.deepEqual([m.alerts, m.console], [[], []]);
  });
});

describe('printer-status says why', () => {
  const ALERTS = [
    ...alertRow('1.3', { severity: 4, group: 11, code: 1104, descr: 'Toner low' }),
    ...alertRow('1.12', { severity: 4, group: 8, code: 808, descr: 'Tray 2 empty' }),
    ...alertRow('1.13', { severity: 5, group: 6, code: 4, descr: 'Cover closed' }),
  ];
  const status = (deviceStatus, bits, raw) =>
    metricsOf({ hrPrinter: [hex(`${OID.hrPrinterEntry}.2.1`, bits)], deviceStatus: [int(`${OID.hrDeviceStatus}.1`, deviceStatus)], ...raw });

  test('device status warning: the printer\'s warning alerts with their groups; a binary change event is no reason', () => {
    assert.deepEqual(observe('printer-status', status(3, '00', { alerts: ALERTS })), {
      state: 'warning',
      message: 'device status warning: Toner low (marker supplies), Tray 2 empty (input)',
    });
  });
  test('device status down with a jam: the critical alert first, then the error bits', () => {
    const alerts = [...ALERTS, ...alertRow('1.14', { severity: 3, group: 13, code: 8, descr: 'Paper jam in tray 2' })];
    assert.deepEqual(observe('printer-status', status(5, '0400', { alerts })), {
      state: 'critical',
      message: 'device status down: Paper jam in tray 2 (media path), Toner low (marker supplies), Tray 2 empty (input); errors: jammed',
    });
  });
  test('error bits only (device running): the reasons follow as "printer says"', () => {
    assert.deepEqual(observe('printer-status', status(2, '4000', { alerts: alertRow('1.1', { severity: 3, group: 8, code: 808, descr: 'Tray 1 empty' }) })), {
      state: 'critical',
      message: 'errors: noPaper; printer says: Tray 1 empty (input)',
    });
  });
  test('an alert without a description is named by its code; a group "other" is not named', () => {
    const alerts = [...alertRow('1.1', { severity: 4, group: 11, code: 1107 }), ...alertRow('1.2', { severity: 4, group: 1, descr: 'Service soon' })];
    assert.equal(observe('printer-status', status(3, '00', { alerts })).message, 'device status warning: marker waste toner receptacle almost full (marker supplies), Service soon');
  });
  test('no alert table: the console text says why', () => {
    const console = [str(`${C}.1.1`, 'Load Tray 2      '), str(`${C}.1.2`, 'A4 Plain')];
    assert.equal(observe('printer-status', status(3, '00', { console })).message, 'device status warning: console: "Load Tray 2 / A4 Plain"');
  });
  test('the printer says nothing: the message is as before', () => {
    assert.equal(observe('printer-status', status(3, '00', {})).message, 'device status warning');
  });
  test('a running printer with no watched bits is ok, whatever its alerts say', () => {
    assert.deepEqual(observe('printer-status', status(2, '00', { alerts: ALERTS })), { state: 'ok', message: null });
  });
  test('many alerts: four named, the rest counted; the same alert twice named once', () => {
    const alerts = ['A', 'B', 'B', 'C', 'D', 'E', 'F'].flatMap((d, i) => alertRow(`1.${i + 1}`, { severity: 4, group: 5, descr: d }));
    assert.equal(observe('printer-status', status(3, '00', { alerts })).message, 'device status warning: A (printer), B (printer), C (printer), D (printer), +2 more');
  });
  test('the Errors column carries the error bits and the alerts (without groups); a console saying "Ready" is no error', () => {
    const alerts = [...ALERTS, ...alertRow('1.14', { severity: 3, group: 13, code: 8, descr: 'Paper jam' })];
    assert.equal(column('Errors', status(5, '0400', { alerts })), 'jammed; Paper jam, Toner low, Tray 2 empty');
    assert.equal(column('Errors', status(3, '00', { console: [str(`${C}.1.1`, 'Toner Low')] })), 'console: "Toner Low"');
    assert.equal(column('Errors', status(2, '00', { console: [str(`${C}.1.1`, 'Ready')] })), '–');
    const sleeping = alertRow('1.1', { severity: 1, group: 5, code: 23, descr: 'Sleep mode' });
    assert.equal(column('Errors', status(2, '00', { alerts: sleeping })), '–', 'a running printer: an alert of severity other is no error');
    assert.equal(column('Errors', status(3, '00', { alerts: sleeping })), 'Sleep mode', 'a printer in warning: all it says');
    assert.equal(column('Errors', status(2, '00', { alerts: [...sleeping, ...alertRow('1.2', { severity: 4, group: 11, descr: 'Toner low' })] })), 'Toner low', 'a running printer: its warnings');
  });
});

test('alert and console text from the device reach the status table with control characters made visible', () => {
  const m = metricsOf({
    hrPrinter: [hex(`${OID.hrPrinterEntry}.2.1`, '00')],
    deviceStatus: [int(`${OID.hrDeviceStatus}.1`, 3)],
    alerts: alertRow('1.1', { severity: 4, group: 11, descr: 'Toner \x1b]0;pwned\x07low\nnext' }),
  });
  const problem = observe('printer-status', m);
  assert.equal(problem.message, 'device status warning: Toner \x1b]0;pwned\x07low\nnext (marker supplies)', 'metrics and messages keep the exact text');
  const v = { ...view(m), target: 'h', state: 'warning', realState: 'warning', since: '2026-12-01T00:00:00Z', problems: [{ rule: 'printer-status', severity: 'warning', message: problem.message }], override: null, maintenance: null, ack: null, blockedBy: null, lastSeen: '2026-12-01T00:00:00Z' };
  const out = renderKindTable('printer', [v], { chalk: makeChalk(false), now: new Date('2026-12-01T00:01:00Z') });
  assert.ok(!/[\x00-\x08\x0a-\x1f\x7f]/.test(out.replace(/\n/g, '')), 'no raw control character in the table');
  assert.match(out, /Toner \\x1b\]0;pwned\\x07low\\x0anext/);
});

// --- the collector: one extra walk each, never failing the poll --------------------------------------------
describe('collectPrinters(): alerts and console', () => {
  const SYSTEM = [str(OID.sysDescr, 'Fake'), str(OID.sysName, 'fake'), int(`${OID.hrDeviceStatus}.1`, 3)];
  const printer = { name: 'p', id: 'printer/p', address: '127.0.0.1', port: 161, snmp: { version: '2c', community: 'c' }, timeoutMs: 1000, retries: 0, thresholds: {} };
  const session = (data) => ({
    async get(oids) {
      return oids.map((o) => SYSTEM.find((x) => x.oid === o) ?? null);
    },
    async walk(base) {
      const v = data[base];
      if (v instanceof Error) throw v;
      return v ?? [];
    },
    close() {},
  });
  test('the alert table and console are read into the metrics', async () => {
    const data = {
      [OID.hrPrinterEntry]: [hex(`${OID.hrPrinterEntry}.2.1`, '00')],
      [A]: alertRow('1.1', { severity: 4, group: 11, code: 1104, descr: 'Toner low' }),
      [C]: [str(`${C}.1.1`, 'Toner Low')],
    };
    const [r] = await collectPrinters([printer], { concurrency: 1, openSession: async () => session(data) });
    assert.deepEqual(r.metrics.alerts, [{ severity: 'warning', group: 'markerSupplies', description: 'Toner low', code: 'markerTonerAlmostEmpty' }]);
    assert.deepEqual(r.metrics.console, ['Toner Low']);
  });
  test('a failing alert or console walk leaves them empty, logged; the printer stays reachable with the rest', async () => {
    const lines = [];
    const data = { [OID.hrPrinterEntry]: [hex(`${OID.hrPrinterEntry}.2.1`, '00')], [A]: new Error('timed out'), [C]: new Error('agent error: GenErr') };
    const [r] = await collectPrinters([printer], { concurrency: 1, openSession: async () => session(data), log: (l) => lines.push(l) });
    assert.equal(r.reachable, true);
    assert.equal(r.metrics.deviceStatus, 'warning');
    assert.deepEqual([r.metrics.alerts, r.metrics.console], [[], []]);
    assert.ok(lines.some((l) => l.includes('(walk prtAlertTable; its fields are left empty)')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('(walk prtConsoleDisplayBufferText; its fields are left empty)')), lines.join('\n'));
  });
});

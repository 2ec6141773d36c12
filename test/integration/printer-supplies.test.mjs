// Printer supplies and printer alerts against a real snmpsimd on loopback (issue 9 item 5):
//   shop-laser    (test/fixtures/snmp) a drum at 8 %, a fuser at 9 %, a waste toner box 93 % full, a
//                 maintenance kit at −3 and an imaging cartridge at −2; hrDeviceStatus warning with four
//                 prtAlertTable rows (one a binary change event) and two console lines
//   slow-alerts   answers everything but its alert table (snmpsim drops the delayed response; 30
//                 console light rows keep the other walks' GETBULK pages short of it): the poll
//                 stays within one timeout and keeps the rest
// and, when ../shared/printers exists, modified copies of the real HP (jetdirect_m252dw) and Canon
// (canonprinter_tm) recordings, written to a temp folder at test time: a cartridge lowered to 5 %, as
// recorded and with the supply type column taken out (as the HP CF410A and Canon 719 report it).
import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSnmpsim, V3_USERS } from '../helpers/snmpsim.mjs';
import { collectPrinters } from '../../dist/sources/printers/collect.js';
import { printerColumns } from '../../dist/sources/printers/columns.js';
import { rulesFor } from '../../dist/sources/index.js';
import { resolveRule } from '../../dist/core/rule.js';
import { evaluate, problemsOf } from '../../dist/core/evaluate.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'snmp');
const SHARED = path.resolve(repoRoot, '..', 'shared', 'printers');
const HAVE_SHARED = existsSync(path.join(SHARED, 'jetdirect_m252dw.snmprec')) && existsSync(path.join(SHARED, 'canonprinter_tm.snmprec'));

const SUPPLY = '1.3.6.1.2.1.43.11.1.1';

/**
 * A copy of a recording with some values replaced (`set`: OID → new `type|value` tail) and some rows
 * taken out (`drop`: OID prefixes), named `name.snmprec` (the community) in `dir`.
 */
function modifiedCopy(dir, source, name, { set = {}, drop = [] }) {
  const lines = readFileSync(source, 'utf8').split('\n');
  const seen = new Set();
  const out = lines
    .filter((l) => !drop.some((p) => l.startsWith(p + '.')))
    .map((l) => {
      const oid = l.split('|')[0];
      if (!(oid in set)) return l;
      seen.add(oid);
      return `${oid}|${set[oid]}`;
    });
  for (const oid of Object.keys(set)) assert.ok(seen.has(oid), `${oid} is in ${source}`);
  const file = path.join(dir, `${name}.snmprec`);
  writeFileSync(file, out.join('\n'));
  return file;
}

let sim;
let tmp;
before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'simplemon-supplies-'));
  const files = [path.join(FIXTURES, 'shop-laser.snmprec'), path.join(FIXTURES, 'slow-alerts.snmprec')];
  if (HAVE_SHARED) {
    const hp = path.join(SHARED, 'jetdirect_m252dw.snmprec');
    const canon = path.join(SHARED, 'canonprinter_tm.snmprec');
    // HP: black cartridge 63 → 5 (unit percent, max 100)
    files.push(modifiedCopy(tmp, hp, 'hp-low', { set: { [`${SUPPLY}.9.1.1`]: '2|5' } }));
    files.push(modifiedCopy(tmp, hp, 'hp-untyped-low', { set: { [`${SUPPLY}.9.1.1`]: '2|5' }, drop: [`${SUPPLY}.5`] }));
    // Canon: yellow ink tank 1800 → 150 of 3000 (5 %); untyped copy also with the waste ink tank 6030 → 201 of 6700 left (97 % full)
    files.push(modifiedCopy(tmp, canon, 'canon-low', { set: { [`${SUPPLY}.9.1.3`]: '2|150' } }));
    files.push(modifiedCopy(tmp, canon, 'canon-untyped-low', { set: { [`${SUPPLY}.9.1.3`]: '2|150', [`${SUPPLY}.9.1.6`]: '2|201' }, drop: [`${SUPPLY}.5`] }));
    // and the ten recordings as they are
    files.push(...readdirSync(SHARED).filter((f) => f.endsWith('.snmprec')).map((f) => path.join(SHARED, f)));
  }
  sim = await startSnmpsim({ files });
});
after(async () => {
  await sim?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function printer(name, snmp, { timeoutMs = 2000, retries = 0 } = {}) {
  return { name, id: `printer/${name}`, address: '127.0.0.1', port: sim.port, snmp, timeoutMs, retries, thresholds: {} };
}
const SECURITY = {
  v1: (c) => ({ version: '1', community: c }),
  v2c: (c) => ({ version: '2c', community: c }),
  'v3 authPriv (SHA/AES)': (c) => ({ version: '3', user: V3_USERS.authPriv.user, context: c, auth: V3_USERS.authPriv.auth, priv: V3_USERS.authPriv.priv }),
};

/** Poll, then evaluate with the printer rules at their defaults: the device state and its problems. */
async function pollAndEvaluate(names, snmp = SECURITY.v2c) {
  const readings = await collectPrinters(names.map((n) => printer(n, snmp(n))), { concurrency: 8 });
  const defs = rulesFor('printer');
  const settings = Object.fromEntries(defs.map((d) => [d.name, resolveRule(d)]));
  const { devices } = evaluate({ now: new Date('2026-12-01T03:00:00Z'), readings, previous: {}, rulesOf: () => ({ defs, settings }) });
  return readings.map((r) => {
    const d = devices[r.id];
    assert.equal(r.reachable, true, `${r.name}: ${r.error}`);
    return { reading: r, state: d.state, problems: Object.fromEntries(problemsOf(d).map((p) => [p.rule, [p.severity, p.message]])) };
  });
}
const column = (header, metrics) => printerColumns.find((c) => c.header === header).value({ id: 'printer/x', kind: 'printer', name: 'x', metrics }, new Date());

describe('own fixture: a shop laser with worn parts, a full waste box and alerts', () => {
  for (const [label, snmp] of Object.entries(SECURITY)) {
    test(`over ${label}: parts, waste box and the printer's own alerts and console are read and raise their rules`, async () => {
      const [{ reading, state, problems }] = await pollAndEvaluate(['shop-laser'], snmp);
      const m = reading.metrics;
      assert.deepEqual(
        m.supplies.map((s) => [s.index, s.type, s.class, s.level, s.percent]),
        [
          ['1.1', 'toner', 'supplyThatIsConsumed', 62, 62],
          ['1.2', 'opc', 'supplyThatIsConsumed', 4000, 8],
          ['1.3', 'fuser', 'supplyThatIsConsumed', 180, 9],
          ['1.4', 'transferUnit', 'supplyThatIsConsumed', 51000, 51],
          ['1.5', 'wasteToner', 'receptacleThatIsFilled', 7, 7],
          ['1.6', 'other', 'supplyThatIsConsumed', -3, 50],
          ['1.7', 'other', 'supplyThatIsConsumed', -2, null],
        ],
      );
      assert.deepEqual(m.alerts, [
        { severity: 'warning', group: 'markerSupplies', description: 'Drum life almost over', code: 'markerOpcLifeAlmostOver' },
        { severity: 'warning', group: 'markerSupplies', description: 'Waste toner box nearly full', code: 'markerWasteTonerReceptacleAlmostFull' },
        { severity: 'warningBinaryChangeEvent', group: 'cover', description: 'Front cover closed', code: 'coverClosed' },
        { severity: 'warning', group: 'input', description: 'Tray 2 paper low', code: 'inputMediaSupplyLow' },
      ]);
      assert.deepEqual(m.console, ['Drum life low', 'Replace soon']);
      assert.equal(state, 'warning');
      assert.deepEqual(problems, {
        'supply-low': ['warning', 'drum unit 8% < 10%; fuser unit 9% < 10%'],
        'waste-full': ['warning', 'waste toner box 93% full > 90% full'],
        'printer-status': ['warning', 'device status warning: Drum life almost over (marker supplies), Waste toner box nearly full (marker supplies), Tray 2 paper low (input)'],
      });
      assert.equal(column('Toner / ink', m), 'black 62%');
      assert.equal(column('Errors', m), 'Drum life almost over, Waste toner box nearly full, Tray 2 paper low');
    });
  }

  test('an alert table that never answers costs one timeout, in parallel: the printer is read, its alerts empty', async () => {
    const lines = [];
    const t0 = Date.now();
    const [r] = await collectPrinters([printer('slow', SECURITY.v2c('slow-alerts'), { timeoutMs: 800, retries: 0 })], { concurrency: 1, log: (l) => lines.push(l) });
    const elapsed = Date.now() - t0;
    assert.equal(r.reachable, true, r.error);
    assert.equal(r.metrics.deviceStatus, 'warning');
    assert.deepEqual(r.metrics.supplies.map((s) => s.percent), [70]);
    assert.deepEqual([r.metrics.alerts, r.metrics.console], [[], ['Paper low']]);
    assert.ok(lines.some((l) => l.startsWith('[snmp slow] timeout after 800ms (0 retries) (walk prtAlertTable')), lines.join('\n'));
    // bounded by timeout × (retries + 1), with room for a loaded 2-core machine, but well under two timeouts in a row
    assert.ok(elapsed >= 750 && elapsed < 1600, `took ${elapsed} ms`);
  });
});

describe('real HP and Canon recordings with a low cartridge', { skip: HAVE_SHARED ? false : 'no ../shared/printers' }, () => {
  test('HP M252dw, black cartridge at 5 %: toner-low, with and without its supply type', async () => {
    const results = await pollAndEvaluate(['hp-low', 'hp-untyped-low']);
    for (const { reading, state, problems } of results) {
      assert.equal(state, 'critical', reading.name);
      assert.deepEqual(problems, { 'toner-low': ['critical', 'black cartridge hp cf400x 5% < 20%'] }, reading.name);
      // the column names the colour; the problem names the part to order
      assert.equal(column('Toner / ink', reading.metrics), 'black 5%, cyan 63%, magenta 88%, yellow 36%');
    }
    assert.deepEqual(results[1].reading.metrics.supplies.map((s) => s.type), [null, null, null, null], 'the copy really has no type');
  });

  test('Canon TM-5300, yellow ink tank at 5 %: toner-low; without supply types its waste ink tank 97 % full raises waste-full', async () => {
    const [typed, untyped] = await pollAndEvaluate(['canon-low', 'canon-untyped-low']);
    assert.equal(typed.state, 'critical');
    assert.deepEqual(typed.problems, { 'toner-low': ['critical', 'canon yellow ink tank 5% < 20%'] });
    assert.equal(untyped.state, 'critical');
    assert.deepEqual(untyped.problems, {
      'toner-low': ['critical', 'canon yellow ink tank 5% < 20%'],
      'waste-full': ['critical', 'canon waste ink tank 97% full > 95% full'],
    });
    assert.equal(column('Toner / ink', untyped.reading.metrics), 'matte black 80%, black 100%, yellow 5%, magenta 80%, cyan 70%');
  });
});

describe('the ten real recordings with the default rules', { skip: HAVE_SHARED ? false : 'no ../shared/printers' }, () => {
  // What a printer shop sees, device by device. None of the ten has a prtAlertTable or console row, so
  // printer-status says only "device status warning" there. New with issue 9: xerox's waste toner
  // container (no type, no class, 5 % left) is 95 % full: waste-full warns (95 is not above 95).
  const EXPECTED = {
    brother_hl5370dw: ['critical', { 'toner-low': ['critical', 'black toner cartridge 0% < 20%'] }, 'black 0%, black some left'],
    canonprinter_tm: ['ok', {}, 'matte black 80%, black 100%, yellow 60%, magenta 80%, cyan 70%'],
    'dell-laser_s5830dn': ['ok', {}, 'black 49%'],
    epson: [
      'critical',
      {
        'toner-low': ['critical', 'black ink supply unit t9441/t9451/t9461 1% < 20%; cyan ink supply unit t9442/t9452 1% < 20%; magenta ink supply unit t9443/t9453 1% < 20%; yellow ink supply unit t9444/t9454 1% < 20%'],
        'printer-status': ['warning', 'device status warning'],
      },
      'black 1%, cyan 1%, magenta 1%, yellow 1%',
    ],
    jetdirect_m252dw: ['ok', {}, 'black 63%, cyan 63%, magenta 88%, yellow 36%'],
    ricoh_mpc3002: ['warning', { 'printer-status': ['warning', 'device status warning'] }, 'black 40%, cyan 20%, magenta 50%, yellow 50%'],
    samsungprinter_m4080fx: ['warning', { 'printer-status': ['warning', 'device status warning'] }, 'black 88%'],
    sharp: ['critical', { 'toner-low': ['critical', 'magenta toner 19% < 20%'], 'printer-status': ['warning', 'device status warning'] }, 'cyan 55%, magenta 19%, yellow 40%, black 34%'],
    xerox: ['warning', { 'waste-full': ['warning', 'waste toner container 95% full > 90% full'] }, 'black 20%, cyan 66%, magenta 72%, yellow 60%'],
    zebra: ['ok', {}, '–'],
  };
  test('states, problems and the Toner column of all ten', async () => {
    const names = Object.keys(EXPECTED);
    const results = await pollAndEvaluate(names);
    const got = Object.fromEntries(results.map(({ reading, state, problems }) => [reading.name, [state, problems, column('Toner / ink', reading.metrics)]]));
    assert.deepEqual(got, EXPECTED);
  });
});

// Tables fit the terminal and never cut a device's name, its state, an address or a word (issue 9, item 4).
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, noteOf, renderKindTable, renderStatus } from '../../dist/render/status.js';
import { drawGrid, planGrid, tableWidth, COMFORTABLE } from '../../dist/render/layout.js';
import { outputWidth, visibleWidth, wrapItems, wrapWords, longestWord } from '../../dist/render/width.js';
import { makeChalk } from '../../dist/render/style.js';
import { KIND_SPECS } from '../../dist/sources/index.js';
import { allKinds, vmView, hostView, printerView, NOW, IPV6, LONG_VM, LONG_PRINTER } from '../helpers/table-views.mjs';

const plain = makeChalk(false);
const BOX = /[\s│┌┐└┘├┤┬┴┼─·]+/;
const wordsOf = (s) => String(s).split(BOX).filter(Boolean);

/** Every word any cell, header, name, state, problem or note can show: a cut word is not among them. */
function allowedWords(views) {
  const allowed = new Set(['simplemon:', '—', 'Device', 'State', 'Problems', 'Age', 'Note', 'Note:', 'Device:', 'State:', 'Problems:', 'Age:', '*', 'overridden,', 'in', 'maintenance', 'or', 'acknowledged:', 'see', 'Problems', 'Note']);
  const add = (s) => wordsOf(s).forEach((w) => allowed.add(w));
  for (const spec of KIND_SPECS) {
    add(spec.title);
    for (const col of spec.columns) {
      add(col.header);
      add(`${col.header}:`);
      if (col.short?.header) add(col.short.header);
      for (const v of views) {
        add(col.value(v, NOW));
        if (col.short?.value) add(col.short.value(v, NOW));
      }
    }
  }
  for (const v of views) {
    add(v.name);
    add(`${v.state} ${v.state}* (override) (maint) (ack)`);
    add(v.problems.map((p) => p.message).join('; '));
    add(noteOf(v, NOW));
    add(formatAge(v.lastSeen, NOW));
  }
  return allowed;
}

/** The line that shows a device: its name alone in the Device cell, or the list layout's `name  state`. */
function deviceLine(lines, name) {
  return lines.find((l) => l.split('│').map((c) => c.trim())[1] === name || l.startsWith(`${name}  `) || l === name);
}

function checkFits(out, views, width) {
  const lines = out.replace(/\n$/, '').split('\n');
  for (const l of lines) assert.ok(visibleWidth(l) <= width, `wider than ${width}: ${JSON.stringify(l)}`);
  assert.ok(!out.includes('…'), 'nothing is truncated with an ellipsis');
  const allowed = allowedWords(views);
  for (const w of wordsOf(out)) {
    if (/^\d+$|^\d+[smhd]$|^\(?\d{4}-\d\d-\d\dT[\d:.]+Z\)?$|^\d+s$|^(ago|last|poll|devices|ok,|warning,|critical,|unknown;?|ok;?|warning;?|critical;?)$|^\d+m;?$/.test(w)) continue; // the summary line
    assert.ok(allowed.has(w), `a word that no cell holds (cut?): ${JSON.stringify(w)}\n${out}`);
  }
  for (const v of views) {
    const line = deviceLine(lines, v.name);
    assert.ok(line, `${v.name} is shown whole on a line of its own cell\n${out}`);
    assert.match(line, new RegExp(`(│ |  )${v.state}(\\*| \\((override|maint|ack)\\))?( |$)`), `${v.name}: its state whole beside it`);
    for (const w of wordsOf(v.problems.map((p) => p.message).join('; '))) assert.ok(wordsOf(out).includes(w), `problem word ${w} of ${v.name} shown whole`);
  }
  return lines;
}

for (const width of [80, 120]) {
  test(`renderStatus() at ${width} columns: every line fits, every name and state whole, no word cut (32-character names, DC0_C0_RP0_VM104, IPv6)`, () => {
    const views = allKinds();
    const out = renderStatus(views, NOW.toISOString(), { chalk: plain, now: NOW, width });
    checkFits(out, views, width);
  });
}

test('at 120 columns the VM table keeps the IP column, IPv4 and IPv6 whole; at 80 it gives way before the names do', () => {
  const views = allKinds().filter((v) => v.kind === 'vm');
  const wide = renderKindTable('vm', views, { chalk: plain, now: NOW, width: 120 });
  assert.match(wide, /│ IP +│/);
  assert.match(wide, new RegExp(`│ ${IPV6.replace(/\./g, '\\.')} +│`));
  assert.match(wide, /│ 10\.20\.130\.214 +│/);
  const narrow = renderKindTable('vm', views, { chalk: plain, now: NOW, width: 80 });
  assert.match(narrow, new RegExp(`│ ${LONG_VM} │`), 'the 32-character name has its whole column');
  assert.match(narrow, /│ DC0_C0_RP0_VM104 +│/);
});

test('critical (override) stays whole, or becomes critical* with the reason in the note and a legend under the table', () => {
  const views = allKinds().filter((v) => v.kind === 'vm');
  const roomy = renderKindTable('vm', views, { chalk: plain, now: NOW, width: 250 });
  assert.match(roomy, /│ critical \(override\) │/);
  assert.doesNotMatch(roomy, /critical\*/);
  const narrow = renderKindTable('vm', views, { chalk: plain, now: NOW, width: 80 });
  assert.match(narrow, /│ critical\* +│/);
  assert.match(narrow, /^\* overridden, in maintenance or acknowledged: see (Note|Problems)$/m);
  assert.match(narrow, /(Note: )?override critical by\s/, 'the note says why');
});

test('no width (piped, no COLUMNS): natural widths, one line per device, whatever its length', () => {
  const views = allKinds();
  const out = renderStatus(views, NOW.toISOString(), { chalk: plain, now: NOW });
  const lines = out.split('\n');
  for (const v of views) {
    const line = deviceLine(lines, v.name);
    assert.ok(line, v.name);
    for (const p of v.problems) assert.ok(line.includes(p.message), `${v.name}: all its problems on its one line`);
  }
  const rows = lines.filter((l) => l.startsWith('│') && !/│ Device /.test(l));
  assert.equal(rows.length, views.length, 'exactly one table line per device');
});

test('too narrow even for Device, State and Problems: one block per device, nothing cut', () => {
  const views = [
    printerView(LONG_PRINTER, { state: 'unknown', realState: 'unknown', problems: [{ rule: 'reachable', severity: 'unknown', message: `no answer from [${IPV6}]:161: timeout after 2s` }] }),
    hostView('esx-1', { state: 'critical', problems: [{ rule: 'cpu', severity: 'critical', message: 'CPU 93.4% > 80%' }] }),
  ];
  const printers = renderKindTable('printer', views.slice(0, 1), { chalk: plain, now: NOW, width: 80 });
  assert.doesNotMatch(printers, /┌/, 'a 35-character address in the problem leaves no room for a table at 80');
  assert.match(printers, new RegExp(`^${LONG_PRINTER}  unknown$`, 'm'));
  assert.match(printers, /^ {2}Problems: no answer from \[2001:db8:85a3::8a2e:370:7334\]:161: timeout after 2s$/m);
  assert.match(printers, /^ {2}Pages: 1234567 · Toner \/ ink: black 64%, cyan 41%, magenta 37%, yellow 3%$/m);
  checkFits(printers, views.slice(0, 1), 80);
  const hosts = renderKindTable('host', views.slice(1), { chalk: plain, now: NOW, width: 30 });
  checkFits(hosts, views.slice(1), 30);
  assert.match(hosts, /^esx-1 {2}critical$/m);
});

const col = (header, width, opts = {}) => ({ header, cells: ['x'.repeat(width)], priority: 50, wrap: false, ...opts });
const device = (n = 32) => col('Device', n, { priority: Infinity });
const state = () => col('State', 8, { priority: Infinity });
const problems = (text) => ({ header: 'Problems', cells: [text], priority: Infinity, wrap: true, minWidth: 16 });

test('planGrid(): the lowest priority goes first; a narrower column after a dropped one may stay', () => {
  const cols = [device(), state(), col('Low', 10, { priority: 10 }), col('High', 10, { priority: 90 }), col('Wide', 30, { priority: 60 }), problems('a b c')];
  const width = tableWidth([32, 8, 10, 10, 8]);
  const plan = planGrid(cols, width);
  assert.deepEqual(plan.columns.map((c) => cols[c.index].header), ['Device', 'State', 'Low', 'High', 'Problems'], 'Wide does not fit: it goes, Low still fits');
  const tighter = planGrid(cols, width - 11);
  assert.deepEqual(tighter.columns.map((c) => cols[c.index].header), ['Device', 'State', 'High', 'Problems']);
});

test('planGrid(): a column takes its short form before it is dropped, and its full form back when there is room', () => {
  const net = { header: 'Network rx/tx', shortHeader: 'Net', cells: ['1.3 MB/s'], priority: 40, wrap: false };
  const cols = [device(), state(), net, problems('ok')];
  const short = planGrid(cols, tableWidth([32, 8, 8, 8]));
  assert.equal(short.layout, 'table');
  assert.deepEqual(short.columns.map((c) => [cols[c.index].header, c.short]), [['Device', false], ['State', false], ['Network rx/tx', true], ['Problems', false]]);
  const full = planGrid(cols, tableWidth([32, 8, 13, 8]));
  assert.deepEqual(full.columns.map((c) => c.short), [false, false, false, false]);
  const out = drawGrid(cols, short, { head: (h) => h });
  assert.match(out, /│ Net +│/);
});

test('planGrid(): free text wraps to a comfortable width before a column goes, and tighter only when none is left', () => {
  const text = 'storage health red: controller battery failed, write cache disabled';
  const cols = [device(), state(), col('CPU', 5, { priority: 70 }), problems(text)];
  const roomy = planGrid(cols, tableWidth([32, 8, 5, COMFORTABLE]));
  assert.deepEqual(roomy.columns.map((c) => c.width), [32, 8, 5, COMFORTABLE]);
  const tight = planGrid(cols, tableWidth([32, 8, 5, COMFORTABLE]) - 1);
  assert.deepEqual(tight.columns.map((c) => cols[c.index].header), ['Device', 'State', 'Problems'], 'CPU goes before Problems wraps tighter');
  const tighter = planGrid(cols, tableWidth([32, 8, 16]));
  assert.deepEqual(tighter.columns.map((c) => c.width), [32, 8, 16]);
  assert.equal(planGrid(cols, tableWidth([32, 8, 16]) - 1).layout, 'list', 'Device + State + Problems cannot fit: the list');
  const noWrap = planGrid([device(), state(), problems('x'.repeat(40))], tableWidth([32, 8, 30]));
  assert.equal(noWrap.layout, 'list', 'a 40-character word is never cut to 30');
});

test('planGrid(): a long optional list wraps down to its minWidth rather than go; a short one stays whole or goes', () => {
  const toner = { header: 'Toner / ink', shortHeader: 'Toner', cells: ['black 64%, cyan 41%, magenta 37%, yellow 12%'], priority: 80, wrap: 'items', minWidth: 20 };
  const cols = [device(9), state(), toner, problems('yellow toner 12% < 20%')];
  const plan = planGrid(cols, tableWidth([9, 8, 20, 22]));
  assert.deepEqual(plan.columns.map((c) => [cols[c.index].header, c.width]), [['Device', 9], ['State', 8], ['Toner / ink', 20], ['Problems', 22]]);
  const out = drawGrid(cols, plan, { head: (h) => h });
  assert.match(out, /│ black 64%, cyan 41%, +│/);
  assert.match(out, /│ magenta 37%, +│/);
  assert.match(out, /│ yellow 12% +│/, 'a list wraps between its items: a colour stays with its level');
  const disk = { header: 'Disk free', cells: ['/var/lib/postgresql 7.5%'], priority: 80, wrap: true, minWidth: 12 };
  const vmCols = [device(9), state(), disk, problems('ok')];
  assert.deepEqual(planGrid(vmCols, tableWidth([9, 8, 24, 8])).columns.map((c) => c.width), [9, 8, 24, 8]);
  assert.deepEqual(planGrid(vmCols, tableWidth([9, 8, 24, 8]) - 1).columns.map((c) => vmCols[c.index].header), ['Device', 'State', 'Problems'], 'not wrapped into two lines a device: left out');
});

test('planGrid(): without a width every column keeps its natural width', () => {
  const cols = [device(), state(), col('GPU', 60), problems('y '.repeat(200).trim())];
  const plan = planGrid(cols, undefined);
  assert.deepEqual(plan.columns.map((c) => [c.width, c.short]), [[32, false], [8, false], [60, false], [399, false]]);
});

test('drawGrid(): a long table drawn in chunks reads as one table', () => {
  const views = Array.from({ length: 130 }, (_, i) => vmView(`DC0_C0_RP0_VM${i}`));
  const out = renderKindTable('vm', views, { chalk: plain, now: NOW, width: 120 });
  const lines = out.split('\n').slice(1);
  assert.equal(lines.length, 130 + 3, 'top border, header, one line per VM, bottom border');
  assert.equal(lines.filter((l) => l.startsWith('┌')).length, 1);
  assert.equal(lines.filter((l) => l.startsWith('└')).length, 1);
  assert.equal(new Set(lines.map(visibleWidth)).size, 1, 'every line as wide as the others');
  for (let i = 0; i < 130; i++) assert.ok(lines[i + 2].startsWith(`│ DC0_C0_RP0_VM${i} `), `row ${i} in order`);
});

// Speed is measured in `npm run bench`, never asserted in a test (a loaded CI machine would make it flaky).
test('renderKindTable() on 1,000 VMs, drawn in chunks, is one table: every VM once, in order, every line the same width', () => {
  const views = Array.from({ length: 1000 }, (_, i) => vmView(`DC0_C0_RP0_VM${i}`));
  const out = renderKindTable('vm', views, { chalk: plain, now: NOW, width: 200 });
  const lines = out.split('\n').slice(1).filter((l) => l);
  assert.equal(new Set(lines.map((l) => [...l].length)).size, 1, 'one table, not several of different widths');
  const names = lines.map((l) => /DC0_C0_RP0_VM\d+/.exec(l)?.[0]).filter(Boolean);
  assert.deepEqual(names, views.map((v) => v.name));
  assert.equal(lines.filter((l) => l.startsWith('┌')).length, 1, 'one top border');
  assert.equal(lines.filter((l) => l.startsWith('└')).length, 1, 'one bottom border');
});

test('outputWidth(): a terminal uses its columns; piped output COLUMNS when set, else none', () => {
  assert.equal(outputWidth({ isTTY: true, columns: 90 }, {}), 90);
  assert.equal(outputWidth({ isTTY: true, columns: 90 }, { COLUMNS: '50' }), 90, 'the terminal knows best');
  assert.equal(outputWidth({ isTTY: false }, { COLUMNS: '100' }), 100);
  assert.equal(outputWidth({}, { COLUMNS: '' }), undefined);
  assert.equal(outputWidth({}, { COLUMNS: 'wide' }), undefined);
  assert.equal(outputWidth({}, {}), undefined, 'piped without COLUMNS: natural widths');
});

test('wrapWords(): wraps on spaces, never inside a word; a word wider than the line has a line of its own', () => {
  assert.deepEqual(wrapWords('disk /var/lib/postgresql 7.5% free < 10%', 12), ['disk', '/var/lib/postgresql', '7.5% free <', '10%']);
  assert.deepEqual(wrapWords('Problems: a b c d', 12, 8), ['Problems: a', 'b c d']);
  assert.deepEqual(wrapWords('x', 5), ['x']);
  assert.deepEqual(wrapItems('black 64%, cyan 41%, magenta 37%, yellow 12%', 20), ['black 64%, cyan 41%,', 'magenta 37%,', 'yellow 12%']);
  assert.deepEqual(wrapItems('2× NVIDIA A40 31% 45°C, Intel UHD 630', 12), ['2× NVIDIA', 'A40 31%', '45°C,', 'Intel UHD', '630'], 'an item wider than the line wraps on spaces; the next item starts a line');
});

test('the ASCII fast paths of wrapItems and longestWord give what the general ones give', () => {
  // é is one column wide but not ASCII: the same text with é takes the general path
  const texts = ['black 49%, cyan 72%, magenta 95%, yellow 18%', 'matte black 80%, black 100%, yellow 5%, magenta 80%, cyan 70%', 'lowToner, doorOpen; device status warning: Close the front door (cover A) and load tray 2', 'a', '', 'averyveryverylongwordwithoutspaces, x'];
  for (const t of texts) {
    const accented = t.replaceAll('e', 'é');
    assert.equal(longestWord(t), longestWord(accented), t);
    for (const w of [1, 5, 10, 12, 20, 25, 40, 80]) assert.deepEqual(wrapItems(t, w).map((l) => l.replaceAll('e', 'é')), wrapItems(accented, w), `${t} at ${w}`);
  }
});

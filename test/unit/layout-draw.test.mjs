// The status tables are drawn row by row (render/layout.ts drawGrid) instead of by cli-table3, whose
// layout pass is quadratic in the rows (issue 13). The lines must be exactly the ones cli-table3 draws
// for the same plan: this test draws every table both ways and compares them, byte for byte.
import test from 'node:test';
import assert from 'node:assert/strict';
import Table from 'cli-table3';
import { gridColumns } from '../../dist/render/status.js';
import { drawGrid, planGrid } from '../../dist/render/layout.js';
import { makeChalk } from '../../dist/render/style.js';
import { kindSpec } from '../../dist/sources/index.js';
import { allKinds, manyDevices, printerView, NOW } from '../helpers/table-views.mjs';

/** What drawGrid drew before issue 13: the planned cells handed to cli-table3 (one table). */
function drawWithCliTable3(cols, plan, head) {
  const PAD = 2;
  const rows = cols[0]?.cells.length ?? 0;
  const { wrapWords, wrapItems, visibleWidth, blockWidth } = widthFns;
  const table = new Table({
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colWidths: plan.columns.map((c) => c.width + PAD),
    wordWrap: false,
    head: plan.columns.map(({ index, short, width }) => {
      const h = short ? (cols[index].shortHeader ?? cols[index].header) : cols[index].header;
      return (visibleWidth(h) > width ? wrapWords(h, width) : [h]).map(head).join('\n');
    }),
  });
  for (let r = 0; r < rows; r++) {
    table.push(
      plan.columns.map(({ index, short, width }) => {
        const col = cols[index];
        const cell = short ? (col.shortCells?.[r] ?? col.cells[r]) : col.cells[r];
        if (!col.wrap || blockWidth(cell) <= width) return cell;
        return (col.wrap === 'items' ? wrapItems(cell, width) : wrapWords(cell, width)).join('\n');
      }),
    );
  }
  return table.toString();
}
const widthFns = await import('../../dist/render/width.js');

function compare(cols, plan, head, what) {
  const ours = drawGrid(cols, plan, { head });
  const theirs = drawWithCliTable3(cols, plan, head);
  assert.equal(ours, theirs, what);
  return ours;
}

test('every kind\'s status table, at every width, plain and in colour, is drawn exactly as cli-table3 draws it', () => {
  const views = [...allKinds(), ...manyDevices(60)];
  let tables = 0;
  for (const color of [false, true]) {
    const c = makeChalk(color);
    for (const kind of new Set(views.map((v) => v.kind))) {
      const spec = kindSpec(kind);
      const mine = views.filter((v) => v.kind === kind);
      for (const width of [undefined, 220, 160, 120, 100, 80, 70, 60, 50]) {
        const cols = gridColumns(spec, mine, { chalk: c, now: NOW, width });
        const plan = planGrid(cols, width);
        if (plan.layout !== 'table') continue;
        compare(cols, plan, (h) => c.bold(h), `${kind} at ${width ?? 'natural'} columns, colour ${color}`);
        tables++;
      }
    }
  }
  assert.ok(tables >= 40, `compared ${tables} tables`);
});

test('wide characters, emoji, colours that span wrapped lines and a header cut to its column match cli-table3 too', () => {
  const c = makeChalk(true);
  const cols = [
    { header: 'Device', cells: ['東京-プリンタ-1', '🖨️ lobby', 'plain', ''], priority: Infinity, wrap: false },
    { header: 'State', cells: [c.red('critical'), c.green('ok'), c.yellow('warning'), c.gray('unknown')], priority: Infinity, wrap: false },
    {
      header: 'Problems',
      cells: [c.red(`toner low on all four colours and the waste container is nearly full`), c.bold.underline('a bold underlined note that wraps'), c.bgRed.white('white on red across lines of text'), ''],
      priority: Infinity,
      wrap: true,
      minWidth: 10,
    },
    { header: 'Supercalifragilistic', shortHeader: 'Xtralongheaderword', cells: ['1', '2', '3', '4'], priority: 10, wrap: true, minWidth: 1 },
  ];
  const plan = { layout: 'table', columns: [{ index: 0, short: false, width: 16 }, { index: 1, short: false, width: 8 }, { index: 2, short: false, width: 14 }, { index: 3, short: true, width: 5 }] };
  const out = compare(cols, plan, (h) => c.bold(h), 'hand-made table');
  assert.ok(out.includes('…'), 'the header word wider than its column is cut, as cli-table3 cuts it');
  assert.ok(out.split('\n').length > 8, 'the problems wrapped');
});

test('a table of 1,000 printers is drawn as cli-table3 draws it (one table, not chunks)', () => {
  const c = makeChalk(true);
  const views = Array.from({ length: 1000 }, (_, i) => printerView(`printer-${i}`, i % 9 ? {} : { state: 'critical', realState: 'critical', problems: [{ rule: 'toner-low', severity: 'critical', message: `black toner ${i % 20}% < 20%` }] }));
  const cols = gridColumns(kindSpec('printer'), views, { chalk: c, now: NOW, width: 120 });
  const plan = planGrid(cols, 120);
  assert.equal(plan.layout, 'table');
  const out = compare(cols, plan, (h) => c.bold(h), '1,000 printers');
  assert.equal(out.split('\n').filter((l) => l.includes('printer-')).length, 1000);
});

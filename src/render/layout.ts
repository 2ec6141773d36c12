// Tables that fit the terminal without cutting what a person needs. Pure: strings in, strings out.
//
// Which columns give way, and how, when the natural table is wider than the terminal:
//
//   1. drop    the optional columns that do not fit, lowest priority first: from the highest priority
//              down, a column is kept if it fits beside those kept so far, with every column in its
//              short form and free text at a comfortable width (COMFORTABLE);
//   2. short   the kept columns use their short form (header `Net`, state `critical*`) only where the
//              room is needed: the room left goes to free text up to its comfortable width, then to
//              the never-dropped columns' full form, then to free text up to one line, then to the
//              other columns' full form, highest priority first;
//   3. wrap    free text (Problems, Note, lists such as toner levels) wraps on spaces, never inside a
//              word; it goes below its comfortable width only when no optional column is left;
//   4. list    when even the never-dropped columns (Device, State, Problems) cannot fit, one block per
//              device instead of a table.
//
// A cell that does not wrap is never narrower than its widest value, and a wrapping one never narrower
// than its longest word, so no name, state, address or word is ever cut. Without a width (piped output
// with no COLUMNS) every column has its natural width: one line per device.
import Table from 'cli-table3';
import { blockWidth, longestWord, visibleWidth, wrapItems, wrapWords } from './width.js';

export interface GridColumn {
  header: string;
  /** Header of the short form (defaults to the header). */
  shortHeader?: string;
  /** One cell per row, as shown in full (may carry colour codes; one line). */
  cells: string[];
  /** The short form of each cell (defaults to the cell). */
  shortCells?: string[];
  /** Lowest is dropped first; Infinity: never dropped (Device, State, Problems, Note). */
  priority: number;
  /** Free text that may wrap on spaces; `items`: a comma-separated list, wrapped between its items. */
  wrap: boolean | 'items';
  /** A wrapping column is never squeezed below this (nor below its longest word). */
  minWidth?: number;
}

export interface PlannedColumn {
  /** Index into the GridColumn array. */
  index: number;
  short: boolean;
  /** Text width, without the cell padding. */
  width: number;
}

export type GridPlan = { layout: 'table'; columns: PlannedColumn[] } | { layout: 'list' };

/** Free text narrower than this reads badly: columns are dropped before it wraps tighter. */
export const COMFORTABLE = 30;
const PAD = 2; // one space each side of a cell
/** Rows per cli-table3 table: its layout pass is quadratic in rows, so long tables are drawn in chunks. */
const CHUNK = 40;

interface Measure {
  /** Natural width: the widest cell or header, in full. */
  full: number;
  /** Widest in the short form (== full when the column has none). */
  short: number;
  /** Wrapping columns: the narrowest they may go, and the width they get before anything else gives way. */
  min: number;
  comf: number;
}

function widest(cells: string[], header: string): number {
  let w = visibleWidth(header);
  for (const c of cells) w = Math.max(w, blockWidth(c));
  return w;
}

function measure(col: GridColumn): Measure {
  const full = widest(col.cells, col.header);
  const short = col.wrap ? full : Math.min(full, widest(col.shortCells ?? col.cells, col.shortHeader ?? col.header));
  if (!col.wrap) return { full, short, min: short, comf: short };
  let word = longestWord(col.shortHeader ?? col.header);
  for (const c of col.cells) word = Math.max(word, longestWord(c));
  const min = Math.min(full, Math.max(word, col.minWidth ?? 0));
  // Free text up to COMFORTABLE wide stays on one line. Longer Problems and Notes wrap at COMFORTABLE
  // before anything else gives way; a longer optional list (toner levels, GPUs) wraps down to its own
  // minWidth rather than go. A short optional list (a VM's lowest disk) is kept whole or dropped, never
  // wrapped into a second line for every device.
  if (full <= COMFORTABLE) return { full, short, min, comf: full };
  return { full, short, min, comf: col.priority === Infinity ? Math.max(min, COMFORTABLE) : min };
}

/** Width of a table whose cells have these text widths: padding and borders included. */
export function tableWidth(widths: number[]): number {
  return widths.reduce((a, w) => a + w + PAD, 0) + widths.length + 1;
}

/** Decide which columns show, in which form and how wide (see the order above). */
export function planGrid(cols: GridColumn[], width: number | undefined): GridPlan {
  const m = cols.map(measure);
  const all = cols.map((_, i) => i);
  const natural: GridPlan = { layout: 'table', columns: all.map((i) => ({ index: i, short: false, width: m[i].full })) };
  if (width === undefined || !Number.isFinite(width) || tableWidth(m.map((x) => x.full)) <= width) return natural;

  const essential = all.filter((i) => cols[i].priority === Infinity);
  const optional = all.filter((i) => cols[i].priority !== Infinity).sort((a, b) => cols[b].priority - cols[a].priority || a - b);
  const tight = (i: number, wrapAt: 'comf' | 'min') => (cols[i].wrap ? m[i][wrapAt] : m[i].short);
  const fits = (set: number[], wrapAt: 'comf' | 'min') => tableWidth(set.map((i) => tight(i, wrapAt))) <= width;

  // highest priority first; a column that does not fit is dropped, a narrower one after it may still fit
  const kept: number[] = [];
  for (const i of optional) if (fits([...essential, ...kept, i], 'comf')) kept.push(i);
  const chosen = [...essential, ...kept].sort((a, b) => a - b);
  let wrapAt: 'comf' | 'min' = 'comf';
  if (!fits(chosen, 'comf')) {
    if (!fits(chosen, 'min')) return { layout: 'list' };
    wrapAt = 'min';
  }

  const w = new Map(chosen.map((i) => [i, tight(i, wrapAt)]));
  const short = new Set(chosen.filter((i) => !cols[i].wrap && m[i].short < m[i].full));
  let slack = width - tableWidth(chosen.map((i) => w.get(i)!));
  const restore = (i: number) => {
    const extra = m[i].full - w.get(i)!;
    if (short.has(i) && extra <= slack) {
      w.set(i, m[i].full);
      short.delete(i);
      slack -= extra;
    }
  };
  // free text grows back a column at a time, so that Problems and Note share the room
  const growing = chosen.filter((i) => cols[i].wrap);
  const grow = (upTo: 'comf' | 'full') => {
    while (slack > 0) {
      const open = growing.filter((i) => w.get(i)! < m[i][upTo]);
      if (!open.length) return;
      for (const i of open) {
        if (slack <= 0) return;
        w.set(i, w.get(i)! + 1);
        slack--;
      }
    }
  };
  grow('comf');
  essential.forEach(restore);
  grow('full');
  kept.forEach(restore);
  // a wrapping column narrower than its header takes its short header (and wraps it if need be)
  for (const i of growing) if (cols[i].shortHeader && w.get(i)! < visibleWidth(cols[i].header)) short.add(i);
  return { layout: 'table', columns: chosen.map((i) => ({ index: i, short: short.has(i), width: w.get(i)! })) };
}

export interface DrawOptions {
  /** Style for headers (bold). */
  head: (s: string) => string;
}

/** Draw a planned table with cli-table3: box borders, no rule between rows (a screen shows more devices). */
export function drawGrid(cols: GridColumn[], plan: Extract<GridPlan, { layout: 'table' }>, opts: DrawOptions): string {
  const rows = cols[0]?.cells.length ?? 0;
  const head = plan.columns.map(({ index, short, width }) => {
    const h = short ? (cols[index].shortHeader ?? cols[index].header) : cols[index].header;
    return (visibleWidth(h) > width ? wrapWords(h, width) : [h]).map(opts.head).join('\n');
  });
  const body: string[][] = [];
  for (let r = 0; r < rows; r++) {
    body.push(
      plan.columns.map(({ index, short, width }) => {
        const col = cols[index];
        const cell = short ? (col.shortCells?.[r] ?? col.cells[r]) : col.cells[r];
        if (!col.wrap || blockWidth(cell) <= width) return cell;
        return (col.wrap === 'items' ? wrapItems(cell, width) : wrapWords(cell, width)).join('\n');
      }),
    );
  }
  const options = {
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colWidths: plan.columns.map((c) => c.width + PAD),
    wordWrap: false,
  };
  // Every chunk has the same column widths, so its lines continue the one before: drop the bottom
  // border of each chunk but the last and the top border of each but the first.
  const out: string[] = [];
  const chunks = Math.max(1, Math.ceil(rows / CHUNK));
  for (let n = 0; n < chunks; n++) {
    const table = new Table(n === 0 ? { ...options, head } : options);
    for (const row of body.slice(n * CHUNK, (n + 1) * CHUNK)) table.push(row);
    const lines = table.toString().split('\n');
    if (n > 0) lines.shift();
    if (n < chunks - 1) lines.pop();
    out.push(...lines);
  }
  return out.join('\n');
}

/**
 * The layout for a terminal too narrow for any table: one block per device. Its name and state first
 * (whole, whatever the width), then its free text (Problems, Note) as `Header: text`, then the other
 * columns as `Header: value` items separated by ` · `, all wrapped on spaces and indented. Empty values
 * and dashes are left out.
 */
export function drawList(cols: GridColumn[], width: number): string {
  const rows = cols[0]?.cells.length ?? 0;
  const [name, state, ...rest] = cols;
  const text = rest.filter((c) => c.priority === Infinity);
  const figures = rest.filter((c) => c.priority !== Infinity);
  const out: string[] = [];
  const indent = (s: string) => {
    const lines = wrapWords(s, Math.max(1, width - 2), Math.max(1, width - 4));
    out.push(`  ${lines[0]}`, ...lines.slice(1).map((l) => `    ${l}`));
  };
  for (let r = 0; r < rows; r++) {
    const n = name.cells[r];
    const s = state?.cells[r] ?? '';
    if (visibleWidth(n) + 2 + visibleWidth(s) <= width) out.push(`${n}  ${s}`);
    else out.push(n, `  ${s}`);
    for (const col of text) if (col.cells[r]) indent(`${col.header}: ${col.cells[r]}`);
    // figures: whole items to a line while they fit, so that a header stays with its value
    let line = '';
    for (const col of figures) {
      const v = col.cells[r];
      if (!v || v === '–') continue;
      const item = `${col.header}: ${v}`;
      if (line && visibleWidth(line) + 3 + visibleWidth(item) > width - 2) {
        indent(line);
        line = item;
      } else line = line ? `${line} · ${item}` : item;
    }
    if (line) indent(line);
  }
  return out.join('\n');
}

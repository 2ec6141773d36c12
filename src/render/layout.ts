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

interface Measure {
  /** Natural width: the widest cell or header, in full. */
  full: number;
  /** Widest in the short form (== full when the column has none). */
  short: number;
  /** Wrapping columns: the narrowest they may go, and the width they get before anything else gives way. */
  min: number;
  comf: number;
}

// Each cell's width, measured once for the plan and the drawing (a status of 1,000 devices has ~8,000 cells).
const measured = new WeakMap<string[], number[]>();
function widthsOf(cells: string[]): number[] {
  let w = measured.get(cells);
  if (!w) measured.set(cells, (w = cells.map(blockWidth)));
  return w;
}

function widest(cells: string[], header: string): number {
  let w = visibleWidth(header);
  for (const x of widthsOf(cells)) if (x > w) w = x;
  return w;
}

function measure(col: GridColumn): Measure {
  const full = widest(col.cells, col.header);
  const short = col.wrap ? full : Math.min(full, widest(col.shortCells ?? col.cells, col.shortHeader ?? col.header));
  if (!col.wrap) return { full, short, min: short, comf: short };
  let word = longestWord(col.shortHeader ?? col.header);
  const widths = widthsOf(col.cells);
  // a cell no wider than the longest word so far cannot hold a longer one
  col.cells.forEach((c, r) => {
    if (widths[r] > word) word = Math.max(word, longestWord(c));
  });
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

/**
 * Draw a planned table: box borders, no rule between rows (a screen shows more devices). The lines are
 * exactly what cli-table3 draws for these options (test/unit/layout-draw.test.mjs compares the two on
 * real status tables), laid out here row by row: cli-table3's own layout pass checks every cell against
 * every other for spans, quadratic in the rows, and its per-cell option merging and ANSI scans cost
 * about 0.4 ms a row (400 ms of `status` at 1,000 devices).
 */
export function drawGrid(cols: GridColumn[], plan: Extract<GridPlan, { layout: 'table' }>, opts: DrawOptions): string {
  const rows = cols[0]?.cells.length ?? 0;
  const widths = plan.columns.map((c) => c.width);
  const out: string[] = [];
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + PAD)).join(m) + r;
  // one line of a cell: padded to its column (known width: a single-line cell measured for the plan)
  const drawRow = (cells: string[], known?: (number | undefined)[]) => {
    let height = 1;
    const lines: (string[] | null)[] = cells.map((cell) => {
      if (!cell.includes('\n')) return null;
      const l = cellLines(cell);
      if (l.length > height) height = l.length;
      return l;
    });
    for (let y = 0; y < height; y++) {
      let line = '│';
      for (let x = 0; x < widths.length; x++) {
        const many = lines[x];
        const text = many ? (many[y] ?? '') : y === 0 ? cells[x] : '';
        line += ` ${fit(text, widths[x], !many && y === 0 ? known?.[x] : text === '' ? 0 : undefined)} │`;
      }
      out.push(line);
    }
  };
  out.push(rule('┌', '┬', '┐'));
  drawRow(
    plan.columns.map(({ index, short, width }) => {
      const h = short ? (cols[index].shortHeader ?? cols[index].header) : cols[index].header;
      return (visibleWidth(h) > width ? wrapWords(h, width) : [h]).map(opts.head).join('\n');
    }),
  );
  const shown = plan.columns.map(({ index, short }) => {
    const cells = short ? (cols[index].shortCells ?? cols[index].cells) : cols[index].cells;
    return { col: cols[index], cells, widths: widthsOf(cells) };
  });
  const known: (number | undefined)[] = new Array(shown.length);
  for (let r = 0; r < rows; r++) {
    drawRow(
      shown.map(({ col, cells, widths }, x) => {
        const cell = cells[r];
        known[x] = widths[r];
        if (!col.wrap || widths[r] <= plan.columns[x].width) return cell;
        return (col.wrap === 'items' ? wrapItems(cell, plan.columns[x].width) : wrapWords(cell, plan.columns[x].width)).join('\n');
      }),
      known,
    );
  }
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

/** A cell's lines; colours that span a line break are closed at its end and opened again on the next line. */
function cellLines(cell: string): string[] {
  if (!cell.includes('\n')) return [cell];
  const lines = cell.split('\n');
  return cell.includes('\x1b') ? carryColours(lines) : lines;
}

/** A line padded (or, never for planned cells, cut with …) to `width` columns. */
const SPACES = ' '.repeat(256);
function fit(line: string, width: number, knownWidth?: number): string {
  const w = knownWidth ?? visibleWidth(line);
  if (w <= width) return line + (width - w <= 256 ? SPACES.slice(0, width - w) : ' '.repeat(width - w));
  return cutToWidth(line, width);
}

// SGR state across the lines of one cell, as cli-table3 keeps it (utils.colorizeLines): attributes on or
// off, and the last foreground and background set.
const ATTRS: Record<string, [on: string, off: string]> = { bold: ['1', '22'], italics: ['3', '23'], underline: ['4', '24'], inverse: ['7', '27'], strikethrough: ['9', '29'] };
const ATTR_OF = new Map<string, [string, boolean]>(Object.entries(ATTRS).flatMap(([k, [on, off]]) => [[`\x1b[${on}m`, [k, true]] as const, [`\x1b[${off}m`, [k, false]] as const]));
interface SgrState {
  attrs: Map<string, boolean>;
  fg?: string;
  bg?: string;
}

function readSgr(line: string): SgrState {
  const st: SgrState = { attrs: new Map() };
  for (const m of line.matchAll(/\x1b\[((?:\d*;){0,5}\d*)m/g)) {
    const code = m[1] ? parseInt(m[1].split(';')[0], 10) : 0;
    if ((code >= 30 && code <= 39) || (code >= 90 && code <= 97)) st.fg = m[0];
    else if ((code >= 40 && code <= 49) || (code >= 100 && code <= 107)) st.bg = m[0];
    else if (code === 0) {
      st.attrs.clear();
      st.fg = st.bg = undefined;
    } else {
      const a = ATTR_OF.get(m[0]);
      if (a) st.attrs.set(a[0], a[1]);
    }
  }
  return st;
}

function carryColours(lines: string[]): string[] {
  let prev: SgrState = { attrs: new Map() };
  return lines.map((raw) => {
    let line = raw;
    for (const [k, on] of prev.attrs) if (on) line = `\x1b[${ATTRS[k][0]}m${line}`;
    if (prev.bg && prev.bg !== '\x1b[49m') line = prev.bg + line;
    if (prev.fg && prev.fg !== '\x1b[39m') line = prev.fg + line;
    prev = readSgr(line);
    let end = line;
    for (const [k, on] of prev.attrs) if (on) end += `\x1b[${ATTRS[k][1]}m`;
    if (prev.bg && prev.bg !== '\x1b[49m') end += '\x1b[49m';
    if (prev.fg && prev.fg !== '\x1b[39m') end += '\x1b[39m';
    return end;
  });
}

/** Cut to `width` columns with a closing … (colour codes kept and closed). */
function cutToWidth(line: string, width: number): string {
  let out = '';
  let w = 0;
  const target = width - 1;
  for (const part of line.split(/(\x1b\[(?:\d*;){0,5}\d*m)/)) {
    if (part.startsWith('\x1b[')) {
      if (w < target) out += part;
      continue;
    }
    for (const ch of part) {
      const cw = visibleWidth(ch);
      if (w + cw > target) break;
      out += ch;
      w += cw;
    }
  }
  const st = readSgr(out);
  for (const [k, on] of st.attrs) if (on) out += `\x1b[${ATTRS[k][1]}m`;
  if (st.bg && st.bg !== '\x1b[49m') out += '\x1b[49m';
  if (st.fg && st.fg !== '\x1b[39m') out += '\x1b[39m';
  return out + '…' + ' '.repeat(Math.max(0, width - w - 1));
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

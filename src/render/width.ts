// How wide the output may be, and how wide a string shows on a terminal.

/**
 * The width tables must fit: a terminal's own columns; piped output uses `COLUMNS` when it is set
 * (a script that wants a width asks for it); otherwise undefined: natural widths, one line per device
 * (what `grep` and `awk` want).
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number | undefined {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Columns a one-line string takes on a terminal: colour codes take none, combining marks none, East Asian
 * wide characters and emoji two (the same measure as cli-table3's string-width, for the characters
 * device names and problems carry).
 */
export function visibleWidth(s: string): number {
  // most cells are printable ASCII: one column a character (a status of 1,000 devices measures ~20,000 cells)
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s.replace(SGR, '')) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Widest line of a possibly multi-line string. */
export function blockWidth(s: string): number {
  if (!s.includes('\n')) return visibleWidth(s);
  let w = 0;
  for (const line of s.split('\n')) w = Math.max(w, visibleWidth(line));
  return w;
}

/** Widest word (run without spaces): the narrowest a text can wrap to without cutting one. */
export function longestWord(s: string): number {
  if (PRINTABLE_ASCII.test(s)) {
    // one pass over the characters: the longest run without a space
    let best = 0;
    let run = 0;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) === 32) run = 0;
      else if (++run > best) best = run;
    }
    return best;
  }
  let w = 0;
  for (const word of s.split(/[ \n]+/)) w = Math.max(w, visibleWidth(word));
  return w;
}

/**
 * Wrap text on spaces to at most `width` columns (`rest` for the lines after the first). A word is never
 * cut: a word wider than the line gets a line of its own (tables never ask for that; see layout.ts).
 */
export function wrapWords(text: string, width: number, rest: number = width): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let lw = 0;
    for (const word of para.split(/ +/)) {
      if (!word) continue;
      const ww = visibleWidth(word);
      if (lw && lw + 1 + ww > (lines.length ? rest : width)) {
        lines.push(line);
        line = word;
        lw = ww;
      } else {
        line = lw ? `${line} ${word}` : word;
        lw = lw ? lw + 1 + ww : ww;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Wrap a list (`black 64%, cyan 41%, magenta 37%`) between its items, so that a label stays with its
 * value; an item wider than the line is wrapped on spaces.
 */
export function wrapItems(text: string, width: number): string[] {
  // printable ASCII takes one column a character: its length is its width (a Toner cell of every printer)
  const measure = PRINTABLE_ASCII.test(text) ? (s: string) => s.length : visibleWidth;
  const lines: string[] = [];
  let line = '';
  for (const item of text.split(/(?<=,) +/)) {
    const joined = line ? `${line} ${item}` : item;
    if (measure(joined) <= width) line = joined;
    else {
      if (line) lines.push(line);
      const parts = wrapWords(item, width);
      line = parts.pop() ?? '';
      lines.push(...parts);
    }
  }
  lines.push(line);
  return lines;
}

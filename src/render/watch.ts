// `status --watch` as strings: the header line and the frame that redraws the screen in place. No I/O.
import { visibleWidth } from './width.js';
import { clean } from './sanitize.js';

/** The escape sequences of the watch screen (xterm; every terminal simplemon meets understands them). */
export const TERM = {
  enter: '\x1b[?1049h\x1b[?25l', // alternate screen, cursor hidden
  leave: '\x1b[?25h\x1b[?1049l', // cursor shown, normal screen back (as it was)
  home: '\x1b[H',
  clearLine: '\x1b[K', // to the end of the line
  clearBelow: '\x1b[J', // to the end of the screen
} as const;

export interface WatchHeader {
  intervalMs: number;
  /** The last poll that finished: when, and how long it took. */
  last: { at: Date; ms: number } | null;
  /** A poll is under way; its progress so far ('' before any source reported). */
  polling: { progress: string } | null;
  /** Why the last poll failed (the tables then show the state saved before). */
  error: string | null;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * `simplemon status --watch every 5s · last poll 15:10:42 took 1.2 s · polling… printers 3/5 · q to quit`
 * (local time). Too wide for `width`: the name goes first, then the interval, then the middle is cut —
 * `q to quit` always stays.
 */
export function watchHeader(h: WatchHeader, width = Infinity): string {
  const every = `every ${h.intervalMs % 60_000 === 0 ? `${h.intervalMs / 60_000}m` : `${h.intervalMs / 1000}s`}`;
  const middle: string[] = [];
  if (h.error) middle.push(`last poll failed: ${clean(h.error)}`);
  else middle.push(h.last ? `last poll ${h.last.at.toTimeString().slice(0, 8)} took ${seconds(h.last.ms)}` : 'no poll yet');
  if (h.polling) middle.push(`polling…${h.polling.progress ? ` ${h.polling.progress}` : ''}`);
  const quit = 'q to quit';
  for (const head of [[`simplemon status --watch ${every}`], [every], []]) {
    const line = [...head, ...middle, quit].join(' · ');
    if (visibleWidth(line) <= width) return line;
  }
  const tail = ` · ${quit}`;
  if (width < visibleWidth(tail) + 2) return fitLine(quit, width);
  return fitLine(middle.join(' · '), width - visibleWidth(tail)) + tail;
}

/** Cut a line of plain text to `width` columns, with `…` when something was cut. */
export function fitLine(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (visibleWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * The whole screen: the header, then the status text, from the top-left corner, each line cleared to
 * its end and the rest of the screen cleared, so a redraw never leaves pieces of the last one. Text
 * taller than the screen is cut, with a last line that says so (the alternate screen must never scroll,
 * or the next redraw would not start at the top).
 */
export function watchFrame(header: string, body: string, size: { columns: number; rows: number }): string {
  const width = Math.max(1, size.columns);
  const rows = Math.max(2, size.rows);
  let lines = body.replace(/\n$/, '').split('\n');
  if (lines.length > rows - 1) {
    const hidden = lines.length - (rows - 2);
    lines = [...lines.slice(0, rows - 2), fitLine(`… ${hidden} more lines: a taller terminal, or status --watch --problems`, width)];
  }
  const all = [fitLine(header, width), ...lines];
  // no newline after the last line: on the bottom row it would scroll the screen
  return TERM.home + all.map((l) => l + TERM.clearLine).join('\r\n') + TERM.clearBelow;
}

/** Only the header line again (progress while a poll is under way), the tables left as they are. */
export function watchHeaderOnly(header: string, columns: number): string {
  return TERM.home + fitLine(header, Math.max(1, columns)) + TERM.clearLine;
}

// A row of bar characters for a series, for terminals. PURE.
// UTF-8 terminals get eighth blocks; others (no UTF-8 locale, e.g. under cron, which sets no LANG) get
// ASCII. A gap (space) where there is no reading.

const BLOCKS = '▁▂▃▄▅▆▇█';
const ASCII = '_.-=#';

export interface SparklineOptions {
  /** ASCII instead of block characters (the locale is not UTF-8). */
  ascii?: boolean;
  /** Fixed scale (e.g. 0–100 for percents); by default the series' own min and max. */
  min?: number;
  max?: number;
}

/**
 * `width` characters for `values` (oldest first). A longer series is split into `width` equal slices and
 * each drawn as its mean (nulls left out; a slice of only nulls is a gap); a shorter one takes one
 * character per value. A series with one distinct value is drawn at mid height.
 */
export function sparkline(values: readonly (number | null)[], width: number, opts: SparklineOptions | boolean = {}): string {
  const o: SparklineOptions = typeof opts === 'boolean' ? { ascii: opts } : opts;
  const chars = o.ascii ? ASCII : BLOCKS;
  const w = Math.max(0, Math.floor(width));
  const n = values.length;
  if (!n || !w) return '';
  const cells: (number | null)[] = [];
  const count = Math.min(w, n);
  for (let c = 0; c < count; c++) {
    const from = Math.floor((c * n) / count);
    const to = Math.floor(((c + 1) * n) / count);
    let sum = 0;
    let k = 0;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v;
        k++;
      }
    }
    cells.push(k ? sum / k : null);
  }
  const real = cells.filter((v): v is number => v !== null);
  if (!real.length) return ' '.repeat(count);
  const lo = o.min ?? Math.min(...real);
  const hi = o.max ?? Math.max(...real);
  const top = chars.length - 1;
  let out = '';
  for (const v of cells) {
    if (v === null) out += ' ';
    else if (hi <= lo) out += chars[Math.floor(top / 2)];
    else out += chars[Math.round((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo) * top)];
  }
  return out;
}

/** Whether the environment's locale is UTF-8 (LC_ALL, then LC_CTYPE, then LANG, as setlocale reads them). */
export function isUtf8Locale(env: Record<string, string | undefined>): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}

// Printer columns of the status table.
import type { Column } from '../types.js';
import type { PrinterMetrics } from './metrics.js';
import { isTonerOrInk, supplyLabel } from './rules.js';

/** "black toner" → "black" in a column already headed Toner / ink; "toner cartridge" stays. */
function shortLabel(label: string): string {
  const short = label.replace(/\s+(toner|ink)(\s+cartridge)?$/i, '');
  return short || label;
}

const m = (d: { metrics: Record<string, unknown> }) => d.metrics as Partial<PrinterMetrics>;

// priority: which columns stay longest on a narrow terminal (see Column in ../types.ts)
export const printerColumns: Column[] = [
  { header: 'Pages', value: (d) => (m(d).pageCount ?? null) === null ? '–' : String(m(d).pageCount), priority: 30 },
  {
    header: 'Toner / ink',
    priority: 80,
    short: { header: 'Toner' },
    wrap: 'items',
    minWidth: 20,
    value: (d) =>
      (m(d).supplies ?? [])
        .filter(isTonerOrInk)
        .map((s) => `${shortLabel(supplyLabel(s))} ${s.percent === null ? (s.level === -3 ? 'some' : '?') : `${s.percent}%`}`)
        .join(', ') || '–',
  },
  {
    header: 'Status',
    priority: 60,
    value: (d) => [m(d).deviceStatus, m(d).printerStatus].filter((x) => x).join('/') || '–',
  },
  { header: 'Errors', value: (d) => (m(d).errors ?? []).join(', ') || '–', priority: 70, wrap: 'items' },
];

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

export const printerColumns: Column[] = [
  { header: 'Pages', value: (d) => (m(d).pageCount ?? null) === null ? '–' : String(m(d).pageCount) },
  {
    header: 'Toner / ink',
    value: (d) =>
      (m(d).supplies ?? [])
        .filter(isTonerOrInk)
        .map((s) => `${shortLabel(supplyLabel(s))} ${s.percent === null ? (s.level === -3 ? 'some' : '?') : `${s.percent}%`}`)
        .join(', ') || '–',
  },
  {
    header: 'Status',
    value: (d) => [m(d).deviceStatus, m(d).printerStatus].filter((x) => x).join('/') || '–',
  },
  { header: 'Errors', value: (d) => (m(d).errors ?? []).join(', ') || '–' },
  {
    header: 'Queue',
    optional: true,
    value: (d) => {
      const q = m(d).queue;
      if (!q) return '–';
      if (q.error) return 'unreadable';
      const oldest = q.oldestJobAgeSeconds === null ? '' : `, oldest ${q.oldestJobAgeSeconds < 5400 ? `${Math.round(q.oldestJobAgeSeconds / 60)}m` : `${Math.round(q.oldestJobAgeSeconds / 3600)}h`}`;
      return `${q.jobs} job${q.jobs === 1 ? '' : 's'}${oldest}${q.stuck ? ' STUCK' : ''}`;
    },
  },
];

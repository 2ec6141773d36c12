// Printer columns of the status table.
import type { Column } from '../types.js';
import type { PrinterMetrics } from './metrics.js';
import { isTonerOrInk, supplyLabel, supplyLevelText } from './supplies.js';
import { printerNumbers } from './numbers.js';
import type { DeviceView } from '../../core/view.js';
import type { Supply } from './metrics.js';
import { statusReasons } from './reasons.js';

/** The colour words printers put in their supply descriptions, the longer first ("matte black" before "black"). */
const COLOUR = /\b(matte black|photo black|light light black|light black|light cyan|light magenta|photo cyan|photo magenta|black|cyan|magenta|yellow|gr[ae]y|red|green|blue|orange|violet)\b/i;

/**
 * A supply's name in a column already headed Toner / ink: its colour when the description names one
 * ("Black Cartridge HP CF400X" → "black", "CANON Matte Black Ink Tank" → "matte black": on a real HP
 * or Epson the whole description took four lines a printer); else the description without a trailing
 * toner/ink word ("toner cartridge" stays). Problems and emails keep the whole description, which names
 * the part to order.
 */
function shortLabel(label: string): string {
  const colour = COLOUR.exec(label);
  if (colour) return colour[1].toLowerCase();
  const short = label.replace(/\s+(toner|ink)(\s+(cartridge|tank))?$/i, '');
  return short || label;
}

// A fleet's printers share a few cartridge descriptions: each is turned into its label once per process.
const labels = new Map<string, string>();
function columnLabel(s: Supply): string {
  const key = s.description ?? `\u0000${s.index}`;
  let label = labels.get(key);
  if (label === undefined) labels.set(key, (label = shortLabel(supplyLabel(s))));
  return label;
}

const m = (d: { metrics: Record<string, unknown> }) => d.metrics as Partial<PrinterMetrics>;

/**
 * ` (9d)` after a toner level when the history forecasts when it runs out (see src/app/forecasts.ts).
 * printerNumbers() lists one number per supply, in the supplies' order, so the i-th number is the i-th supply's.
 */
function daysLeft(d: DeviceView, s: Supply): string {
  if (!d.forecast) return '';
  const i = (m(d).supplies ?? []).indexOf(s);
  const n = printerNumbers(m(d), {})[i];
  const f = n?.forecast ? d.forecast[n.key] : undefined;
  return f && f.daysLeft !== null ? ` (${Math.round(f.daysLeft)}d)` : '';
}

/**
 * The Errors column: the error bits, then what the printer says (its alerts, without their group).
 * A printer in warning or down, or with error bits, says all it has to say (console text included); a
 * running one only its critical and warning alerts ("Toner low") — "Sleep mode" or a console
 * saying "Ready" is no error.
 */
function errorsCell(x: Partial<PrinterMetrics>): string {
  const troubled = x.deviceStatus === 'warning' || x.deviceStatus === 'down' || (x.errors ?? []).length > 0;
  const graded = (x.alerts ?? []).filter((a) => a.severity === 'critical' || a.severity === 'warning');
  const why = troubled ? statusReasons(x, false) : statusReasons({ alerts: graded }, false);
  return [(x.errors ?? []).join(', '), why.join(', ')].filter((s) => s).join('; ') || '–';
}

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
        .map((s) => `${columnLabel(s)} ${supplyLevelText(s)}${daysLeft(d, s)}`)
        .join(', ') || '–',
  },
  {
    header: 'Status',
    priority: 60,
    value: (d) => [m(d).deviceStatus, m(d).printerStatus].filter((x) => x).join('/') || '–',
  },
  { header: 'Errors', value: (d) => errorsCell(m(d)), priority: 70, wrap: 'items' },
  {
    header: 'Queue',
    hideWhenEmpty: true,
    priority: 40,
    value: (d) => {
      const q = m(d).queue;
      if (!q) return '–';
      if (q.error) return 'unreadable';
      const oldest = q.oldestJobAgeSeconds === null ? '' : `, oldest ${q.oldestJobAgeSeconds < 5400 ? `${Math.round(q.oldestJobAgeSeconds / 60)}m` : `${Math.round(q.oldestJobAgeSeconds / 3600)}h`}`;
      return `${q.jobs} job${q.jobs === 1 ? '' : 's'}${oldest}${q.stuck ? ' STUCK' : ''}`;
    },
  },
];

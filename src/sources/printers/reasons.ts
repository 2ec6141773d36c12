// Why a printer is in trouble, in its own words: the alerts of its prtAlertTable, else what its console
// shows. Used by the printer-status message and the status table. PURE.
import type { PrinterAlert, PrinterMetrics } from './metrics.js';

/** Group names for people; the others are the MIB's camelCase name in words ("markerSupplies" → "marker supplies"). */
const GROUP_WORDS: Readonly<Record<string, string>> = {
  hostResourcesMIBStorageTable: 'storage',
  hostResourcesMIBDeviceTable: 'device',
  generalPrinter: 'printer',
  consoleDisplayBuffer: 'console',
  finDevice: 'finisher',
  finSupply: 'finisher supply',
  finSupplyMediaInput: 'finisher input',
  finAttribute: 'finisher',
};

/** `markerTonerAlmostEmpty` → `marker toner almost empty`. */
export function camelWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function groupWords(group: string | null): string | null {
  if (!group || group === 'other') return null;
  return GROUP_WORDS[group] ?? camelWords(group);
}

/** An alert's text: its description, else its code in words; null when it says nothing. */
function alertText(a: PrinterAlert): string | null {
  const d = a.description?.trim();
  if (d) return d;
  return a.code && a.code !== 'other' && a.code !== 'unknown' ? camelWords(a.code) : null;
}

/** How many reasons a message carries at most; the rest are counted ("+2 more"). */
const MAX_REASONS = 4;

/**
 * The alerts worth naming, most severe first (table order within a severity), each once:
 *
 *   | alerts present                       | named                                      |
 *   |--------------------------------------|--------------------------------------------|
 *   | some critical or warning             | those (critical first)                     |
 *   | none of those, some severity other   | those (an agent that grades nothing)       |
 *   | only warningBinaryChangeEvent        | none: an event that happened (cover closed) |
 *                                                                 is no standing condition
 */
function namedAlerts(alerts: PrinterAlert[]): PrinterAlert[] {
  const graded = [...alerts.filter((a) => a.severity === 'critical'), ...alerts.filter((a) => a.severity === 'warning')];
  return graded.length ? graded : alerts.filter((a) => a.severity === 'other' || a.severity === null);
}

/**
 * The printer's reasons, each once, at most MAX_REASONS (then "+N more"): its alerts as
 * "Toner low (marker supplies)" (`withGroup`) or "Toner low"; with no alert to name, the console
 * text as `console: "Load Tray 2"`. Empty when the printer says nothing.
 */
export function statusReasons(m: Partial<PrinterMetrics>, withGroup = true): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const a of namedAlerts(m.alerts ?? [])) {
    const text = alertText(a);
    if (!text) continue;
    const g = withGroup ? groupWords(a.group) : null;
    const line = g ? `${text} (${g})` : text;
    if (seen.has(line.toLowerCase())) continue;
    seen.add(line.toLowerCase());
    out.push(line);
  }
  if (!out.length && m.console?.length) out.push(`console: "${m.console.join(' / ')}"`);
  return out.length > MAX_REASONS ? [...out.slice(0, MAX_REASONS), `+${out.length - MAX_REASONS} more`] : out;
}

// Printer rules, defaults from the old system: toner below 20 %, printer status abnormal. PURE.
import type { PrinterMetrics, Supply } from './metrics.js';
import { kindRules, type RuleDef } from '../../core/rule.js';
import { queueRule } from './queue-rule.js';

/** Supply types that are toner or ink (RFC 3805 PrtMarkerSuppliesTypeTC names). */
const TONER_TYPES = new Set(['toner', 'tonerCartridge', 'ink', 'inkCartridge', 'inkRibbon', 'matteToner', 'matteInk', 'solidWax', 'ribbonWax']);
const UNTYPED = new Set([null, 'other', 'unknown']);

/**
 * Is this supply toner or ink? By its MIB type; agents that send no type (Xerox) are judged by the
 * description, so that their toner is still watched. Receptacles (waste toner) never are.
 */
export function isTonerOrInk(s: Supply): boolean {
  if (s.class === 'receptacleThatIsFilled') return false;
  if (s.type !== null && TONER_TYPES.has(s.type)) return true;
  if (UNTYPED.has(s.type) && s.description) {
    const d = s.description.toLowerCase();
    return /\b(toner|ink)\b/.test(d) && !/waste|collector|receptacle/.test(d);
  }
  return false;
}

/** Human label for a supply in messages: its description, else "supply 1.3". */
export function supplyLabel(s: Supply): string {
  const d = s.description?.trim();
  return d ? d.replace(/[,;].*$/, '').trim().toLowerCase() || `supply ${s.index}` : `supply ${s.index}`;
}

export const DEFAULT_CRITICAL_ERRORS = ['noToner', 'noPaper', 'jammed', 'doorOpen', 'offline', 'serviceRequested'];

export const printerRules: RuleDef<PrinterMetrics>[] = [
  {
    name: 'toner-low',
    kind: 'printer',
    description: 'a toner or ink supply below the threshold (percent remaining)',
    defaults: { enabled: true, critical: { op: 'below', value: 20 }, warning: null },
    measure: (m) =>
      (m.supplies ?? [])
        // level −3 ("some remaining") is an estimate, never a reason to alert
        .filter((s) => isTonerOrInk(s) && s.level !== -3 && s.percent !== null)
        .map((s) => ({ label: supplyLabel(s), value: s.percent, unit: '%' })),
  },
  {
    name: 'printer-status',
    kind: 'printer',
    description: 'hrDeviceStatus warning (warning) or down (critical), or one of the error bits in `errors` (critical)',
    defaults: { enabled: true, options: { errors: DEFAULT_CRITICAL_ERRORS } },
    optionKeys: {
      errors: (v) => {
        if (!Array.isArray(v)) return 'must be a list of error names';
        const bad = v.filter((x) => typeof x !== 'string' || !ERROR_NAMES.includes(x));
        return bad.length ? `unknown error name(s) ${bad.join(', ')}; known: ${ERROR_NAMES.join(', ')}` : null;
      },
    },
    check: (m, settings) => {
      const watched = new Set((settings.options.errors as string[]) ?? DEFAULT_CRITICAL_ERRORS);
      const bits = (m.errors ?? []).filter((e) => watched.has(e));
      const msgs: string[] = [];
      let state: 'ok' | 'warning' | 'critical' = 'ok';
      if (m.deviceStatus === 'down') {
        state = 'critical';
        msgs.push('device status down');
      }
      if (bits.length) {
        state = 'critical';
        msgs.push(`errors: ${bits.join(', ')}`);
      }
      if (m.deviceStatus === 'warning') {
        if (state === 'ok') state = 'warning';
        msgs.push('device status warning');
      }
      return { state, message: msgs.length ? msgs.join('; ') : null };
    },
  },
];

/** hrPrinterDetectedErrorState bits in order: bit 0 is the top bit of the first octet (RFC 3805 / RFC 2790). */
export const ERROR_NAMES = [
  'lowPaper',
  'noPaper',
  'lowToner',
  'noToner',
  'doorOpen',
  'jammed',
  'offline',
  'serviceRequested',
  'inputTrayMissing',
  'outputTrayMissing',
  'markerSupplyMissing',
  'outputNearFull',
  'outputFull',
  'inputTrayEmpty',
  'overduePreventMaint',
];

/** The printer kind's full rule list, `reachable` first: an unreachable printer becomes unknown. */
export const PRINTER_RULES = kindRules('printer', 'unknown', [...printerRules, queueRule]);

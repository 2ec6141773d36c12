// Printer rules, defaults from the old system: toner below 20 %, printer status abnormal; and for the
// rest of a printer shop's supplies: parts (drum, fuser, transfer unit, kits) below 10 %, waste
// toner over 90 % full. PURE.
import type { PrinterMetrics } from './metrics.js';
import { kindRules, type RuleDef } from '../../core/rule.js';
import { queueRule } from './queue-rule.js';
import { tonerForecastRule } from './forecast-rule.js';
import { hasFigure, percentFull, supplyLabel, supplyRole } from './supplies.js';
import { statusReasons } from './reasons.js';

export { isTonerOrInk, supplyLabel } from './supplies.js';

export const DEFAULT_CRITICAL_ERRORS = ['noToner', 'noPaper', 'jammed', 'doorOpen', 'offline', 'serviceRequested'];

export const printerRules: RuleDef<PrinterMetrics>[] = [
  {
    name: 'toner-low',
    kind: 'printer',
    description: 'a toner or ink supply below the threshold (percent remaining)',
    defaults: { enabled: true, critical: { op: 'below', value: 20 }, warning: null },
    measure: (m) =>
      (m.supplies ?? [])
        // level −3 ("some remaining") is no figure, never a reason to alert; −2, −1 have none
        .filter((s) => supplyRole(s) === 'toner' && hasFigure(s))
        .map((s) => ({ label: supplyLabel(s), value: s.percent, unit: '%' })),
  },
  {
    name: 'printer-status',
    kind: 'printer',
    description: 'hrDeviceStatus warning (warning) or down (critical), or one of the error bits in `errors` (critical); the message names the printer\'s own alerts',
    defaults: { enabled: true, options: { errors: DEFAULT_CRITICAL_ERRORS } },
    optionKeys: {
      errors: (v) => {
        if (!Array.isArray(v)) return 'must be a list of error names';
        const bad = v.filter((x) => typeof x !== 'string' || !ERROR_NAMES.includes(x));
        return bad.length ? `unknown error name(s) ${bad.join(', ')}; known: ${ERROR_NAMES.join(', ')}` : null;
      },
    },
    // The state comes from hrDeviceStatus and the error bits only; the printer's alerts (or, without
    // any, its console text) say why, after the device status, else after the error bits:
    //   "device status warning: Toner low (marker supplies), Tray 2 empty (input)"
    //   "device status down: Paper jam (media path); errors: jammed"
    //   "errors: noPaper; printer says: Tray 2 empty (input)"
    check: (m, settings) => {
      const watched = new Set((settings.options.errors as string[]) ?? DEFAULT_CRITICAL_ERRORS);
      const bits = (m.errors ?? []).filter((e) => watched.has(e));
      let state: 'ok' | 'warning' | 'critical' = 'ok';
      let status: string | null = null;
      if (m.deviceStatus === 'down') {
        state = 'critical';
        status = 'device status down';
      } else if (m.deviceStatus === 'warning') {
        state = 'warning';
        status = 'device status warning';
      }
      if (bits.length) state = 'critical';
      if (state === 'ok') return { state, message: null };
      const why = statusReasons(m).join(', ');
      const msgs: string[] = [];
      if (status) msgs.push(why ? `${status}: ${why}` : status);
      if (bits.length) msgs.push(`errors: ${bits.join(', ')}`);
      if (!status && why) msgs.push(`printer says: ${why}`);
      return { state, message: msgs.join('; ') };
    },
  },
  {
    name: 'supply-low',
    kind: 'printer',
    description: 'a consumed supply that is not toner or ink (drum, fuser, transfer unit, kits) below the threshold (percent remaining)',
    defaults: { enabled: true, warning: { op: 'below', value: 10 }, critical: null },
    measure: (m) =>
      (m.supplies ?? [])
        .filter((s) => supplyRole(s) === 'part' && hasFigure(s))
        .map((s) => ({ label: supplyLabel(s), value: s.percent, unit: '%' })),
  },
  {
    name: 'waste-full',
    kind: 'printer',
    description: 'a receptacle (waste toner, waste ink) fuller than the threshold (percent full = 100 − percent remaining)',
    defaults: { enabled: true, warning: { op: 'above', value: 90 }, critical: { op: 'above', value: 95 } },
    measure: (m) =>
      (m.supplies ?? [])
        .filter((s) => supplyRole(s) === 'receptacle' && hasFigure(s))
        // "waste toner box 93% full > 90% full"
        .map((s) => ({ label: supplyLabel(s), value: percentFull(s), unit: '% full' })),
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
export const PRINTER_RULES = kindRules('printer', 'unknown', [...printerRules, tonerForecastRule, queueRule]);

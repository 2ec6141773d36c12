// The numbers a printer exposes: each supply's level and the page count. PURE.
//
// Every supply is one `supply_percent`, percent remaining — for a receptacle (waste toner) the space
// remaining, as the Printer-MIB gives it. Each carries the thresholds of the rule that watches it on
// that same scale: toner-low for toner and ink, supply-low for parts (drum, fuser, kits), and
// waste-full, whose levels are in percent full, turned into percent remaining (above 90 % full =
// below 10 % remaining).
import type { DeviceRules } from '../../core/evaluate.js';
import type { Level } from '../../core/types.js';
import { levelsOf, numberKey, uniqueKeys, type DeviceNumber } from '../../core/numbers.js';
import type { PrinterMetrics } from './metrics.js';
import { hasFigure, supplyLabel, supplyRole, type SupplyRole } from './supplies.js';

const RULE_OF: Record<SupplyRole, string> = { toner: 'toner-low', part: 'supply-low', receptacle: 'waste-full' };

/** A level in percent full as the same level in percent remaining. */
function remainingLevel(l: Level | null | undefined): Level | null {
  if (!l) return null;
  return { op: l.op === 'above' ? 'below' : 'above', value: 100 - l.value };
}

export function printerNumbers(metrics: Partial<PrinterMetrics>, rules: DeviceRules): DeviceNumber[] {
  const out: DeviceNumber[] = [];
  for (const s of metrics.supplies ?? []) {
    const label = supplyLabel(s);
    const role = supplyRole(s);
    const levels = levelsOf(rules[RULE_OF[role]]);
    // level −3 ("some remaining") is an estimate, −1/−2 have no figure: the number is there, its value unknown
    const value = hasFigure(s) ? s.percent : null;
    out.push({
      name: 'supply_percent',
      labels: { supply: label },
      key: numberKey(label),
      title: role === 'receptacle' ? `${label} (space left)` : label,
      value,
      unit: '%',
      min: 0,
      max: 100,
      ...(role === 'receptacle' ? { warning: remainingLevel(levels.warning), critical: remainingLevel(levels.critical) } : levels),
      ...(role === 'toner' ? { forecast: true } : {}),
    });
  }
  if (metrics.pageCount !== null && metrics.pageCount !== undefined) {
    out.push({ name: 'page_count', key: 'pages', title: 'pages printed', value: metrics.pageCount, unit: 'c', min: 0 });
  }
  const q = metrics.queue;
  if (q && !q.error) {
    out.push({ name: 'queue_jobs', key: 'queue_jobs', title: 'jobs in the queue', value: q.jobs, unit: '', min: 0 });
    out.push({ name: 'queue_oldest_job_age_seconds', key: 'queue_oldest', title: 'oldest job', value: q.oldestJobAgeSeconds, unit: 's', min: 0 });
  }
  return uniqueKeys(out);
}

// The numbers a printer exposes: each supply's level and the page count. PURE.
import type { DeviceRules } from '../../core/evaluate.js';
import { levelsOf, numberKey, uniqueKeys, type DeviceNumber } from '../../core/numbers.js';
import type { PrinterMetrics } from './metrics.js';
import { isTonerOrInk, supplyLabel } from './rules.js';

export function printerNumbers(metrics: Partial<PrinterMetrics>, rules: DeviceRules): DeviceNumber[] {
  const out: DeviceNumber[] = [];
  for (const s of metrics.supplies ?? []) {
    const label = supplyLabel(s);
    // level −3 ("some remaining") is an estimate, −1/−2 have no figure: the number is there, its value unknown
    const value = s.level === -3 ? null : s.percent;
    out.push({
      name: 'supply_percent',
      labels: { supply: label },
      key: numberKey(label),
      title: label,
      value,
      unit: '%',
      min: 0,
      max: 100,
      ...(isTonerOrInk(s) ? { ...levelsOf(rules['toner-low']), forecast: true } : {}),
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

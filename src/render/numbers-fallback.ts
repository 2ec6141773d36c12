// TEMPORARY — to be deleted when the sources declare their own numbers (src/sources/<name>/, the
// `numbersOf(view)` the lead is building). Until then, `check`, `export` and the HTML page get their
// numbers here, derived from today's metric shapes (src/core/metrics.ts, src/core/vsphere-metrics.ts).
// This is the one place outside a source that names kinds, and it must not grow: move each block into
// its source and delete the file. PURE.
import type { DeviceNumber } from '../core/numbers.js';
import type { RuleSettings } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import type { PrinterMetrics } from '../core/metrics.js';
import type { DatastoreMetrics, HostMetrics, VcenterMetrics, VmMetrics } from '../core/vsphere-metrics.js';
import { isTonerOrInk, supplyLabel } from '../core/rules/printer.js';

/** The rule settings in force for a device (from config), so that numbers carry their thresholds. */
export type RulesOf = (d: { id: string; kind: DeviceView['kind'] }) => Record<string, RuleSettings>;

function snake(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** Keys must be unique on a device: a second `black_toner` becomes `black_toner_2`. */
function uniqueKeys(numbers: DeviceNumber[]): DeviceNumber[] {
  const seen = new Set<string>();
  for (const n of numbers) {
    let k = n.key;
    for (let i = 2; seen.has(k); i++) k = `${n.key}_${i}`;
    seen.add(k);
    n.key = k;
  }
  return numbers;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function levels(rules: Record<string, RuleSettings> | undefined, rule: string): Pick<DeviceNumber, 'warning' | 'critical'> {
  const r = rules?.[rule];
  if (!r || !r.enabled) return { warning: null, critical: null };
  return { warning: r.warning, critical: r.critical };
}

const pct = (name: string, key: string, title: string, value: unknown, lv: Pick<DeviceNumber, 'warning' | 'critical'> = {}, labels?: Record<string, string>): DeviceNumber => ({
  name, key, title, value: num(value), unit: '%', min: 0, max: 100, ...lv, ...(labels ? { labels } : {}),
});

/** A `numbersOf` for today's kinds. `rulesOf` gives the thresholds in force; without it numbers carry none. */
export function fallbackNumbersOf(rulesOf?: RulesOf): (v: DeviceView) => DeviceNumber[] {
  return (v) => {
    const rules = rulesOf?.({ id: v.id, kind: v.kind });
    const m = v.metrics ?? {};
    switch (v.kind) {
      case 'printer': {
        const p = m as unknown as PrinterMetrics;
        const toner = levels(rules, 'toner-low');
        const out: DeviceNumber[] = (p.supplies ?? []).map((s) => {
          const label = supplyLabel(s);
          // the rule watches toner and ink, and never level −3 ("some remaining", an estimate)
          const watched = isTonerOrInk(s) && s.level !== -3;
          return pct('supply_percent', snake(label) || `supply_${snake(s.index)}`, label, s.percent, watched ? toner : {}, { supply: label });
        });
        out.push({ name: 'page_count', key: 'pages', title: 'page count', value: num(p.pageCount), unit: 'c', min: 0 });
        return uniqueKeys(out);
      }
      case 'host': {
        const h = m as unknown as HostMetrics;
        const out: DeviceNumber[] = [
          pct('cpu_percent', 'cpu', 'CPU', h.cpuPercent, levels(rules, 'cpu')),
          pct('memory_percent', 'memory', 'memory', h.memPercent, levels(rules, 'memory')),
        ];
        (h.gpus ?? []).forEach((g, i) => {
          const labels = { gpu: g.name };
          out.push(pct('gpu_utilization_percent', `gpu${i}_utilization`, `${g.name} utilization`, g.utilizationPercent, {}, labels));
          out.push(pct('gpu_memory_used_percent', `gpu${i}_memory`, `${g.name} memory used`, g.memUsedPercent, {}, labels));
          out.push({ name: 'gpu_temperature', key: `gpu${i}_temperature`, title: `${g.name} temperature`, value: num(g.temperatureC), unit: 'C', labels });
        });
        if (num(h.uptimeSeconds) !== null) out.push({ name: 'uptime', key: 'uptime', title: 'uptime', value: num(h.uptimeSeconds), unit: 's', min: 0 });
        return uniqueKeys(out);
      }
      case 'vm': {
        const x = m as unknown as VmMetrics;
        const out: DeviceNumber[] = [pct('cpu_percent', 'cpu', 'CPU', x.cpuPercent, levels(rules, 'cpu')), pct('memory_percent', 'memory', 'memory', x.memPercent, levels(rules, 'memory'))];
        const free = levels(rules, 'disk-free');
        for (const d of x.disks ?? []) {
          const k = `disk_${snake(d.path) || 'root'}`;
          out.push(pct('disk_free_percent', k, `disk ${d.path} free`, d.freePercent, free, { disk: d.path }));
          out.push({ name: 'disk_free', key: `${k}_free_bytes`, title: `disk ${d.path} free`, value: num(d.freeBytes), unit: 'B', min: 0, max: num(d.capacityBytes), labels: { disk: d.path } });
        }
        return uniqueKeys(out);
      }
      case 'datastore': {
        const d = m as unknown as DatastoreMetrics;
        return [
          pct('free_percent', 'free', 'free', d.freePercent, levels(rules, 'free')),
          { name: 'free', key: 'free_bytes', title: 'free', value: num(d.freeBytes), unit: 'B', min: 0, max: num(d.capacityBytes) },
        ];
      }
      case 'vcenter': {
        const c = m as unknown as VcenterMetrics;
        const ms = num(c.latencyMs);
        return ms === null ? [] : [{ name: 'latency', key: 'latency', title: 'latency', value: ms / 1000, unit: 's', min: 0 }];
      }
      default:
        return [];
    }
  };
}

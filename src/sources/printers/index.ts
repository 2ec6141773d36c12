// The printer source: network printers over SNMP (Printer-MIB, RFC 3805). Everything about the
// `printer` kind is in this folder; net-snmp is loaded only when collect() runs.
import type { Source } from '../types.js';
import type { PrinterConfig } from './config.js';
import { printersSection } from './config.js';
import { PRINTER_RULES } from './rules.js';
import { printerColumns } from './columns.js';
import { printerNumbers } from './numbers.js';
import type { PrinterMetrics, PrinterQueueMetrics } from './metrics.js';
import type { QueueReading } from './queue-collect.js';

export const PRINTER_KIND = 'printer';

/**
 * Poll order: printers that did not answer last time go first. A dead printer holds a concurrency slot
 * for timeout × (retries + 1) whatever its place; started first, that wait overlaps the live printers'
 * polls instead of being added after them.
 */
export function pollOrder(printers: PrinterConfig[], lastUnreachable: unknown): PrinterConfig[] {
  const dead = new Set(Array.isArray(lastUnreachable) ? lastUnreachable : []);
  if (!dead.size) return printers;
  return [...printers.filter((p) => dead.has(p.id)), ...printers.filter((p) => !dead.has(p.id))];
}

export const printerSource: Source = {
  name: 'printers',
  kinds: [
    {
      kind: PRINTER_KIND,
      title: 'Printers',
      words: ['printers', 'printer'],
      rules: PRINTER_RULES,
      columns: printerColumns,
      numbers: (v, rules) => printerNumbers(v.metrics as Partial<PrinterMetrics>, rules),
    },
  ],
  section: {
    key: 'printers',
    empty: () => [],
    parse: (ctx, node, path, config) => printersSection(ctx, node, path, config.defaults),
  },
  configured: (config) => config.printers.map((p) => ({ id: p.id, kind: PRINTER_KIND, name: p.name, target: `${p.address}:${p.port}` })),
  owns: () => false,
  thresholdsFor: (config, id) => config.printers.find((p) => p.id === id)?.thresholds,
  async collect(ctx) {
    if (!ctx.config.printers.length) return { readings: [] };
    const [{ collectPrinters }, { collectQueues }] = await Promise.all([import('./collect.js'), import('./queue-collect.js')]);
    const ordered = pollOrder(ctx.config.printers, ctx.memory.unreachable);
    // job queues (IPP) are read alongside SNMP, not after it
    const [readings, queues] = await Promise.all([
      collectPrinters(ordered, { concurrency: ctx.config.defaults.concurrency, log: ctx.log, onDone: (done, total) => ctx.progress?.(done, total, 'printers') }),
      collectQueues(ctx.config.printers, (ctx.memory.queues ??= {}) as Record<string, object>, ctx.now, ctx.log),
    ]);
    for (const r of readings) {
      const q = queues.get(r.id);
      if (q && r.reachable) r.metrics.queue = queueMetrics(q);
    }
    ctx.memory.unreachable = readings.filter((r) => !r.reachable).map((r) => r.id);
    // readings in config order, whatever order they were polled in
    const byId = new Map(readings.map((r) => [r.id, r]));
    return { readings: ctx.config.printers.map((p) => byId.get(p.id)!).filter(Boolean) };
  },
};

/** What status and JSON keep of a queue reading. */
function queueMetrics(q: QueueReading): PrinterQueueMetrics {
  if (!q.ok) return { jobs: null, held: null, oldestJobAgeSeconds: null, jobsByHost: {}, stuck: false, hidden: false, pagesByHost: null, error: q.error };
  const m = q.metrics;
  return { jobs: m.jobs, held: m.held, oldestJobAgeSeconds: m.oldestJobAgeSeconds, jobsByHost: m.jobsByHost, stuck: m.stuck, hidden: m.hidden, pagesByHost: m.pagesByHost, error: null };
}

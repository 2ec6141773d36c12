// The printer source as a Collector. Light: net-snmp is loaded only when collect() runs.
import type { Collector, DeviceThresholds } from '../types.js';
import type { Reading } from '../../core/types.js';
import type { PrinterConfig } from '../../config/types.js';

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

export const printerCollector: Collector & DeviceThresholds = {
  name: 'printers',
  targets: ['printers'],
  configured: (config) => config.printers.map((p) => ({ id: p.id, kind: 'printer', name: p.name, target: `${p.address}:${p.port}` })),
  owns: () => false,
  thresholdsFor: (config, id) => config.printers.find((p) => p.id === id)?.thresholds,
  async collect(ctx) {
    if (!ctx.config.printers.length) return { readings: [] };
    const { collectPrinters } = await import('./collect.js');
    const ordered = pollOrder(ctx.config.printers, ctx.memory.unreachable);
    const readings: Reading[] = await collectPrinters(ordered, { concurrency: ctx.config.defaults.concurrency, log: ctx.log });
    ctx.memory.unreachable = readings.filter((r) => !r.reachable).map((r) => r.id);
    // readings in config order, whatever order they were polled in
    const byId = new Map(readings.map((r) => [r.id, r]));
    return { readings: ctx.config.printers.map((p) => byId.get(p.id)!).filter(Boolean) };
  },
};

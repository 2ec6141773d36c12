// The printer source as a Collector. Light: net-snmp is loaded only when collect() runs.
import type { Collector, DeviceThresholds } from '../../poll/collector.js';
import type { Reading } from '../../core/types.js';

export const printerCollector: Collector & DeviceThresholds = {
  name: 'printers',
  targets: ['printers'],
  configured: (config) => config.printers.map((p) => ({ id: p.id, kind: 'printer', name: p.name, target: `${p.address}:${p.port}` })),
  owns: () => false,
  thresholdsFor: (config, id) => config.printers.find((p) => p.id === id)?.thresholds,
  async collect(ctx) {
    if (!ctx.config.printers.length) return { readings: [] };
    const { collectPrinters } = await import('./collect-printers.js');
    const readings: Reading[] = await collectPrinters(ctx.config.printers, { concurrency: ctx.config.defaults.concurrency, log: ctx.log });
    return { readings };
  },
};

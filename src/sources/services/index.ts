// The services source: websites and network services checked over HTTP(S), TCP, ping and DNS, each a
// device `service/<name>`. Everything about the `service` kind is in this folder; the protocol modules
// load only when collect() runs.
import type { Source } from '../types.js';
import type { ServiceConfig } from './config.js';
import { servicesSection } from './config.js';
import { SERVICE_KIND, SERVICE_RULES } from './rules.js';
import { serviceColumns } from './columns.js';
import { serviceNumbers } from './numbers.js';
import type { ServiceMetrics } from './metrics.js';

/**
 * Check order: services that failed last poll go first. A hanging service holds a concurrency slot for
 * its whole timeout; started first, that wait overlaps the others' checks instead of coming after them.
 */
export function checkOrder(services: ServiceConfig[], lastFailed: unknown): ServiceConfig[] {
  const failed = new Set(Array.isArray(lastFailed) ? lastFailed : []);
  if (!failed.size) return services;
  return [...services.filter((s) => failed.has(s.id)), ...services.filter((s) => !failed.has(s.id))];
}

export const serviceSource: Source = {
  name: 'services',
  kinds: [
    {
      kind: SERVICE_KIND,
      title: 'Services',
      words: ['services', 'service'],
      rules: SERVICE_RULES,
      columns: serviceColumns,
      numbers: (v, rules) => serviceNumbers(v.metrics as Partial<ServiceMetrics>, rules),
    },
  ],
  section: {
    key: 'services',
    empty: () => [],
    parse: (ctx, node, path, config) => servicesSection(ctx, node, path, config.defaults),
  },
  configured: (config) => config.services.map((s) => ({ id: s.id, kind: SERVICE_KIND, name: s.name, target: s.target })),
  owns: () => false,
  thresholdsFor: (config, id) => config.services.find((s) => s.id === id)?.thresholds,
  async collect(ctx) {
    if (!ctx.config.services.length) return { readings: [] };
    const { collectServices } = await import('./collect.js');
    const ordered = checkOrder(ctx.config.services, ctx.memory.failed);
    const readings = await collectServices(ordered, { concurrency: ctx.config.defaults.concurrency, log: ctx.log, now: () => Date.now() });
    ctx.memory.failed = readings.filter((r) => !r.reachable || (r.metrics as Partial<ServiceMetrics>).up === false).map((r) => r.id);
    // readings in config order, whatever order they ran in
    const byId = new Map(readings.map((r) => [r.id, r]));
    return { readings: ctx.config.services.map((s) => byId.get(s.id)!).filter(Boolean) };
  },
};

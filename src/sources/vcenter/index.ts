// The vCenter source: a vCenter and the ESXi hosts, VMs and datastores it reports, over the vSphere
// SOAP API. Everything about these four kinds is in this folder; the SOAP session code is loaded only
// when collect() runs (collect.ts is imported lazily).
import type { Config } from '../../config/types.js';
import type { Reading } from '../../core/types.js';
import type { RuleInput } from '../../core/rule.js';
import type { CollectContext, CollectResult, ConfiguredDevice, Source } from '../types.js';
import type { VcenterMemory } from '../../protocols/soap/session.js';
import { vcentersSection } from './config.js';
import { VSPHERE_RULES } from './rules.js';
import { datastoreColumns, hostColumns, vcenterColumns, vmColumns } from './columns.js';
import { datastoreNumbers, hostNumbers, vcenterNumbers, vmNumbers } from './numbers.js';

/** The inventory kinds and the word collectVcenter() takes for each. */
const TARGET_OF_KIND: Record<string, string> = { host: 'hosts', vm: 'vms', datastore: 'datastores' };

const metrics = (v: { metrics: Record<string, unknown> }) => v.metrics;

export const vcenterSource: Source = {
  name: 'vcenter',
  kinds: [
    { kind: 'vcenter', title: 'vCenters', words: ['vcenters', 'vcenter'], rules: VSPHERE_RULES.vcenter, columns: vcenterColumns, numbers: (v) => vcenterNumbers(metrics(v)) },
    { kind: 'host', title: 'Hosts', words: ['hosts', 'host'], rules: VSPHERE_RULES.host, columns: hostColumns, numbers: (v, r) => hostNumbers(metrics(v), r) },
    { kind: 'vm', title: 'VMs', words: ['vms', 'vm'], rules: VSPHERE_RULES.vm, columns: vmColumns, numbers: (v, r) => vmNumbers(metrics(v), r) },
    { kind: 'datastore', title: 'Datastores', words: ['datastores', 'datastore'], rules: VSPHERE_RULES.datastore, columns: datastoreColumns, numbers: (v, r) => datastoreNumbers(metrics(v), r) },
  ],
  section: {
    key: 'vcenters',
    empty: () => [],
    parse: (ctx, node, path, config) => vcentersSection(ctx, node, path, config.defaults),
  },
  configured(config: Config): ConfiguredDevice[] {
    return config.vcenters.map((v) => ({ id: v.id, kind: 'vcenter', name: v.name, target: new URL(v.url).host }));
  },
  /** A vCenter's own `thresholds:` (by kind) for its vcenter, host, VM and datastore devices. */
  thresholdsFor(config: Config, id: string): Record<string, RuleInput> | undefined {
    const m = /^(vcenter|host|vm|datastore)\/([^/]+)/.exec(id);
    if (!m) return undefined;
    const vc = config.vcenters.find((v) => v.name === m[2]);
    return vc?.thresholds[m[1]];
  },
  owns(config: Config, id: string): boolean {
    const m = /^(host|vm|datastore)\/([^/]+)\//.exec(id);
    return Boolean(m && config.vcenters.some((v) => v.name === m[2]));
  },
  async collect(ctx: CollectContext, kinds): Promise<CollectResult> {
    const vcs = ctx.config.vcenters;
    // forget what is kept for vCenters no longer configured
    const all = (ctx.memory.vcenters ??= {}) as Record<string, VcenterMemory>;
    for (const name of Object.keys(all)) if (!vcs.some((v) => v.name === name)) delete all[name];
    if (!vcs.length) return { readings: [] };
    const { collectVcenter, vcMemory } = await import('./collect.js');
    const { vcenterReading } = await import('./map.js');
    // asking for the vCenter alone (`poll vcenters`) reads its whole inventory
    const asked = [...kinds].filter((k) => TARGET_OF_KIND[k]);
    const targets = new Set((asked.length ? asked : Object.keys(TARGET_OF_KIND)).map((k) => TARGET_OF_KIND[k]));
    const results = await Promise.allSettled(
      vcs.map(async (vc) => {
        // inventory pages as they come (the total is not known until the last one)
        const onPage = (n: number) => ctx.progress?.(n, null, `vCenter ${vc.name}`, n === 1 ? 'page' : 'pages');
        const r = await collectVcenter(vc, vcMemory(ctx.memory, vc.name), targets, { log: ctx.log, now: () => ctx.now.getTime(), onPage });
        ctx.log(`[vcenter ${vc.name}] ${r.readings.length - 1} devices in ${r.stats.ms} ms, ${r.stats.roundTrips} round trips, ${r.stats.pages} page(s)`);
        return r;
      }),
    );
    const readings: Reading[] = [];
    const removed: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        readings.push(...r.value.readings);
        removed.push(...(r.value.removed ?? []));
      } else {
        // collectVcenter does not throw; this is a bug, still shown as the vCenter's problem
        readings.push(vcenterReading(vcs[i].name, vcs[i].url, { reachable: false, version: null, latencyMs: null }, `internal error: ${(r.reason as Error)?.message ?? r.reason}`));
      }
    });
    return { readings, removed };
  },
};

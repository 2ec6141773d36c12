// The vCenter collector: per configured vCenter, one session, one inventory read, one QueryPerf, and
// Logout in a `finally`. vCenters are polled in parallel; one failing vCenter never affects another.
//
// What a poll returns per vCenter:
//   | outcome                       | vcenter/<vc>          | hosts / VMs / datastores                                  |
//   |-------------------------------|-----------------------|-----------------------------------------------------------|
//   | inventory read                | reachable, version    | one reading each; VMs of a host that is down: blockedBy   |
//   |                               |                       | host/<vc>/<host>; known before but gone now: `removed`    |
//   | unreachable, login failed,    | unreachable + reason  | every device known from the last good poll (memory):      |
//   | fault, timeout, bad answer    |                       | reachable false, blockedBy vcenter/<vc> (stays unknown)   |
import type { VcenterConfig } from './config.js';
import type { DeviceKind, Reading } from '../../core/types.js';
import type { CollectResult } from '../types.js';
import { readInventory } from './inventory.js';
import { blockedReadings, goneDevices, mapObjects, vcenterReading, type HostObject } from './map.js';
import { queryHostPerf } from './perf.js';
import { VimSession, type Mor, type SessionOptions, type VcenterMemory } from '../../protocols/soap/session.js';

export const VCENTER_TARGETS = ['hosts', 'vms', 'datastores'] as const;

export interface VcenterPollStats {
  roundTrips: number;
  pages: number;
  ms: number;
  objects: number;
}

export interface VcenterPollResult extends CollectResult {
  stats: VcenterPollStats;
}

const KIND_OF_TARGET: Record<string, string> = { hosts: 'host', vms: 'vm', datastores: 'datastore' };

/** Poll one vCenter. Never throws: a failure becomes the vcenter device's reading. */
export async function collectVcenter(
  vc: VcenterConfig,
  memory: VcenterMemory,
  targets: Set<string>,
  opts: SessionOptions & { onPage?: (pages: number) => void } = {},
): Promise<VcenterPollResult> {
  const t0 = performance.now();
  const target = new URL(vc.url).host;
  const kinds = { hosts: targets.has('hosts'), vms: targets.has('vms'), datastores: targets.has('datastores') };
  const polledKinds = new Set(Object.entries(KIND_OF_TARGET).filter(([t]) => targets.has(t)).map(([, k]) => k));
  const session = new VimSession(vc, memory, opts);
  let pages = 0;
  let objects = 0;
  let result: VcenterPollResult;
  try {
    await session.open();
    const inv = await session.withSession(() => readInventory(session, { ...kinds, counters: kinds.hosts }, vc.name, opts.onPage));
    pages = inv.pages;
    objects = inv.objects.length;
    let perf = { samples: new Map(), note: null as string | null, gpuNote: null as string | null };
    if (kinds.hosts) {
      const up: Mor[] = inv.objects.filter((o): o is HostObject => o.type === 'HostSystem' && !o.down).map((o) => ({ attributes: { type: 'HostSystem' }, $value: o.moref }));
      perf = await session.withSession(() => queryHostPerf(session, up, inv.counters));
      if (perf.note) opts.log?.(`[vcenter ${vc.name}] ${perf.note}`);
    }
    // nothing more to ask: Logout goes out now and is awaited in the finally, after the mapping
    void session.close();
    // the readings hold no slice of a page's text (scan.ts copies what it keeps): no copy needed here
    const assigned: Record<string, string> = {};
    const readings: Reading[] = mapObjects(inv.objects, { vcenter: vc.name, kinds, perf: perf.samples, perfNote: perf.note, gpuNote: perf.gpuNote, ids: memory.ids, assigned }, target);
    // objects of kinds not read now keep their ids for the next poll that reads them
    memory.ids = { ...Object.fromEntries(Object.entries(memory.ids ?? {}).filter(([, id]) => !polledKinds.has(id.split('/')[0]))), ...assigned };
    const seen = new Set(readings.map((r) => r.id));
    // devices of the kinds polled now that were there last time and are gone: dropped, not alerted
    const before = memory.devices ?? [];
    const { removed, withheld } = goneDevices(before, seen, polledKinds);
    if (withheld.length) opts.log?.(`[vcenter ${vc.name}] ${withheld.length} devices missing from the inventory at once (lost permissions?): kept, not removed`);
    memory.devices = [...before.filter((id) => !polledKinds.has(id.split('/')[0])), ...withheld, ...readings.map((r) => r.id)].sort();
    const vcMetrics = { reachable: true, version: session.content.version, latencyMs: session.latencyMs };
    result = { readings: [vcenterReading(vc.name, target, vcMetrics, null), ...readings], removed, stats: { roundTrips: 0, pages, ms: 0, objects } };
  } catch (e) {
    const why = (e as Error).message;
    opts.log?.(`[vcenter ${vc.name}] ${why}`);
    const known = (memory.devices ?? []).filter((id) => polledKinds.has(id.split('/')[0]));
    result = {
      readings: [
        vcenterReading(vc.name, target, { reachable: false, version: memory.content?.version ?? null, latencyMs: null }, why),
        ...blockedReadings(known, vc.name, target, `vCenter ${vc.name} unreachable: ${why}`),
      ],
      removed: [],
      stats: { roundTrips: 0, pages, ms: 0, objects },
    };
  } finally {
    await session.close();
  }
  result.stats.roundTrips = session.roundTrips;
  result.stats.ms = Math.round(performance.now() - t0);
  return result;
}

export function vcMemory(memory: Record<string, unknown>, name: string): VcenterMemory {
  const all = (memory.vcenters ??= {}) as Record<string, VcenterMemory>;
  return (all[name] ??= {});
}


// Network and GPU figures of all hosts in ONE QueryPerf call per poll. Counter ids come from the
// catalogue read with the inventory (they differ between servers); hosts that are down are left out.
import { PERF_COUNTERS, perfSamples, type PerfSamples } from './map.js';
import type { VimSession } from '../../protocols/soap/session.js';
import { el, morEl, type Mor } from '../../protocols/soap/envelope.js';

export interface HostPerf {
  samples: PerfSamples;
  /** Why no host has figures (QueryPerf failed, counters unknown), else null. */
  note: string | null;
  /** Why no host has GPU figures (counters missing from the catalogue), else null. */
  gpuNote: string | null;
}

export async function queryHostPerf(s: VimSession, hosts: Mor[], counters: Map<string, number>): Promise<HostPerf> {
  const metricId: Array<{ counterId: number; instance: string }> = [];
  for (const [name, instance] of Object.entries(PERF_COUNTERS)) {
    const id = counters.get(name);
    if (id !== undefined) metricId.push({ counterId: id, instance }); // schema order: counterId, instance
  }
  const gpuNote = [...counters.keys()].some((k) => k.startsWith('gpu.')) ? null : 'this vCenter has no gpu.* performance counters';
  if (!metricId.length) return { samples: new Map(), note: 'this vCenter has no net.* or gpu.* performance counters', gpuNote };
  if (!hosts.length) return { samples: new Map(), note: null, gpuNote };
  try {
    // schema order: entity, startTime, endTime, maxSample, metricId (counterId, instance), intervalId, format
    const metrics = metricId.map((m) => `<metricId>${el('counterId', m.counterId)}${el('instance', m.instance)}</metricId>`).join('');
    const specs = hosts.map((entity) => `<querySpec>${morEl('entity', entity)}${el('maxSample', 1)}${metrics}${el('intervalId', 20)}</querySpec>`).join('');
    const returnval = await s.call('QueryPerf', s.content.perfManager, specs);
    return { samples: perfSamples(returnval, counters), note: null, gpuNote };
  } catch (e) {
    // an expired session is retried by the caller; a spent deadline ends the whole vCenter poll
    if ((e as { faultType?: string }).faultType === 'NotAuthenticated' || s.expired) throw e;
    return { samples: new Map(), note: `performance query failed: ${(e as Error).message}`, gpuNote };
  }
}

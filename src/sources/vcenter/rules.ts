// vCenter, host, VM and datastore rules (issue: vCenter). Defaults from the old system: host powered
// off / standby / not connected, host CPU > 80 %, host memory > 90 %, VM CPU > 80 %, any guest disk
// < 10 % free, datastore < 10 % free — all critical. vCenter reachability is the generic `reachable`
// rule (critical for kind vcenter). PURE.
import type { DatastoreMetrics, HostMetrics, VmMetrics } from './metrics.js';
import { kindRules, type Observation, type RuleDef } from '../../core/rule.js';
import type { RuleSeverity } from '../../core/types.js';

/** Health colours as severities: red is critical, yellow a warning; gray/unknown say nothing. */
function colour(c: string | null | undefined): RuleSeverity {
  if (c === 'red') return 'critical';
  if (c === 'yellow') return 'warning';
  return 'ok';
}

function rankOf(c: string | null | undefined): number {
  return c === 'red' ? 2 : c === 'yellow' ? 1 : 0;
}

const hostRules: RuleDef<HostMetrics>[] = [
  {
    name: 'power',
    kind: 'host',
    description: 'the host is powered off, in standby or not connected to vCenter (its VMs are then shown as blocked by it)',
    defaults: { enabled: true },
    check: (m): Observation => {
      const why: string[] = [];
      if (m.powerState && m.powerState !== 'poweredOn') why.push(m.powerState === 'standBy' ? 'in standby' : m.powerState === 'poweredOff' ? 'powered off' : `power state ${m.powerState}`);
      if (m.connectionState && m.connectionState !== 'connected') why.push(m.connectionState === 'notResponding' ? 'not responding' : m.connectionState);
      return why.length ? { state: 'critical', message: `host ${why.join(', ')}` } : { state: 'ok', message: null };
    },
  },
  {
    name: 'cpu',
    kind: 'host',
    description: 'host CPU usage in percent (summary.quickStats.overallCpuUsage of cpuMhz × cores)',
    defaults: { enabled: true, critical: { op: 'above', value: 80 }, warning: null },
    measure: (m) => [{ label: 'CPU', value: m.cpuPercent, unit: '%' }],
  },
  {
    name: 'memory',
    kind: 'host',
    description: 'host memory usage in percent (overallMemoryUsage of the physical memory)',
    defaults: { enabled: true, critical: { op: 'above', value: 90 }, warning: null },
    measure: (m) => [{ label: 'memory', value: m.memPercent, unit: '%' }],
  },
  {
    // Added beyond the old system: vCenter's own verdict and the hardware sensors. Red is critical,
    // yellow a warning — the colours vCenter itself shows.
    name: 'health',
    kind: 'host',
    description: 'overallStatus or hardware health (runtime.healthSystemRuntime) red (critical) or yellow (warning)',
    defaults: { enabled: true },
    check: (m): Observation => {
      const hw = m.health?.overall ?? null;
      const storage = m.health?.storage ?? null;
      // hardware health is the worst of all sensors, storage included: name it only when something
      // besides storage makes it worse, so that one degraded disk is not reported twice
      const parts: Array<[string, string | null]> = [
        ['overall status', m.overallStatus],
        ['hardware health', rankOf(hw) > rankOf(storage) ? hw : null],
        ['storage health', storage],
      ];
      let state: RuleSeverity = 'ok';
      const msgs: string[] = [];
      for (const [label, c] of parts) {
        const s = colour(c);
        if (s === 'ok') continue;
        if (s === 'critical' || state === 'ok') state = s;
        msgs.push(`${label} ${c}`);
      }
      return { state, message: msgs.length ? msgs.join('; ') : null };
    },
  },
];

const vmRules: RuleDef<VmMetrics>[] = [
  {
    name: 'cpu',
    kind: 'vm',
    description: 'VM CPU usage in percent (overallCpuUsage of runtime.maxCpuUsage)',
    defaults: { enabled: true, critical: { op: 'above', value: 80 }, warning: null },
    measure: (m) => [{ label: 'CPU', value: m.cpuPercent, unit: '%' }],
  },
  {
    name: 'disk-free',
    kind: 'vm',
    description: 'free space of any guest disk in percent (needs VMware Tools)',
    defaults: { enabled: true, critical: { op: 'below', value: 10 }, warning: null },
    measure: (m) => (m.disks ?? []).map((d) => ({ label: `disk ${d.path} free`, value: d.freePercent, unit: '%' })),
  },
  {
    // Off by default: the old system did not alert on guest memory, and ballooning makes it noisy.
    name: 'memory',
    kind: 'vm',
    description: 'guest memory usage in percent (guestMemoryUsage of the configured memory); off by default',
    defaults: { enabled: false, critical: { op: 'above', value: 90 }, warning: null },
    measure: (m) => [{ label: 'memory', value: m.memPercent, unit: '%' }],
  },
  {
    // Off by default: powered-off VMs are often intentional (templates, spares). Turn it on per VM.
    name: 'power',
    kind: 'vm',
    description: 'the VM is not powered on (warning); off by default, enable it for VMs that must run',
    defaults: { enabled: false },
    check: (m): Observation =>
      m.powerState && m.powerState !== 'poweredOn' ? { state: 'warning', message: `VM ${m.powerState === 'poweredOff' ? 'powered off' : m.powerState}` } : { state: 'ok', message: null },
  },
];

const datastoreRules: RuleDef<DatastoreMetrics>[] = [
  {
    name: 'free',
    kind: 'datastore',
    description: 'datastore free space in percent',
    defaults: { enabled: true, critical: { op: 'below', value: 10 }, warning: null },
    measure: (m) => [{ label: 'free', value: m.freePercent, unit: '%' }],
  },
  {
    // Added beyond the old system: an inaccessible datastore (lost storage path) is an outage.
    name: 'accessible',
    kind: 'datastore',
    description: 'the datastore is accessible from vCenter (summary.accessible)',
    defaults: { enabled: true },
    check: (m): Observation => (m.accessible === false ? { state: 'critical', message: 'datastore not accessible' } : { state: 'ok', message: null }),
  },
];

export const vsphereRules: RuleDef[] = [...hostRules, ...vmRules, ...datastoreRules];

/** Each kind's full rule list: an unreachable vCenter is itself the problem (critical); its devices become unknown. */
export const VSPHERE_RULES: Record<string, readonly RuleDef[]> = {
  vcenter: kindRules('vcenter', 'critical', []),
  host: kindRules('host', 'unknown', hostRules),
  vm: kindRules('vm', 'unknown', vmRules),
  datastore: kindRules('datastore', 'unknown', datastoreRules),
};

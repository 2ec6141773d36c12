// vCenter, host, VM and datastore rules (issue: vCenter). Defaults from the old system: host powered
// off / standby / not connected, host CPU > 80 %, host memory > 90 %, VM CPU > 80 %, any guest disk
// < 10 % free, datastore < 10 % free — all critical. vCenter reachability is the generic `reachable`
// rule (critical for kind vcenter). PURE.
import { gpuNames, type DatastoreMetrics, type HardwareElement, type HostMetrics, type VmMetrics } from './metrics.js';
import { kindRules, type Measurement, type Observation, type RuleDef } from '../../core/rule.js';
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

type Gpu = HostMetrics['gpus'][number];

function gpuMeasures(m: HostMetrics, what: string, value: (g: Gpu) => number | null, unit: string): Measurement[] {
  const gpus = m.gpus ?? [];
  const names = gpuNames(gpus);
  return gpus.map((g, i) => ({ label: `${names[i]} ${what}`, value: value(g), unit }));
}

/** "97°C", "7800 RPM", "12.1 V" */
export function formatReading(reading: number | null, unit: string | null): string | null {
  if (reading === null) return null;
  // two decimals at most: voltages need them (1.15 V), and 88.456 °C does not need three
  const n = String(Math.round(reading * 100) / 100);
  return unit ? (unit === '°C' || unit === '%' ? `${n}${unit}` : `${n} ${unit}`) : n;
}

const MAX_NAMED = 5;

/**
 * red → critical, yellow → warning; green and unknown say nothing (an absent PSU or an unread sensor
 * is "unknown" on most servers). Message: "Disk 3 on controller 0: red — Predictive failure; …",
 * red elements first, at most five named, then "and N more".
 */
export function hardwareObservation(elements: HardwareElement[]): Observation {
  const bad = elements.filter((e) => e.status === 'red' || e.status === 'yellow');
  if (!bad.length) return { state: 'ok', message: null };
  bad.sort((a, b) => rankOf(b.status) - rankOf(a.status));
  const named = bad.slice(0, MAX_NAMED).map((e) => {
    const detail = [e.summary, formatReading(e.reading, e.unit)].filter(Boolean).join(', ');
    return `${e.name}: ${e.status}${detail ? ` — ${detail}` : ''}`;
  });
  if (bad.length > MAX_NAMED) named.push(`and ${bad.length - MAX_NAMED} more`);
  return { state: bad.some((e) => e.status === 'red') ? 'critical' : 'warning', message: named.join('; ') };
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
    // Added beyond the old system: vCenter's own verdict. Red is critical, yellow a warning — the
    // colours vCenter itself shows. A hardware element of that colour or worse already explains it
    // (the `hardware` rule names it), so one failing disk is one problem, not two.
    name: 'health',
    kind: 'host',
    description: 'overallStatus red (critical) or yellow (warning), unless a hardware element (the hardware rule) explains it',
    defaults: { enabled: true },
    check: (m): Observation => {
      const s = colour(m.overallStatus);
      if (s === 'ok') return { state: 'ok', message: null };
      const worstElement = Math.max(0, ...(m.hardware ?? []).map((e) => rankOf(e.status)));
      if (worstElement >= rankOf(m.overallStatus)) return { state: 'ok', message: null };
      return { state: s, message: `overall status ${m.overallStatus}` };
    },
  },
  {
    // Issue 11: the physical server's disk state. Every yellow or red storage element, sensor, DIMM
    // or CPU is named in the problem, red first, with the element's own words where it has them.
    name: 'hardware',
    kind: 'host',
    description: 'a disk, controller, volume, sensor, memory or CPU element (runtime.healthSystemRuntime) red (critical) or yellow (warning), named in the problem',
    defaults: { enabled: true },
    check: (m): Observation => hardwareObservation(m.hardware ?? []),
  },
  {
    // GPU figures from the gpu.* counters. Three threshold rules rather than one `gpu` rule with
    // nested levels: each gets the common threshold syntax, recovery-margin and failures-before-alert,
    // its own state and message, and its levels reach the numbers (perfdata, OpenMetrics) as-is.
    name: 'gpu-temperature',
    kind: 'host',
    description: 'temperature of any GPU in °C (gpu.temperature counter), naming the GPU',
    defaults: { enabled: true, warning: { op: 'above', value: 85 }, critical: null },
    measure: (m) => gpuMeasures(m, 'temperature', (g) => g.temperatureC, '°C'),
  },
  {
    name: 'gpu-utilization',
    kind: 'host',
    description: 'utilization of any GPU in percent (gpu.utilization counter); off by default',
    defaults: { enabled: false, warning: { op: 'above', value: 95 }, critical: null },
    measure: (m) => gpuMeasures(m, 'utilization', (g) => g.utilizationPercent, '%'),
  },
  {
    name: 'gpu-memory',
    kind: 'host',
    description: 'memory used of any GPU in percent (gpu.mem.usage counter); off by default',
    defaults: { enabled: false, warning: { op: 'above', value: 95 }, critical: null },
    measure: (m) => gpuMeasures(m, 'memory', (g) => g.memUsedPercent, '%'),
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
  // a vCenter that does not answer is the problem itself, and hides its whole inventory: said at once,
  // not after a second poll (a printer may be rebooting; a vCenter is not)
  vcenter: kindRules('vcenter', 'critical', [], 1),
  host: kindRules('host', 'unknown', hostRules),
  vm: kindRules('vm', 'unknown', vmRules),
  datastore: kindRules('datastore', 'unknown', datastoreRules),
};

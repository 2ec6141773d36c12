// Metric shapes of vCenter, host, VM and datastore devices: the `metrics` object of `status --json`
// (the JSON contract of the vCenter issue). Percentages carry one decimal; null means "not reported".

export interface VcenterMetrics {
  reachable: boolean;
  /** about.version, e.g. "8.0.2" */
  version: string | null;
  /** Round-trip time of the first call of the poll. */
  latencyMs: number | null;
}

export interface GpuMetrics {
  name: string;
  vendor: string | null;
  memoryMB: number | null;
  utilizationPercent: number | null;
  memUsedPercent: number | null;
  temperatureC: number | null;
  /** Why the figures are null (e.g. the host offers no gpu.* counters); absent when they are read. */
  reason?: string;
}

export interface HostNetworkMetrics {
  rxKBps: number | null;
  txKBps: number | null;
  droppedRx: number | null;
  droppedTx: number | null;
}

/** 'green' | 'yellow' | 'red' | 'gray' | 'unknown', lower-cased from vCenter. */
export type HealthColor = string;

/**
 * One element of the host's hardware health (runtime.healthSystemRuntime). Kept: every storage element
 * (disks, controllers, volumes), every numeric sensor with a unit (temperature, fan, voltage, power,
 * current), and whatever else is yellow or red (discrete sensors, memory, CPU) — green unit-less
 * readings say nothing and would only grow the state.
 */
export interface HardwareElement {
  /** storage (storageStatusInfo), sensor (numericSensorInfo), memory / cpu (memory/cpuStatusInfo) */
  type: 'storage' | 'sensor' | 'memory' | 'cpu';
  name: string;
  /** green | yellow | red | unknown */
  status: string;
  /** currentReading × 10^unitModifier (temperatures in °C); null for storage, memory, CPU */
  reading: number | null;
  /** °C, RPM, V, A, W, %, Hz …; null when the element has no unit */
  unit: string | null;
  /** sensorType (temperature, fan, voltage, power …); sensors only */
  sensorType?: string;
  /** The element's own words for a yellow or red status (status summary or label), when they say more than the colour. */
  summary?: string;
}

export interface HostMetrics {
  vcenter: string;
  /** poweredOn | poweredOff | standBy | unknown */
  powerState: string | null;
  /** connected | disconnected | notResponding */
  connectionState: string | null;
  inMaintenance: boolean | null;
  /** overallStatus: green | yellow | red | gray */
  overallStatus: HealthColor | null;
  cpuPercent: number | null;
  cpuUsageMhz: number | null;
  cpuCapacityMhz: number | null;
  memPercent: number | null;
  memUsageMB: number | null;
  memCapacityMB: number | null;
  uptimeSeconds: number | null;
  vendor: string | null;
  model: string | null;
  gpus: GpuMetrics[];
  network: HostNetworkMetrics;
  /** From runtime.healthSystemRuntime; null where the host does not report it. */
  health: { overall: HealthColor | null; storage: HealthColor | null };
  /** The elements of runtime.healthSystemRuntime (see HardwareElement); [] when the host reports none. */
  hardware: HardwareElement[];
}

export interface GuestDisk {
  path: string;
  capacityBytes: number | null;
  freeBytes: number | null;
  freePercent: number | null;
}

export interface VmMetrics {
  vcenter: string;
  /** poweredOn | poweredOff | suspended */
  powerState: string | null;
  /** Name of the host it runs on. */
  host: string | null;
  ip: string | null;
  ips: string[];
  cpuPercent: number | null;
  cpuUsageMhz: number | null;
  cpuMaxMhz: number | null;
  memPercent: number | null;
  disks: GuestDisk[];
  /** guest.toolsStatus: toolsOk | toolsOld | toolsNotRunning | toolsNotInstalled */
  toolsStatus: string | null;
}

export interface DatastoreMetrics {
  vcenter: string;
  capacityBytes: number | null;
  freeBytes: number | null;
  freePercent: number | null;
  accessible: boolean | null;
}

/**
 * Names that tell alike things apart: "NVIDIA A40", "NVIDIA A40 #2"; "Fan 1", "Fan 1 #2". Problems,
 * numbers and their labels use them, so two identical GPUs or sensors never share a series.
 */
export function distinctNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} #${n}`;
  });
}

export function gpuNames(gpus: ReadonlyArray<Pick<GpuMetrics, 'name'>>): string[] {
  return distinctNames(gpus.map((g) => g.name));
}

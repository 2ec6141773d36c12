// The numbers vCenter devices expose (hosts, VMs, datastores, the vCenter itself). PURE.
import type { DeviceRules } from '../../core/evaluate.js';
import { levelsOf, numberKey, uniqueKeys, type DeviceNumber } from '../../core/numbers.js';
import { distinctNames, gpuNames, type DatastoreMetrics, type HostMetrics, type VcenterMetrics, type VmMetrics } from './metrics.js';

type N = Omit<DeviceNumber, 'value'> & { value: number | null | undefined };

function keep(list: N[]): DeviceNumber[] {
  return uniqueKeys(list.filter((n) => n.value !== undefined).map((n) => ({ ...n, value: n.value ?? null })));
}

const pct = { unit: '%' as const, min: 0, max: 100 };

export function vcenterNumbers(m: Partial<VcenterMetrics>): DeviceNumber[] {
  return keep([{ name: 'latency_seconds', key: 'latency', title: 'latency', value: m.latencyMs === null || m.latencyMs === undefined ? m.latencyMs : m.latencyMs / 1000, unit: 's', min: 0 }]);
}

/** A sensor's unit → its number family (base units, as OpenMetrics wants them). */
const SENSOR_FAMILIES: Record<string, { name: string; unit: DeviceNumber['unit'] }> = {
  '°C': { name: 'sensor_temperature_celsius', unit: 'C' },
  RPM: { name: 'sensor_fan_rpm', unit: '' },
  V: { name: 'sensor_voltage_volts', unit: '' },
  A: { name: 'sensor_current_amperes', unit: '' },
  W: { name: 'sensor_power_watts', unit: '' },
  '%': { name: 'sensor_percent', unit: '%' },
};

export function hostNumbers(m: Partial<HostMetrics>, rules: DeviceRules): DeviceNumber[] {
  const out: N[] = [
    { name: 'cpu_percent', key: 'cpu', title: 'CPU', value: m.cpuPercent, ...pct, ...levelsOf(rules.cpu) },
    { name: 'memory_percent', key: 'memory', title: 'memory', value: m.memPercent, ...pct, ...levelsOf(rules.memory) },
    { name: 'uptime_seconds', key: 'uptime', title: 'uptime', value: m.uptimeSeconds, unit: 's', min: 0 },
    { name: 'network_receive_bytes_per_second', key: 'net_rx', title: 'network in', value: m.network?.rxKBps === null || m.network?.rxKBps === undefined ? m.network?.rxKBps : m.network.rxKBps * 1024, unit: 'B', min: 0 },
    { name: 'network_transmit_bytes_per_second', key: 'net_tx', title: 'network out', value: m.network?.txKBps === null || m.network?.txKBps === undefined ? m.network?.txKBps : m.network.txKBps * 1024, unit: 'B', min: 0 },
  ];
  const gpus = m.gpus ?? [];
  const names = gpuNames(gpus);
  gpus.forEach((g, i) => {
    const name = names[i];
    const key = numberKey(name);
    out.push({ name: 'gpu_utilization_percent', labels: { gpu: name }, key: `${key}_util`, title: `${name} utilization`, value: g.utilizationPercent, ...pct, ...levelsOf(rules['gpu-utilization']) });
    out.push({ name: 'gpu_memory_used_percent', labels: { gpu: name }, key: `${key}_mem`, title: `${name} memory`, value: g.memUsedPercent, ...pct, ...levelsOf(rules['gpu-memory']) });
    out.push({ name: 'gpu_temperature_celsius', labels: { gpu: name }, key: `${key}_temp`, title: `${name} temperature`, value: g.temperatureC, unit: 'C', ...levelsOf(rules['gpu-temperature']) });
  });
  // sensor readings with a unit a number can carry; storage, memory and CPU elements have no reading
  const sensors = (m.hardware ?? []).filter((e) => e.type === 'sensor' && e.unit && SENSOR_FAMILIES[e.unit]);
  const sensorNames = distinctNames(sensors.map((e) => e.name));
  sensors.forEach((e, i) => {
    const family = SENSOR_FAMILIES[e.unit!];
    const name = sensorNames[i];
    out.push({ name: family.name, labels: { sensor: name }, key: `sensor_${numberKey(name)}`, title: name, value: e.reading, unit: family.unit, ...(family.unit === '%' ? pct : {}) });
  });
  return keep(out);
}

/**
 * Written out rather than with spreads and keep(): a poll computes this for every VM (5,000 at a large
 * site) for the history, and the spreads made it 60 ms of the poll. The numbers, their order and their
 * fields' order are the same as keep() gives.
 */
export function vmNumbers(m: Partial<VmMetrics>, rules: DeviceRules): DeviceNumber[] {
  const out: DeviceNumber[] = [];
  if (m.cpuPercent !== undefined) {
    const l = levelsOf(rules.cpu);
    out.push({ name: 'cpu_percent', key: 'cpu', title: 'CPU', value: m.cpuPercent ?? null, unit: '%', min: 0, max: 100, warning: l.warning, critical: l.critical });
  }
  if (m.memPercent !== undefined) {
    const l = levelsOf(rules.memory);
    out.push({ name: 'memory_percent', key: 'memory', title: 'memory', value: m.memPercent ?? null, unit: '%', min: 0, max: 100, warning: l.warning, critical: l.critical });
  }
  const disks = m.disks ?? [];
  if (disks.length) {
    const l = levelsOf(rules['disk-free']);
    for (const d of disks) {
      const key = diskKey(d.path);
      const labels = { disk: d.path };
      if (d.freePercent !== undefined) out.push({ name: 'disk_free_percent', labels, key, title: `${d.path} free`, value: d.freePercent ?? null, unit: '%', min: 0, max: 100, warning: l.warning, critical: l.critical, forecast: true });
      if (d.freeBytes !== undefined) out.push({ name: 'disk_free_bytes', labels: { disk: d.path }, key: `${key}_free_bytes`, title: `${d.path} free space`, value: d.freeBytes ?? null, unit: 'B', min: 0, max: d.capacityBytes ?? null });
    }
  }
  // keys clash only through disk paths (`/a b` and `/a-b` are both disk_a_b): rare, so look first
  for (let i = 1; i < out.length; i++) for (let j = 0; j < i; j++) if (out[i].key === out[j].key) return uniqueKeys(out);
  return out;
}

/** `disk_<numberKey(path)>`, remembered: the same few paths recur on thousands of VMs. */
const DISK_KEYS = new Map<string, string>();
function diskKey(path: string): string {
  let key = DISK_KEYS.get(path);
  if (key === undefined) {
    key = `disk_${numberKey(path, 'root')}`;
    if (DISK_KEYS.size < 10_000) DISK_KEYS.set(path, key);
  }
  return key;
}

export function datastoreNumbers(m: Partial<DatastoreMetrics>, rules: DeviceRules): DeviceNumber[] {
  return keep([
    { name: 'free_percent', key: 'free', title: 'free', value: m.freePercent, ...pct, ...levelsOf(rules.free), forecast: true },
    { name: 'capacity_bytes', key: 'capacity', title: 'capacity', value: m.capacityBytes, unit: 'B', min: 0 },
    { name: 'free_bytes', key: 'free_bytes', title: 'free space', value: m.freeBytes, unit: 'B', min: 0 },
  ]);
}

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

export function vmNumbers(m: Partial<VmMetrics>, rules: DeviceRules): DeviceNumber[] {
  const out: N[] = [
    { name: 'cpu_percent', key: 'cpu', title: 'CPU', value: m.cpuPercent, ...pct, ...levelsOf(rules.cpu) },
    { name: 'memory_percent', key: 'memory', title: 'memory', value: m.memPercent, ...pct, ...levelsOf(rules.memory) },
  ];
  for (const d of m.disks ?? []) {
    const key = `disk_${numberKey(d.path, 'root')}`;
    out.push({ name: 'disk_free_percent', labels: { disk: d.path }, key, title: `${d.path} free`, value: d.freePercent, ...pct, ...levelsOf(rules['disk-free']), forecast: true });
    out.push({ name: 'disk_free_bytes', labels: { disk: d.path }, key: `${key}_free_bytes`, title: `${d.path} free space`, value: d.freeBytes, unit: 'B', min: 0, max: d.capacityBytes ?? null });
  }
  return keep(out);
}

export function datastoreNumbers(m: Partial<DatastoreMetrics>, rules: DeviceRules): DeviceNumber[] {
  return keep([
    { name: 'free_percent', key: 'free', title: 'free', value: m.freePercent, ...pct, ...levelsOf(rules.free), forecast: true },
    { name: 'capacity_bytes', key: 'capacity', title: 'capacity', value: m.capacityBytes, unit: 'B', min: 0 },
    { name: 'free_bytes', key: 'free_bytes', title: 'free space', value: m.freeBytes, unit: 'B', min: 0 },
  ]);
}

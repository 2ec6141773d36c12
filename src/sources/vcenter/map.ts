// PURE: vSphere property sets → Readings. Every value passes through the normalisers at the top of this
// file, the one place that knows how SOAP values arrive: primitives as strings ("861", "false" —
// truthy!), arrays of one element as a bare object, empty arrays as nothing; and, in the shapes of the
// soap package that recorded fixtures and older callers use, typed values as { attributes, $value },
// empty arrays as an object with only `attributes`, the type attribute under whatever prefix the
// server chose (xsi:type, XMLSchema-instance:type). The collector compacts each object as its page is
// read (compactObject) and maps the compact objects at the end (mapObjects).
import type { Reading } from '../../core/types.js';
import type { DatastoreMetrics, GpuMetrics, GuestDisk, HardwareElement, HostMetrics, VcenterMetrics, VmMetrics } from './metrics.js';

// ------------------------------------------------------------------------------------------------
// value normalisation

type Raw = unknown;

function isObj(v: Raw): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The scalar inside a typed value ({ attributes, $value }), or the value itself. */
export function scalar(v: Raw): Raw {
  if (isObj(v) && '$value' in v) return v.$value;
  return v;
}

export function toStr(v: Raw): string | null {
  const s = scalar(v);
  if (s === undefined || s === null) return null;
  if (typeof s === 'string') return s;
  if (typeof s === 'number' || typeof s === 'boolean') return String(s);
  return null;
}

export function toNum(v: Raw): number | null {
  const s = scalar(v);
  if (typeof s === 'number') return Number.isFinite(s) ? s : null;
  if (typeof s === 'string' && s.trim() !== '') {
    const n = Number(s);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function toBool(v: Raw): boolean | null {
  const s = scalar(v);
  if (typeof s === 'boolean') return s;
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return null;
}

/** Always an array: undefined → [], a bare element → [element]. */
export function toArray<T = Raw>(v: Raw): T[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** The elements of an ArrayOfX value (`{ attributes, X: [...] }`, or a bare element, or nothing). */
export function arrayOf<T = Record<string, unknown>>(v: Raw, element: string): T[] {
  if (Array.isArray(v)) return v as T[];
  if (!isObj(v)) return [];
  return toArray<T>(v[element]);
}

/** The local name of the value's type attribute, whatever its prefix. */
export function typeOf(v: Raw): string | null {
  if (!isObj(v) || !isObj(v.attributes)) return null;
  for (const [k, t] of Object.entries(v.attributes)) {
    if ((k === 'xsi_type' || k.endsWith(':type')) && typeof t === 'string') return t.replace(/^.*:/, '');
  }
  return null;
}

/** A managed object reference's value (`host-21`). */
export function morValue(v: Raw): string | null {
  return toStr(v);
}

export function round1(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : Math.round(n * 10) / 10;
}

function pct(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole <= 0) return null;
  return round1((part / whole) * 100);
}

// ------------------------------------------------------------------------------------------------
// object contents

export interface PropertySet {
  type: string;
  moref: string;
  props: Record<string, Raw>;
  /** Paths the server could not read, with the fault type (e.g. NoPermission). */
  missing: Array<{ path: string; fault: string | null }>;
}

/** One ObjectContent → { type, moref, props by path, missing }. */
export function toPropertySet(oc: Raw): PropertySet | null {
  if (!isObj(oc)) return null;
  const obj = oc.obj as Raw;
  const type = isObj(obj) && isObj(obj.attributes) ? String(obj.attributes.type ?? '') : '';
  const moref = toStr(obj) ?? '';
  const props: Record<string, Raw> = {};
  for (const p of toArray<Record<string, Raw>>(oc.propSet)) {
    const name = toStr(p?.name);
    if (name) props[name] = p.val;
  }
  const missing: PropertySet['missing'] = [];
  for (const m of toArray<Record<string, Raw>>(oc.missingSet)) {
    const path = toStr(m?.path) ?? '';
    const lmf = isObj(m?.fault) ? (m.fault as Record<string, Raw>) : {};
    const fault = typeOf(lmf.fault) ?? (isObj(lmf.fault) ? Object.keys(lmf.fault).find((k) => k !== 'attributes') ?? null : null);
    missing.push({ path, fault });
  }
  return { type, moref, props, missing };
}

// ------------------------------------------------------------------------------------------------
// the properties simplemon reads (shared with inventory.ts and the govmomi reference reader)

export const HOST_BASE_PROPS = ['name', 'runtime.powerState', 'runtime.connectionState'];
export const HOST_PROPS = [
  ...HOST_BASE_PROPS,
  'runtime.inMaintenanceMode',
  'overallStatus',
  'summary.hardware.cpuMhz',
  'summary.hardware.numCpuCores',
  'summary.hardware.memorySize',
  'summary.hardware.vendor',
  'summary.hardware.model',
  'summary.quickStats.overallCpuUsage',
  'summary.quickStats.overallMemoryUsage',
  'summary.quickStats.uptime',
  'config.graphicsInfo',
  'hardware.pciDevice',
  'runtime.healthSystemRuntime',
];
export const VM_PROPS = [
  'name',
  'config.template',
  'runtime.powerState',
  'runtime.host',
  'runtime.maxCpuUsage',
  'summary.quickStats.overallCpuUsage',
  'summary.quickStats.guestMemoryUsage',
  'config.hardware.memoryMB',
  'guest.ipAddress',
  'guest.net',
  'guest.disk',
  'guest.toolsStatus',
];
export const DATASTORE_PROPS = ['name', 'summary.capacity', 'summary.freeSpace', 'summary.accessible'];

// ------------------------------------------------------------------------------------------------
// performance counters

/** "group.name.rollup" → counter id, from PerformanceManager.perfCounter. */
export function counterIndex(perfCounter: Raw): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of arrayOf<Record<string, Raw>>(perfCounter, 'PerfCounterInfo')) {
    const id = toNum(c.key);
    const group = toStr(isObj(c.groupInfo) ? c.groupInfo.key : null);
    const name = toStr(isObj(c.nameInfo) ? c.nameInfo.key : null);
    const rollup = toStr(c.rollupType);
    if (id === null || !group || !name || !rollup) continue;
    out.set(`${group}.${name}.${rollup}`, id);
  }
  return out;
}

/** The counters simplemon asks for: name → instance ("" = the host aggregate, "*" = every instance). */
export const PERF_COUNTERS: Record<string, '' | '*'> = {
  'net.received.average': '',
  'net.transmitted.average': '',
  'net.droppedRx.summation': '',
  'net.droppedTx.summation': '',
  'gpu.utilization.average': '*',
  'gpu.mem.usage.average': '*',
  'gpu.temperature.average': '*',
};

/** Latest sample per host moref → counter name → instance → value. */
export type PerfSamples = Map<string, Map<string, Map<string, number>>>;

/** QueryPerf's returnval → PerfSamples (latest value of each series). */
export function perfSamples(returnval: Raw, counters: Map<string, number>): PerfSamples {
  const byId = new Map<number, string>();
  for (const [name, id] of counters) byId.set(id, name);
  const out: PerfSamples = new Map();
  for (const em of toArray<Record<string, Raw>>(returnval)) {
    if (!isObj(em)) continue;
    const entity = morValue(em.entity);
    if (!entity) continue;
    const m = out.get(entity) ?? new Map<string, Map<string, number>>();
    for (const series of toArray<Record<string, Raw>>(em.value)) {
      if (!isObj(series) || !isObj(series.id)) continue;
      const name = byId.get(toNum(series.id.counterId) ?? -1);
      if (!name) continue;
      const values = toArray(series.value).map(toNum).filter((v): v is number => v !== null && v >= 0);
      if (!values.length) continue;
      const inst = toStr(series.id.instance) ?? '';
      const perInst = m.get(name) ?? new Map<string, number>();
      perInst.set(inst, values[values.length - 1]);
      m.set(name, perInst);
    }
    out.set(entity, m);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// hosts

const HEALTH_RANK: Record<string, number> = { unknown: 0, gray: 0, green: 1, yellow: 2, red: 3 };

function worstColour(colours: Array<string | null>): string | null {
  let best: string | null = null;
  for (const c of colours) {
    if (!c) continue;
    const k = c.toLowerCase();
    if (best === null || (HEALTH_RANK[k] ?? 0) > (HEALTH_RANK[best] ?? 0)) best = k;
  }
  return best;
}

function statusKey(v: Raw): string | null {
  return isObj(v) ? toStr(v.key) : toStr(v);
}

export function hostHealth(hsr: Raw): HostMetrics['health'] {
  if (!isObj(hsr)) return { overall: null, storage: null };
  const sys = isObj(hsr.systemHealthInfo) ? hsr.systemHealthInfo : {};
  const hw = isObj(hsr.hardwareStatusInfo) ? hsr.hardwareStatusInfo : {};
  const sensors = toArray<Record<string, Raw>>(sys.numericSensorInfo).map((s) => statusKey(s?.healthState));
  const mem = toArray<Record<string, Raw>>(hw.memoryStatusInfo).map((s) => statusKey(s?.status));
  const cpu = toArray<Record<string, Raw>>(hw.cpuStatusInfo).map((s) => statusKey(s?.status));
  const storage = toArray<Record<string, Raw>>(hw.storageStatusInfo).map((s) => statusKey(s?.status));
  return { overall: worstColour([...sensors, ...mem, ...cpu, ...storage]), storage: worstColour(storage) };
}

/** vCenter's colour words, any case, as the four statuses simplemon keeps. */
function statusOf(desc: Raw): string {
  const k = (statusKey(desc) ?? '').toLowerCase();
  return k === 'green' || k === 'yellow' || k === 'red' ? k : 'unknown';
}

/** Device text, trimmed and bounded (a sensor name is for a status line, not a megabyte of state). */
function boundedText(v: Raw, max: number): string | null {
  const s = toStr(v)?.trim();
  return s ? (s.length > max ? `${s.slice(0, max - 1)}…` : s) : null;
}

// Sensors' baseUnits (CIM names) → the short unit kept; anything else is kept as sent.
const SENSOR_UNITS: Record<string, string> = {
  'degrees c': '°C', 'degrees f': '°F', 'degrees k': 'K', volts: 'V', amps: 'A', watts: 'W', rpm: 'RPM', hertz: 'Hz', percent: '%', percentage: '%',
};

// Summaries that only restate the colour add nothing to "Disk 3: red"
const BOILERPLATE = /^(green|yellow|red|gr[ae]y|unknown)$|operating under (normal|warning|critical) conditions|functioning as expected|^sensor is (normal|unknown)/i;

function detailOf(desc: Raw): string | undefined {
  if (!isObj(desc)) return undefined;
  for (const v of [desc.summary, desc.label]) {
    const s = boundedText(v, 160);
    if (s && !BOILERPLATE.test(s)) return s;
  }
  return undefined;
}

/** currentReading × 10^unitModifier, in °C for temperatures; and the unit kept. */
function sensorReading(raw: number | null, modifier: number | null, baseUnits: string | null): { reading: number | null; unit: string | null } {
  const unit = baseUnits ? SENSOR_UNITS[baseUnits.toLowerCase()] ?? baseUnits.slice(0, 16) : null;
  if (raw === null) return { reading: null, unit };
  const m = modifier !== null && Number.isInteger(modifier) && Math.abs(modifier) <= 12 ? modifier : 0;
  // divide for negative modifiers: 115 / 100 is 1.15, 115 × 0.01 is 1.1500000000000001
  const r = m < 0 ? raw / 10 ** -m : raw * 10 ** m;
  if (unit === '°F') return { reading: round1(((r - 32) * 5) / 9), unit: '°C' };
  if (unit === 'K') return { reading: round1(r - 273.15), unit: '°C' };
  return { reading: r, unit };
}

/**
 * The hardware elements worth keeping (see HardwareElement): storage elements always, numeric sensors
 * with a unit, and anything yellow or red. Bare one-element arrays, missing parts and a host that
 * reports no healthSystemRuntime at all (standalone ESXi without CIM providers) give fewer or none.
 */
export function hostHardware(hsr: Raw): HardwareElement[] {
  if (!isObj(hsr)) return [];
  const sys = isObj(hsr.systemHealthInfo) ? hsr.systemHealthInfo : {};
  const hw = isObj(hsr.hardwareStatusInfo) ? hsr.hardwareStatusInfo : {};
  const out: HardwareElement[] = [];
  const bad = (status: string) => status === 'red' || status === 'yellow';
  for (const e of toArray<Record<string, Raw>>(hw.storageStatusInfo)) {
    if (!isObj(e)) continue;
    const status = statusOf(e.status);
    const el: HardwareElement = { type: 'storage', name: boundedText(e.name, 120) ?? 'storage element', status, reading: null, unit: null };
    const summary = bad(status) ? detailOf(e.status) : undefined;
    if (summary) el.summary = summary;
    out.push(el);
  }
  for (const s of toArray<Record<string, Raw>>(sys.numericSensorInfo)) {
    if (!isObj(s)) continue;
    const status = statusOf(s.healthState);
    const { reading, unit } = sensorReading(toNum(s.currentReading), toNum(s.unitModifier), boundedText(s.baseUnits, 32));
    if (!unit && !bad(status)) continue;
    const el: HardwareElement = { type: 'sensor', name: boundedText(s.name, 120) ?? 'sensor', status, reading: unit ? reading : null, unit };
    const sensorType = boundedText(s.sensorType, 32);
    if (sensorType) el.sensorType = sensorType;
    const summary = bad(status) ? detailOf(s.healthState) : undefined;
    if (summary) el.summary = summary;
    out.push(el);
  }
  for (const [type, list] of [['memory', hw.memoryStatusInfo], ['cpu', hw.cpuStatusInfo]] as const) {
    for (const e of toArray<Record<string, Raw>>(list)) {
      if (!isObj(e)) continue;
      const status = statusOf(e.status);
      if (!bad(status)) continue;
      const el: HardwareElement = { type, name: boundedText(e.name, 120) ?? type, status, reading: null, unit: null };
      const summary = detailOf(e.status);
      if (summary) el.summary = summary;
      out.push(el);
    }
  }
  return out;
}

const GPU_VENDORS: Record<number, string> = { 0x10de: 'NVIDIA', 0x1002: 'AMD', 0x8086: 'Intel' };

interface GpuInventory extends GpuMetrics {
  pciId: string | null;
}

/** GPUs: vCenter's graphics info, plus display-class PCI devices of NVIDIA, AMD and Intel it does not list. */
export function hostGpus(graphicsInfo: Raw, pciDevices: Raw): GpuInventory[] {
  const out: GpuInventory[] = [];
  const seen = new Set<string>();
  for (const g of arrayOf<Record<string, Raw>>(graphicsInfo, 'HostGraphicsInfo')) {
    const kb = toNum(g.memorySizeInKB);
    const pciId = toStr(g.pciId);
    if (pciId) seen.add(pciId.toLowerCase());
    out.push({ name: toStr(g.deviceName) ?? 'GPU', vendor: toStr(g.vendorName), memoryMB: kb === null ? null : Math.round(kb / 1024), utilizationPercent: null, memUsedPercent: null, temperatureC: null, pciId });
  }
  for (const d of arrayOf<Record<string, Raw>>(pciDevices, 'HostPciDevice')) {
    const cls = toNum(d.classId);
    const vendorId = toNum(d.vendorId);
    if (cls === null || vendorId === null) continue;
    // classId is a signed short on the wire: 0x0300 display/VGA, 0x0302 3D controller
    if (((cls & 0xffff) >> 8) !== 0x03) continue;
    const vendor = GPU_VENDORS[vendorId & 0xffff];
    if (!vendor) continue;
    const pciId = toStr(d.id);
    if (pciId && seen.has(pciId.toLowerCase())) continue;
    out.push({ name: toStr(d.deviceName) ?? `${vendor} GPU`, vendor: toStr(d.vendorName) ?? vendor, memoryMB: null, utilizationPercent: null, memUsedPercent: null, temperatureC: null, pciId });
  }
  return out;
}

/** Fill GPU figures from gpu.* samples; instances are matched by PCI id, else by position (gpu0, gpu1 …). */
function applyGpuPerf(gpus: GpuInventory[], perf: Map<string, Map<string, number>> | undefined, perfNote: string | null): GpuMetrics[] {
  const util = perf?.get('gpu.utilization.average');
  const memUse = perf?.get('gpu.mem.usage.average');
  const temp = perf?.get('gpu.temperature.average');
  const instances = [...new Set([...(util?.keys() ?? []), ...(memUse?.keys() ?? []), ...(temp?.keys() ?? [])])].filter((i) => i !== '').sort();
  return gpus.map((g, i) => {
    const inst = instances.find((x) => g.pciId && x.toLowerCase() === g.pciId.toLowerCase()) ?? instances.find((x) => x === `gpu${i}`) ?? instances[i];
    const u = inst !== undefined ? util?.get(inst) : undefined;
    const m = inst !== undefined ? memUse?.get(inst) : undefined;
    const t = inst !== undefined ? temp?.get(inst) : undefined;
    const out: GpuMetrics = {
      name: g.name,
      vendor: g.vendor,
      memoryMB: g.memoryMB,
      // percent counters are in hundredths of a percent
      utilizationPercent: u === undefined ? null : round1(u / 100),
      memUsedPercent: m === undefined ? null : round1(m / 100),
      temperatureC: t === undefined ? null : t,
    };
    if (u === undefined && m === undefined && t === undefined) out.reason = perfNote ?? 'the host offers no gpu.* performance counters for this GPU';
    return out;
  });
}

export interface MapContext {
  vcenter: string;
  /** Which device kinds to return readings for. */
  kinds: { hosts: boolean; vms: boolean; datastores: boolean };
  perf: PerfSamples;
  /** Why performance figures are missing for every host (QueryPerf failed, counters unknown), else null. */
  perfNote: string | null;
  gpuNote: string | null;
  /**
   * The id each object (by moref) had at the last good poll: an object keeps its id while its name
   * stays, so that a second VM taking an existing VM's name never takes its id (and its state).
   */
  ids?: Readonly<Record<string, string>>;
  /** Filled with the id given to each object (moref → id), to remember for the next poll. */
  assigned?: Record<string, string>;
}

/**
 * A host as kept between the inventory pages and QueryPerf: its figures read now, its GPUs as
 * inventoried; the performance samples are applied by hostMetricsOf() once they are in.
 */
export interface HostObject {
  type: 'HostSystem';
  moref: string;
  name: string | null;
  /** Powered off, in standby or not connected: its VMs are blocked, QueryPerf leaves it out. */
  down: boolean;
  metrics: HostMetrics;
  gpus: GpuInventory[];
}

/** A VM as kept between pages: its figures (host name filled in by mapObjects), its host's moref. */
export interface VmObject {
  type: 'VirtualMachine';
  moref: string;
  name: string | null;
  template: boolean;
  host: string | null;
  metrics: VmMetrics;
}

export interface DatastoreObject {
  type: 'Datastore';
  moref: string;
  name: string | null;
  metrics: DatastoreMetrics;
}

/** What a poll keeps of each inventory object once its page is read: the compact reading, not the property tree. */
export type InventoryObject = HostObject | VmObject | DatastoreObject;

export function compactHost(ps: PropertySet, vcenter: string): HostObject {
  const p = ps.props;
  const mhz = toNum(p['summary.hardware.cpuMhz']);
  const cores = toNum(p['summary.hardware.numCpuCores']);
  const memBytes = toNum(p['summary.hardware.memorySize']);
  const cpuUsage = toNum(p['summary.quickStats.overallCpuUsage']);
  const memUsage = toNum(p['summary.quickStats.overallMemoryUsage']);
  const cpuCap = mhz !== null && cores !== null ? mhz * cores : null;
  const memCap = memBytes !== null ? memBytes / 2 ** 20 : null;
  const powerState = toStr(p['runtime.powerState']);
  const connectionState = toStr(p['runtime.connectionState']);
  const metrics: HostMetrics = {
    vcenter,
    powerState,
    connectionState,
    inMaintenance: toBool(p['runtime.inMaintenanceMode']),
    overallStatus: toStr(p.overallStatus),
    cpuPercent: pct(cpuUsage, cpuCap),
    cpuUsageMhz: cpuUsage,
    cpuCapacityMhz: cpuCap,
    memPercent: pct(memUsage, memCap),
    memUsageMB: memUsage,
    memCapacityMB: memCap === null ? null : Math.round(memCap),
    uptimeSeconds: toNum(p['summary.quickStats.uptime']),
    vendor: toStr(p['summary.hardware.vendor']),
    model: toStr(p['summary.hardware.model']),
    gpus: [],
    network: { rxKBps: null, txKBps: null, droppedRx: null, droppedTx: null },
    health: hostHealth(p['runtime.healthSystemRuntime']),
    hardware: hostHardware(p['runtime.healthSystemRuntime']),
  };
  return { type: 'HostSystem', moref: ps.moref, name: toStr(p.name), down: hostIsDown(powerState, connectionState), metrics, gpus: hostGpus(p['config.graphicsInfo'], p['hardware.pciDevice']) };
}

/** A host's metrics with its performance samples (network, GPU figures) applied. */
export function hostMetricsOf(h: HostObject, mc: Pick<MapContext, 'perf' | 'perfNote' | 'gpuNote'>): HostMetrics {
  const perf = mc.perf.get(h.moref);
  const one = (name: string): number | null => perf?.get(name)?.get('') ?? null;
  return {
    ...h.metrics,
    gpus: applyGpuPerf(h.gpus, perf, mc.gpuNote ?? mc.perfNote),
    network: { rxKBps: one('net.received.average'), txKBps: one('net.transmitted.average'), droppedRx: one('net.droppedRx.summation'), droppedTx: one('net.droppedTx.summation') },
  };
}

export function hostMetrics(ps: PropertySet, mc: Pick<MapContext, 'vcenter' | 'perf' | 'perfNote' | 'gpuNote'>): HostMetrics {
  return hostMetricsOf(compactHost(ps, mc.vcenter), mc);
}

/** A host that hides its VMs: powered off, in standby or not connected. */
export function hostIsDown(powerState: string | null, connectionState: string | null): boolean {
  return (powerState !== null && powerState !== 'poweredOn') || (connectionState !== null && connectionState !== 'connected');
}

// ------------------------------------------------------------------------------------------------
// VMs and datastores

export function vmMetrics(ps: PropertySet, vcenter: string, hostName: string | null): VmMetrics {
  const p = ps.props;
  const cpu = toNum(p['summary.quickStats.overallCpuUsage']);
  const max = toNum(p['runtime.maxCpuUsage']);
  const guestMem = toNum(p['summary.quickStats.guestMemoryUsage']);
  const memMB = toNum(p['config.hardware.memoryMB']);
  const ip = toStr(p['guest.ipAddress']) || null;
  const ips: string[] = ip ? [ip] : [];
  for (const nic of arrayOf<Record<string, Raw>>(p['guest.net'], 'GuestNicInfo')) {
    for (const a of toArray(nic?.ipAddress)) {
      const s = toStr(a);
      if (s && !ips.includes(s)) ips.push(s);
    }
  }
  const disks: GuestDisk[] = arrayOf<Record<string, Raw>>(p['guest.disk'], 'GuestDiskInfo').map((d) => {
    const capacity = toNum(d.capacity);
    const free = toNum(d.freeSpace);
    return { path: toStr(d.diskPath) ?? '?', capacityBytes: capacity, freeBytes: free, freePercent: pct(free, capacity) };
  });
  return {
    vcenter,
    powerState: toStr(p['runtime.powerState']),
    host: hostName,
    ip,
    ips,
    cpuPercent: pct(cpu, max),
    cpuUsageMhz: cpu,
    cpuMaxMhz: max,
    memPercent: pct(guestMem, memMB),
    disks,
    toolsStatus: toStr(p['guest.toolsStatus']),
  };
}

export function datastoreMetrics(ps: PropertySet, vcenter: string): DatastoreMetrics {
  const p = ps.props;
  const capacity = toNum(p['summary.capacity']);
  const free = toNum(p['summary.freeSpace']);
  return { vcenter, capacityBytes: capacity, freeBytes: free, freePercent: pct(free, capacity), accessible: toBool(p['summary.accessible']) };
}

/**
 * One object of a page → what the poll keeps of it (null for types simplemon does not map). Called as
 * each object is read, so that the property tree of a page is garbage before the next page is in.
 */
export function compactObject(ps: PropertySet, vcenter: string): InventoryObject | null {
  switch (ps.type) {
    case 'HostSystem':
      return compactHost(ps, vcenter);
    case 'VirtualMachine':
      return {
        type: 'VirtualMachine',
        moref: ps.moref,
        name: toStr(ps.props.name),
        template: toBool(ps.props['config.template']) === true,
        host: morValue(ps.props['runtime.host']),
        metrics: vmMetrics(ps, vcenter, null),
      };
    case 'Datastore':
      return { type: 'Datastore', moref: ps.moref, name: toStr(ps.props.name), metrics: datastoreMetrics(ps, vcenter) };
    default:
      return null;
  }
}

// ------------------------------------------------------------------------------------------------
// the whole inventory

export function deviceId(kind: 'host' | 'vm' | 'datastore', vcenter: string, name: string): string {
  return `${kind}/${vcenter}/${name}`;
}

/**
 * All readings of one vCenter poll. Host, VM and datastore names become ids; a second object with a
 * name already taken (two VMs named alike in different folders) gets `~<moref>` appended. Which of
 * two objects named alike keeps the plain id:
 *   | the object's id at the last good poll (mc.ids)          | id now                           |
 *   |---------------------------------------------------------|----------------------------------|
 *   | `<kind>/<vc>/<name>` or `…/<name>~<moref>`, same name   | the same id (claimed first)      |
 *   | none, or under another name (renamed)                   | `…/<name>`, or `~<moref>` if taken |
 * VMs on a host that is down carry blockedBy = that host's id. Templates are not monitored.
 */
export function mapInventory(sets: PropertySet[], mc: MapContext, target: string): Reading[] {
  const objects: InventoryObject[] = [];
  for (const ps of sets) {
    const o = compactObject(ps, mc.vcenter);
    if (o) objects.push(o);
  }
  return mapObjects(objects, mc, target);
}

/** mapInventory() for objects already compacted page by page (the collector's way). */
export function mapObjects(objects: InventoryObject[], mc: MapContext, target: string): Reading[] {
  const out: Reading[] = [];
  const hosts = new Map<string, { id: string; name: string; down: boolean }>();
  const taken = new Set<string>();
  const kept = new Map<string, string>(); // moref → the id it keeps from the last poll
  for (const o of objects) {
    const kind = KIND_OF_TYPE[o.type];
    const before = mc.ids?.[o.moref];
    if (!kind || !before) continue;
    const plain = deviceId(kind, mc.vcenter, o.name ?? o.moref);
    if ((before === plain || before === `${plain}~${o.moref}`) && !taken.has(before)) {
      kept.set(o.moref, before);
      taken.add(before);
    }
  }
  const unique = (kind: 'host' | 'vm' | 'datastore', name: string, moref: string): string => {
    let id = kept.get(moref);
    if (id === undefined) {
      id = deviceId(kind, mc.vcenter, name);
      if (taken.has(id)) id = `${id}~${moref}`;
      taken.add(id);
    }
    if (mc.assigned) mc.assigned[moref] = id;
    return id;
  };
  // one collator for the whole sort: the same order as localeCompare, without setting it up per comparison
  const collator = new Intl.Collator();
  const byType = <T extends InventoryObject>(t: T['type']) =>
    (objects.filter((o) => o.type === t) as T[]).sort((a, b) => collator.compare(a.name ?? '', b.name ?? '') || collator.compare(a.moref, b.moref));

  for (const h of byType<HostObject>('HostSystem')) {
    const name = h.name ?? h.moref;
    const id = unique('host', name, h.moref);
    hosts.set(h.moref, { id, name, down: h.down });
    if (mc.kinds.hosts) out.push({ id, kind: 'host', name, target: name, reachable: true, error: null, metrics: hostMetricsOf(h, mc) as unknown as Record<string, unknown>, blockedBy: null });
  }
  if (mc.kinds.vms) {
    for (const v of byType<VmObject>('VirtualMachine')) {
      if (v.template) continue;
      const name = v.name ?? v.moref;
      const id = unique('vm', name, v.moref);
      const host = hosts.get(v.host ?? '');
      const m = v.metrics;
      m.host = host?.name ?? null;
      // behind a host that is down: the inventory facts read now (host, power, IPs); its figures are stale, left out
      const facts = host?.down ? { vcenter: m.vcenter, powerState: m.powerState, host: m.host, ip: m.ip, ips: m.ips } : m;
      out.push({ id, kind: 'vm', name, target: m.ip ?? '', reachable: true, error: null, metrics: facts as unknown as Record<string, unknown>, blockedBy: host?.down ? host.id : null });
    }
  }
  if (mc.kinds.datastores) {
    for (const d of byType<DatastoreObject>('Datastore')) {
      const name = d.name ?? d.moref;
      const id = unique('datastore', name, d.moref);
      out.push({ id, kind: 'datastore', name, target, reachable: true, error: null, metrics: d.metrics as unknown as Record<string, unknown>, blockedBy: null });
    }
  }
  return out;
}

const KIND_OF_TYPE: Record<string, 'host' | 'vm' | 'datastore' | undefined> = { HostSystem: 'host', VirtualMachine: 'vm', Datastore: 'datastore' };

export function vcenterReading(vcenter: string, target: string, m: VcenterMetrics, error: string | null): Reading {
  return { id: `vcenter/${vcenter}`, kind: 'vcenter', name: vcenter, target, reachable: error === null, error, metrics: m as unknown as Record<string, unknown>, blockedBy: null };
}

/** Readings for devices known from earlier polls while their vCenter cannot be read: unknown, blocked by it. */
export function blockedReadings(ids: string[], vcenter: string, target: string, why: string): Reading[] {
  const out: Reading[] = [];
  for (const id of ids) {
    const m = /^(host|vm|datastore)\/([^/]+)\/(.+)$/.exec(id);
    if (!m || m[2] !== vcenter) continue;
    const name = m[3].replace(/~[^~]*$/, '');
    out.push({ id, kind: m[1] as Reading['kind'], name, target: m[1] === 'host' ? name : m[1] === 'vm' ? '' : target, reachable: false, error: why, metrics: {}, blockedBy: `vcenter/${vcenter}` });
  }
  return out;
}

/**
 * Devices known from the last poll (of the kinds polled now) that are gone from the inventory. A VM
 * deleted in vCenter is dropped from the state, not alerted as down. When more than half of a kind
 * (and more than 10) vanish at once, that is more likely lost permissions or a broken view than a
 * mass deletion: those are withheld (kept in the state, not read) and reported instead.
 */
export function goneDevices(before: string[], seen: Set<string>, kinds: Set<string>): { removed: string[]; withheld: string[] } {
  const removed: string[] = [];
  const withheld: string[] = [];
  for (const kind of kinds) {
    const known = before.filter((id) => id.startsWith(`${kind}/`));
    const gone = known.filter((id) => !seen.has(id));
    if (gone.length > 10 && gone.length > known.length / 2) withheld.push(...gone);
    else removed.push(...gone);
  }
  return { removed, withheld };
}

// Host, VM, datastore and vCenter columns of the status table (`status hosts|vms|datastores`).
import type { Column } from '../types.js';
import type { DatastoreMetrics, HostMetrics, VcenterMetrics, VmMetrics } from './metrics.js';

type WithMetrics = { metrics: Record<string, unknown>; blockedBy?: string | null };

const DASH = '–';

export function fmtPercent(v: number | null | undefined): string {
  return v === null || v === undefined ? DASH : `${Number.isInteger(v) ? v : v.toFixed(1)}%`;
}

/** 1536 → "1.5 GB"; binary units, as vCenter shows them. */
export function fmtBytes(v: number | null | undefined): string {
  if (v === null || v === undefined) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let x = v;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x >= 100 || i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i]}`;
}

function fmtRate(kBps: number | null | undefined): string {
  if (kBps === null || kBps === undefined) return DASH;
  return kBps >= 1024 ? `${(kBps / 1024).toFixed(1)} MB/s` : `${Math.round(kBps)} KB/s`;
}

function fmtUptime(s: number | null | undefined): string {
  if (s === null || s === undefined) return DASH;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  return d ? `${d}d ${h}h` : `${h}h ${Math.floor((s % 3600) / 60)}m`;
}

/** "blocked by host/vc1/esx-3" → "esx-3 down" style hint for a device whose figures are stale. */
function via(d: WithMetrics): string {
  return d.blockedBy ? `(via ${d.blockedBy.split('/').slice(2).join('/') || d.blockedBy})` : '';
}

const host = (d: WithMetrics) => d.metrics as Partial<HostMetrics>;
const vm = (d: WithMetrics) => d.metrics as Partial<VmMetrics>;
const ds = (d: WithMetrics) => d.metrics as Partial<DatastoreMetrics>;
const vc = (d: WithMetrics) => d.metrics as Partial<VcenterMetrics>;

function hostPower(m: Partial<HostMetrics>): string {
  const parts = [m.powerState === 'poweredOn' ? 'on' : m.powerState === 'poweredOff' ? 'off' : m.powerState];
  if (m.connectionState && m.connectionState !== 'connected') parts.push(m.connectionState);
  if (m.inMaintenance) parts.push('maintenance');
  return parts.filter(Boolean).join(', ') || DASH;
}

function gpuCell(m: Partial<HostMetrics>): string {
  const gpus = m.gpus ?? [];
  if (!gpus.length) return DASH;
  // group alike GPUs: "2× NVIDIA A40 31% 45°C"
  const groups = new Map<string, typeof gpus>();
  for (const g of gpus) groups.set(g.name, [...(groups.get(g.name) ?? []), g]);
  return [...groups.entries()]
    .map(([name, gs]) => {
      const util = gs.map((g) => g.utilizationPercent).filter((x): x is number => x !== null);
      const temp = gs.map((g) => g.temperatureC).filter((x): x is number => x !== null);
      const figs = [util.length ? fmtPercent(Math.round((util.reduce((a, b) => a + b, 0) / util.length) * 10) / 10) : null, temp.length ? `${Math.max(...temp)}°C` : null].filter(Boolean);
      return `${gs.length > 1 ? `${gs.length}× ` : ''}${name}${figs.length ? ` ${figs.join(' ')}` : ''}`;
    })
    .join(', ');
}

/**
 * "2 red, 1 yellow"; "ok" when the rest is green (or unknown beside green); "unknown" when no element
 * has a colour (no CIM provider); "–" when the host reports none.
 */
export function hardwareCell(m: Partial<HostMetrics>): string {
  const hw = m.hardware ?? [];
  if (!hw.length) return DASH;
  const red = hw.filter((e) => e.status === 'red').length;
  const yellow = hw.filter((e) => e.status === 'yellow').length;
  const bad = [red ? `${red} red` : null, yellow ? `${yellow} yellow` : null].filter(Boolean).join(', ');
  return bad || (hw.some((e) => e.status === 'green') ? 'ok' : 'unknown');
}

// priority: which columns stay longest on a narrow terminal (see Column in ../types.ts)
export const hostColumns: Column[] = [
  { header: 'Power', value: (d) => hostPower(host(d)), priority: 80 },
  { header: 'CPU', value: (d) => fmtPercent(host(d).cpuPercent), priority: 70 },
  { header: 'Memory', value: (d) => fmtPercent(host(d).memPercent), priority: 68, short: { header: 'Mem' } },
  { header: 'GPU', value: (d) => gpuCell(host(d)), priority: 40, wrap: 'items', minWidth: 16 },
  {
    header: 'Network rx/tx',
    priority: 35,
    short: { header: 'Net' },
    value: (d) => {
      const n = host(d).network;
      return n && (n.rxKBps !== null || n.txKBps !== null) ? `${fmtRate(n.rxKBps)} / ${fmtRate(n.txKBps)}` : DASH;
    },
  },
  { header: 'Health', value: (d) => host(d).overallStatus ?? DASH, priority: 60 },
  { header: 'Hardware', value: (d) => hardwareCell(host(d)), priority: 62, wrap: 'items', short: { header: 'HW' } },
  { header: 'Uptime', value: (d) => fmtUptime(host(d).uptimeSeconds), priority: 20, short: { header: 'Up' } },
];

function vmPower(m: Partial<VmMetrics>): string | null | undefined {
  return m.powerState === 'poweredOn' ? 'on' : m.powerState === 'poweredOff' ? 'off' : m.powerState;
}

// priority: which columns stay longest on a narrow terminal (see Column in ../types.ts); the address
// and where a VM runs outlast its figures
export const vmColumns: Column[] = [
  { header: 'Power', value: (d) => [vmPower(vm(d)), via(d)].filter(Boolean).join(' ') || DASH, priority: 78, short: { value: (d) => vmPower(vm(d)) || DASH } },
  { header: 'Host', value: (d) => vm(d).host ?? DASH, priority: 75 },
  { header: 'IP', value: (d) => vm(d).ip ?? DASH, priority: 85 },
  { header: 'CPU', value: (d) => fmtPercent(vm(d).cpuPercent), priority: 70 },
  { header: 'Memory', value: (d) => fmtPercent(vm(d).memPercent), priority: 60, short: { header: 'Mem' } },
  {
    header: 'Disk free (lowest)',
    priority: 55,
    short: { header: 'Disk free' },
    wrap: true,
    value: (d) => {
      const disks = (vm(d).disks ?? []).filter((x) => x.freePercent !== null);
      if (!disks.length) return DASH;
      const low = disks.reduce((a, b) => ((b.freePercent ?? 101) < (a.freePercent ?? 101) ? b : a));
      return `${low.path} ${fmtPercent(low.freePercent)}`;
    },
  },
  { header: 'Tools', value: (d) => (vm(d).toolsStatus ?? DASH).replace(/^tools/, '') || DASH, priority: 20 },
];

export const datastoreColumns: Column[] = [
  { header: 'Capacity', value: (d) => fmtBytes(ds(d).capacityBytes), priority: 40, short: { header: 'Size' } },
  { header: 'Free', value: (d) => fmtBytes(ds(d).freeBytes), priority: 50 },
  { header: 'Free %', value: (d) => fmtPercent(ds(d).freePercent), priority: 80 },
  { header: 'Accessible', value: (d) => (ds(d).accessible === null || ds(d).accessible === undefined ? DASH : ds(d).accessible ? 'yes' : 'no'), priority: 75, short: { header: 'Acc.' } },
];

export const vcenterColumns: Column[] = [
  { header: 'Version', value: (d) => vc(d).version ?? DASH, priority: 40 },
  { header: 'Latency', value: (d) => (vc(d).latencyMs === null || vc(d).latencyMs === undefined ? DASH : `${vc(d).latencyMs} ms`), priority: 50 },
];

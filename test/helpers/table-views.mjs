// Device views of every kind, with the names and texts that used to be cut: 32-character names,
// vCenter names such as DC0_C0_RP0_VM104, IPv4 and IPv6 addresses, long problems and notes.
// Plain objects shaped like core/view.ts DeviceView (what status renders).

export const NOW = new Date('2026-11-24T12:00:00Z');
const T = '2026-11-24T11:58:00Z';

export const LONG_PRINTER = 'reception-colour-laser-floor-2-a'; // 32 characters
export const LONG_HOST = 'esx-prod-cluster-a-rack-12-node1'; // 32
export const LONG_VM = 'DC0_C0_RP0_VM104-finance-db-prim'; // 32
export const LONG_DS = 'datastore-nfs-backup-tier2-vol07'; // 32
export const IPV6 = '2001:db8:85a3::8a2e:370:7334';

function view(kind, name, extra = {}) {
  return {
    id: `${kind}/${name}`,
    kind,
    name,
    target: 'vc1',
    state: 'ok',
    realState: 'ok',
    since: T,
    problems: [],
    override: null,
    maintenance: null,
    ack: null,
    blockedBy: null,
    lastSeen: T,
    metrics: {},
    ...extra,
  };
}

const problem = (rule, severity, message) => ({ rule, severity, message });

export function printerView(name, extra = {}) {
  return view('printer', name, {
    target: '192.0.2.10:161',
    metrics: {
      sysName: name,
      sysDescr: 'Demo Colour Laser 4000',
      pageCount: 1234567,
      supplies: [
        { index: '1.1', description: 'Black Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 64, percent: 64 },
        { index: '1.2', description: 'Cyan Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 41, percent: 41 },
        { index: '1.3', description: 'Magenta Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 37, percent: 37 },
        { index: '1.4', description: 'Yellow Toner', type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: 3, percent: 3 },
      ],
      printerStatus: 'idle',
      deviceStatus: 'warning',
      errors: ['lowToner', 'doorOpen', 'inputTrayMissing'],
    },
    ...extra,
  });
}

export function hostView(name, extra = {}) {
  return view('host', name, {
    metrics: {
      vcenter: 'vc1',
      powerState: 'poweredOn',
      connectionState: 'connected',
      inMaintenance: false,
      overallStatus: 'yellow',
      cpuPercent: 93.4,
      cpuUsageMhz: 1,
      cpuCapacityMhz: 1,
      memPercent: 71.2,
      memUsageMB: 1,
      memCapacityMB: 1,
      uptimeSeconds: 1_000_000,
      vendor: 'Dell',
      model: 'R750',
      gpus: [
        { name: 'NVIDIA A40', vendor: 'NVIDIA', memoryMB: 1, utilizationPercent: 31, memUsedPercent: 1, temperatureC: 45 },
        { name: 'NVIDIA A40', vendor: 'NVIDIA', memoryMB: 1, utilizationPercent: 33, memUsedPercent: 1, temperatureC: 47 },
      ],
      network: { rxKBps: 1300, txKBps: 340, droppedRx: 0, droppedTx: 0 },
      health: { overall: 'yellow', storage: 'red' },
    },
    ...extra,
  });
}

export function vmView(name, extra = {}) {
  return view('vm', name, {
    metrics: {
      vcenter: 'vc1',
      powerState: 'poweredOn',
      host: 'DC0_C0_H12',
      ip: '10.20.130.214',
      ips: ['10.20.130.214'],
      cpuPercent: 12.5,
      cpuUsageMhz: 1,
      cpuMaxMhz: 1,
      memPercent: 44,
      disks: [{ path: '/var/lib/postgresql', capacityBytes: 1, freeBytes: 1, freePercent: 7.5 }],
      toolsStatus: 'toolsNotRunning',
    },
    ...extra,
  });
}

export function datastoreView(name, extra = {}) {
  return view('datastore', name, { metrics: { vcenter: 'vc1', capacityBytes: 4 * 2 ** 40, freeBytes: 2 ** 38, freePercent: 6.3, accessible: true }, ...extra });
}

export function vcenterView(name, extra = {}) {
  return view('vcenter', name, { target: 'https://vcenter.example.org/sdk', metrics: { reachable: true, version: '8.0.2', latencyMs: 42 }, ...extra });
}

/** One device of each kind in each interesting situation; the cases the tables used to cut. */
export function allKinds() {
  const override = { state: 'critical', reason: 'replacement ordered from the supplier, ticket INC-40211', by: 'ann', since: T, until: '2026-11-25T08:00:00Z' };
  return [
    vcenterView('vcenter-datacentre-west-primary1', { state: 'critical', realState: 'critical', problems: [problem('reachable', 'critical', 'login failed: Cannot complete login due to an incorrect user name or password')] }),
    hostView(LONG_HOST, { state: 'critical', realState: 'critical', problems: [problem('cpu', 'critical', 'CPU 93.4% > 80%'), problem('health', 'critical', 'storage health red: controller battery failed, write cache disabled')] }),
    hostView('DC0_C0_H0', { metrics: { ...hostView('x').metrics, gpus: [], network: { rxKBps: null, txKBps: null, droppedRx: null, droppedTx: null } } }),
    vmView(LONG_VM, { state: 'warning', realState: 'warning', problems: [problem('disk-free', 'warning', 'disk /var/lib/postgresql 7.5% free < 10%')] }),
    vmView('DC0_C0_RP0_VM104', { metrics: { ...vmView('x').metrics, ip: IPV6, ips: [IPV6] } }),
    vmView('DC0_C0_RP0_VM105', { state: 'critical', realState: 'ok', override, problems: [problem('override', 'critical', `set by ann: ${override.reason}`)] }),
    vmView('DC0_C0_RP0_VM106', { state: 'unknown', realState: 'unknown', blockedBy: 'host/vc1/DC0_C0_H3', metrics: { ...vmView('x').metrics, ip: null, cpuPercent: null } }),
    datastoreView(LONG_DS, { state: 'critical', realState: 'critical', problems: [problem('free', 'critical', 'free 6.3% < 10%')] }),
    printerView(LONG_PRINTER, { state: 'critical', realState: 'critical', problems: [problem('toner-low', 'critical', 'yellow toner 3% < 20%'), problem('printer-status', 'critical', 'errors: doorOpen, inputTrayMissing; device status warning: Close the front door (cover A) and load tray 2')] }),
    printerView('warehouse-mono-laser', { state: 'critical', realState: 'critical', maintenance: { source: 'override', reason: 'fuser swap by the vendor engineer', until: '2026-11-24T15:00:00Z' }, problems: [problem('printer-status', 'critical', 'errors: jammed')] }),
    printerView('accounts-inkjet', { state: 'warning', realState: 'warning', ack: { reason: 'new cartridge on its way', by: 'bob', since: T }, problems: [problem('toner-low', 'warning', 'black ink 15% < 20%')] }),
    printerView('basement', { state: 'unknown', realState: 'unknown', lastSeen: null, metrics: {}, problems: [problem('reachable', 'unknown', 'timeout after 2s (1 retry)')] }),
  ];
}

/** n devices of every kind, for timing the renderer. */
export function manyDevices(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    if (k === 0) out.push(vmView(`DC0_C0_RP0_VM${i}`, i % 7 ? {} : { state: 'warning', problems: [problem('cpu', 'warning', `CPU ${80 + (i % 20)}% > 80% for the last three polls`)] }));
    else if (k === 1) out.push(hostView(`DC0_C${i % 9}_H${i}`));
    else if (k === 2) out.push(printerView(`printer-${i}-floor-${i % 5}`));
    else out.push(datastoreView(`datastore-${i}`));
  }
  return out;
}

// Device views shaped like `simplemon status --json` (README: JSON contract), and a small local
// numbersOf() for printers, hosts, VMs and datastores as their sources will declare them. The lead
// replaces numbersOf with the sources' own; the views stay.

export const NOW = new Date('2026-11-24T06:00:00Z');
export const POLLED = '2026-11-24T05:55:00.000Z';

export function view(over) {
  const [kind, ...rest] = over.id.split('/');
  return {
    kind,
    name: rest[rest.length - 1],
    target: '192.0.2.10:161',
    state: 'ok',
    realState: over.state ?? 'ok',
    since: '2026-11-23T10:00:00.000Z',
    problems: [],
    override: null,
    maintenance: null,
    ack: null,
    blockedBy: null,
    lastSeen: POLLED,
    metrics: {},
    ...over,
  };
}

export const supply = (index, description, percent, type = 'toner', cls = 'supplyThatIsConsumed') => ({
  index, description, type, class: cls, unit: 'percent', maxCapacity: 100, level: percent, percent,
});

export function printer(name, { state = 'ok', problems = [], supplies = [], pageCount = 48213, ...rest } = {}) {
  return view({
    id: `printer/${name}`,
    state,
    problems,
    metrics: { sysName: name, sysDescr: 'HP LaserJet M507', pageCount, supplies, printerStatus: 'idle', deviceStatus: state === 'ok' ? 'running' : 'warning', errors: [] },
    ...rest,
  });
}

export function host(vc, name, { state = 'ok', problems = [], cpuPercent = 23.4, memPercent = 61.2, gpus = [], ...rest } = {}) {
  return view({
    id: `host/${vc}/${name}`,
    target: vc,
    state,
    problems,
    metrics: {
      vcenter: vc, powerState: 'poweredOn', connectionState: 'connected', inMaintenance: false, overallStatus: 'green',
      cpuPercent, cpuUsageMhz: 5000, cpuCapacityMhz: 24000, memPercent, memUsageMB: 150000, memCapacityMB: 262144,
      uptimeSeconds: 864000, vendor: 'Dell Inc.', model: 'PowerEdge R750', gpus,
      network: { rxKBps: 120, txKBps: 80, droppedRx: 0, droppedTx: 0 }, health: { overall: 'green', storage: 'green' },
    },
    ...rest,
  });
}

export function vm(vc, name, { state = 'ok', problems = [], cpuPercent = 12.5, memPercent = 40, disks = [], ...rest } = {}) {
  return view({
    id: `vm/${vc}/${name}`,
    target: vc,
    state,
    problems,
    metrics: { vcenter: vc, powerState: 'poweredOn', host: 'esx1', ip: '10.0.0.5', ips: ['10.0.0.5'], cpuPercent, cpuUsageMhz: 300, cpuMaxMhz: 2400, memPercent, disks, toolsStatus: 'toolsOk' },
    ...rest,
  });
}

const snake = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
/** Keys are unique on a device: a second `black_toner` becomes `black_toner_2`. */
function uniqueKeys(numbers) {
  const seen = new Set();
  for (const n of numbers) {
    let k = n.key;
    for (let i = 2; seen.has(k); i++) k = `${n.key}_${i}`;
    seen.add((n.key = k));
  }
  return numbers;
}

const TONER = new Set(['toner', 'tonerCartridge', 'ink', 'inkCartridge']);

/** The numbers the sources will declare, in miniature: printers, hosts (with GPUs), VMs (with disks). */
export function numbersOf(v) {
  const m = v.metrics;
  if (v.kind === 'printer') {
    const out = (m.supplies ?? []).map((s) => {
      const label = (s.description ?? `supply ${s.index}`).toLowerCase();
      const toner = TONER.has(s.type) && s.class !== 'receptacleThatIsFilled';
      return {
        name: 'supply_percent', labels: { supply: label }, key: snake(label), title: label, value: s.percent, unit: '%',
        critical: toner ? { op: 'below', value: 20 } : null, min: 0, max: 100,
      };
    });
    out.push({ name: 'page_count', key: 'pages', title: 'page count', value: m.pageCount ?? null, unit: 'c', min: 0 });
    return uniqueKeys(out);
  }
  if (v.kind === 'host') {
    const out = [
      { name: 'cpu_percent', key: 'cpu', title: 'CPU', value: m.cpuPercent ?? null, unit: '%', critical: { op: 'above', value: 80 }, min: 0, max: 100 },
      { name: 'memory_percent', key: 'memory', title: 'memory', value: m.memPercent ?? null, unit: '%', critical: { op: 'above', value: 90 }, min: 0, max: 100 },
    ];
    (m.gpus ?? []).forEach((g, i) => {
      out.push({ name: 'gpu_utilization_percent', labels: { gpu: g.name }, key: `gpu${i}_util`, title: `${g.name} utilization`, value: g.utilizationPercent, unit: '%', min: 0, max: 100 });
      out.push({ name: 'gpu_temperature', labels: { gpu: g.name }, key: `gpu${i}_temp`, title: `${g.name} temperature`, value: g.temperatureC, unit: 'C' });
    });
    return out;
  }
  if (v.kind === 'vm') {
    const out = [{ name: 'cpu_percent', key: 'cpu', title: 'CPU', value: m.cpuPercent ?? null, unit: '%', critical: { op: 'above', value: 80 }, min: 0, max: 100 }];
    for (const d of m.disks ?? []) {
      out.push({ name: 'disk_free_percent', labels: { disk: d.path }, key: `disk_${snake(d.path)}`, title: `disk ${d.path} free`, value: d.freePercent, unit: '%', critical: { op: 'below', value: 10 }, min: 0, max: 100 });
      out.push({ name: 'disk_free', labels: { disk: d.path }, key: `disk_${snake(d.path)}_bytes`, title: `disk ${d.path} free`, value: d.freeBytes, unit: 'B', min: 0, max: d.capacityBytes });
    }
    return out;
  }
  return [];
}

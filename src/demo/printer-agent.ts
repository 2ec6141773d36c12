// Simulated printers for `simplemon demo`: real SNMP agents (net-snmp's agent) on loopback that serve
// the Printer-MIB and HOST-RESOURCES objects simplemon reads, so the demo exercises the real collector.
/* eslint-disable @typescript-eslint/no-explicit-any */
// net-snmp ships no type declarations; the agent API used here is small and exercised by the demo test.
type Agent = any;
type ObjectType = any;

export interface DemoSupply {
  description: string;
  type: number; // prtMarkerSuppliesType: 3 toner, 4 wasteToner, 9 opc …
  cls: number; // 3 consumed, 4 receptacle
  max: number;
  level: number;
}

export interface DemoPrinter {
  name: string;
  sysDescr: string;
  pageCount: number;
  deviceStatus: number; // hrDeviceStatus: 2 running, 3 warning, 5 down
  errorState: number[]; // hrPrinterDetectedErrorState octets
  supplies: DemoSupply[];
}

import { loadNetSnmp } from '../protocols/snmp/net-snmp.js';

export interface RunningAgent {
  port: number;
  community: string;
  setLevel(supplyIndex: number, level: number): void;
  setErrors(octets: number[], deviceStatus: number): void;
  close(): Promise<void>;
}

const PRINTER_TYPE = '1.3.6.1.2.1.25.3.1.5';

export async function startPrinterAgent(p: DemoPrinter, community: string, host = '127.0.0.1'): Promise<RunningAgent> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the agent API is used loosely here
  const snmp: any = await loadNetSnmp();
  const T = snmp.ObjectType;
  const RO = snmp.MaxAccess['read-only'];
  const NA = snmp.MaxAccess['not-accessible'];
  let agent: Agent | undefined;
  let port = 0;
  // choose a free UDP port: net-snmp's agent reports bind errors through its callback
  for (let attempt = 0; attempt < 20 && !agent; attempt++) {
    port = 20000 + Math.floor(Math.random() * 40000);
    agent = await new Promise<Agent | undefined>((resolve) => {
      let settled = false;
      const a = snmp.createAgent({ port, address: host, disableAuthorization: false } as never, (err: Error | null) => {
        if (err && !settled) {
          settled = true;
          try {
            a.close();
          } catch {
            /* never bound */
          }
          resolve(undefined);
        }
      });
      setTimeout(() => {
        if (!settled) {
          settled = true;
          resolve(a);
        }
      }, 50);
    });
  }
  if (!agent) throw new Error('could not bind a UDP port for the demo printers');
  agent.getAuthorizer().addCommunity(community);
  const mib = agent.getMib();
  const scalar = (name: string, oid: string, type: ObjectType, value: unknown) => {
    mib.registerProvider({ name, type: snmp.MibProviderType.Scalar, oid, scalarType: type, maxAccess: RO } as never);
    mib.setScalarValue(name, value as never);
  };
  scalar('sysDescr', '1.3.6.1.2.1.1.1', T.OctetString, p.sysDescr);
  scalar('sysName', '1.3.6.1.2.1.1.5', T.OctetString, p.name);
  const table = (name: string, oid: string, columns: Array<[number, string, ObjectType, number]>, index: Array<{ columnName: string; foreign?: string }>) =>
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Table,
      oid,
      maxAccess: NA,
      tableColumns: columns.map(([number, colName, type, maxAccess]) => ({ number, name: colName, type, maxAccess })),
      tableIndex: index,
    } as never);
  table('hrDeviceTable', '1.3.6.1.2.1.25.3.2.1', [[1, 'hrDeviceIndex', T.Integer, RO], [2, 'hrDeviceType', T.OID, RO], [3, 'hrDeviceDescr', T.OctetString, RO], [5, 'hrDeviceStatus', T.Integer, RO]], [{ columnName: 'hrDeviceIndex' }]);
  mib.addTableRow('hrDeviceTable', [1, PRINTER_TYPE, p.sysDescr, p.deviceStatus]);
  table('hrPrinterTable', '1.3.6.1.2.1.25.3.5.1', [[1, 'hrPrinterStatus', T.Integer, RO], [2, 'hrPrinterDetectedErrorState', T.OctetString, RO]], [{ columnName: 'hrDeviceIndex', foreign: 'hrDeviceTable' }]);
  mib.addTableRow('hrPrinterTable', [1, 3, Buffer.from(p.errorState)]);
  table('prtMarkerTable', '1.3.6.1.2.1.43.10.2.1', [[1, 'prtMarkerIndex', T.Integer, NA], [4, 'prtMarkerLifeCount', T.Counter, RO]], [{ columnName: 'hrDeviceIndex', foreign: 'hrDeviceTable' }, { columnName: 'prtMarkerIndex' }]);
  mib.addTableRow('prtMarkerTable', [1, 1, p.pageCount]);
  table(
    'prtMarkerSuppliesTable',
    '1.3.6.1.2.1.43.11.1.1',
    [[1, 'prtMarkerSuppliesIndex', T.Integer, NA], [4, 'class', T.Integer, RO], [5, 'type', T.Integer, RO], [6, 'description', T.OctetString, RO], [7, 'unit', T.Integer, RO], [8, 'maxCapacity', T.Integer, RO], [9, 'level', T.Integer, RO]],
    [{ columnName: 'hrDeviceIndex', foreign: 'hrDeviceTable' }, { columnName: 'prtMarkerSuppliesIndex' }],
  );
  p.supplies.forEach((s, i) => mib.addTableRow('prtMarkerSuppliesTable', [1, i + 1, s.cls, s.type, s.description, 19, s.max, s.level]));
  const a = agent;
  return {
    port,
    community,
    setLevel: (supplyIndex, level) => mib.setTableSingleCell('prtMarkerSuppliesTable', 9, [1, supplyIndex], level),
    setErrors: (octets, deviceStatus) => {
      mib.setTableSingleCell('hrPrinterTable', 2, [1], Buffer.from(octets));
      mib.setTableSingleCell('hrDeviceTable', 5, [1], deviceStatus);
    },
    close: () =>
      new Promise<void>((resolve) => {
        try {
          a.close(() => resolve());
        } catch {
          resolve();
        }
      }),
  };
}

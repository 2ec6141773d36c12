// Every source simplemon knows. Each entry is light: its protocol library loads only inside collect().
import type { Collector, DeviceThresholds } from './collector.js';
import { printerCollector } from '../collectors/snmp/index.js';
import { vcenterCollector } from '../collectors/vcenter/collect-vcenters.js';

export const COLLECTORS: Array<Collector & DeviceThresholds> = [vcenterCollector, printerCollector];

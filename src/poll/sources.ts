// Every source simplemon knows. Each entry is light: its protocol library loads only inside collect().
import type { Collector, DeviceThresholds } from './collector.js';
import { printerCollector } from '../collectors/snmp/index.js';

export const COLLECTORS: Array<Collector & DeviceThresholds> = [printerCollector];

// Every source simplemon knows. Each entry is light: its protocol library loads only inside collect().
import type { Collector, DeviceThresholds } from './types.js';
import { printerCollector } from './printers/index.js';
import { vcenterCollector } from './vcenter/collect.js';

export const COLLECTORS: Array<Collector & DeviceThresholds> = [vcenterCollector, printerCollector];

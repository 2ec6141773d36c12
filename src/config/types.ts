// The typed configuration after validation (YAML kebab-case keys mapped to camelCase in schema.ts).
import type { DeviceKind } from '../core/types.js';
import type { RuleInput } from '../core/rule.js';
import type { VcenterConfig } from './vcenter-schema.js';
import type { EmailConfig } from './email-schema.js';
import type { WindowSpec } from '../core/overrides.js';
import type { HistoryConfig } from './history-schema.js';

export type ThresholdConfig = Partial<Record<DeviceKind, Record<string, RuleInput>>>;

export interface NetDefaults {
  timeoutMs: number;
  retries: number;
  concurrency: number;
}

export type SnmpConfig =
  | { version: '1' | '2c'; community: string }
  | {
      version: '3';
      user: string;
      context: string;
      auth: { protocol: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512'; key: string } | null;
      priv: { protocol: 'des' | 'aes' | 'aes256b' | 'aes256r'; key: string } | null;
    };

export interface PrinterConfig {
  name: string;
  id: string; // printer/<name>
  address: string;
  port: number;
  snmp: SnmpConfig;
  timeoutMs: number;
  retries: number;
  thresholds: Record<string, RuleInput>;
}

export interface Config {
  /** Absolute path of the config file, and its folder (relative paths resolve against it). */
  file: string;
  dir: string;
  stateFile: string;
  lockTimeoutMs: number;
  eventLogSize: number;
  defaults: NetDefaults;
  thresholds: ThresholdConfig;
  printers: PrinterConfig[];
  vcenters: VcenterConfig[];
  email: EmailConfig | null;
  maintenance: WindowSpec[];
  /** Per-poll history of each device's numbers, beside the state file. */
  history: HistoryConfig;
  /** Every secret value read from the config, so that output can be scrubbed of them. */
  secrets: string[];
  /** Non-fatal remarks from validation (e.g. `insecure: true`). */
  warnings: string[];
}

// The typed configuration after validation (YAML kebab-case keys mapped to camelCase in schema.ts).
import type { DeviceKind } from '../core/types.js';
import type { RuleInput } from '../core/rule.js';
import type { EmailConfig } from './email-schema.js';
import type { WindowSpec } from '../core/overrides.js';
import type { HistoryConfig } from './history-schema.js';

export type ThresholdConfig = Partial<Record<DeviceKind, Record<string, RuleInput>>>;

/**
 * The sections the sources add (`printers`, `vcenters`, …): each source declares its own field here
 * with `declare module` beside its parser, so this file names none of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SourceSections {}

export interface NetDefaults {
  timeoutMs: number;
  retries: number;
  concurrency: number;
}

export interface Config extends SourceSections {
  /** Absolute path of the config file, and its folder (relative paths resolve against it). */
  file: string;
  dir: string;
  stateFile: string;
  lockTimeoutMs: number;
  /** How often cron runs `poll`: `status` calls data older than 3 × this stale. */
  pollIntervalMs: number;
  eventLogSize: number;
  defaults: NetDefaults;
  thresholds: ThresholdConfig;
  email: EmailConfig | null;
  maintenance: WindowSpec[];
  /** Per-poll history of each device's numbers, beside the state file. */
  history: HistoryConfig;
  /** Every secret value read from the config, so that output can be scrubbed of them. */
  secrets: string[];
  /** Non-fatal remarks from validation (e.g. `insecure: true`). */
  warnings: string[];
}

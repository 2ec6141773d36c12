// The seam every source implements. A collector only reads the world and returns readings.
import type { Config } from '../config/types.js';
import type { DeviceKind, Reading } from '../core/types.js';

export interface CollectContext {
  config: Config;
  now: Date;
  log: (line: string) => void;
  /**
   * This source's own memory in the state file (e.g. kept vCenter sessions), JSON-serialisable.
   * The collector may change it in place; it is saved with the state (mode 0600).
   */
  memory: Record<string, unknown>;
}

export interface ConfiguredDevice {
  id: string;
  kind: DeviceKind;
  name: string;
  target: string;
}

export interface CollectResult {
  readings: Reading[];
  /** Ids of devices this source used to report that no longer exist (a VM deleted): dropped from state with an event. */
  removed?: string[];
}

export interface Collector {
  /** Source name: the key of its memory in the state file. */
  name: string;
  /** Words accepted by `simplemon poll <what…>` that select this collector (e.g. printers; hosts, vms, datastores). */
  targets: string[];
  /** The devices this source has in the config (static devices; discovered inventory comes from state). */
  configured(config: Config): ConfiguredDevice[];
  /** Does a device id found in the state belong to something configured here (discovered inventory)? */
  owns(config: Config, id: string): boolean;
  /** Poll. `targets` is the subset of `this.targets` asked for. Must not throw for a device's failure. */
  collect(ctx: CollectContext, targets: Set<string>): Promise<CollectResult>;
}

/** Optional per-device rule settings a source knows about (e.g. a printer's own `thresholds:`). */
export interface DeviceThresholds {
  thresholdsFor?(config: Config, id: string): Record<string, import('../core/rule.js').RuleInput> | undefined;
}

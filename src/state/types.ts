// The state file's shape (schemaVersion 1). Migrations in migrate.ts bring older files up to it.
import type { Ack, DeviceState, LogEvent, Override } from '../core/types.js';

import type { NumberForecast } from '../core/numbers.js';
export type { NumberForecast };
import type { NotifyState } from '../notify/types.js';

export const SCHEMA_VERSION = 1;

export interface StateFile {
  schemaVersion: number;
  /** When the last poll finished (ISO), null before the first. */
  checkedAt: string | null;
  devices: Record<string, DeviceState>;
  /** Bounded log of transitions and other events, oldest first. */
  events: LogEvent[];
  overrides: Record<string, Override>;
  acks: Record<string, Ack>;
  notify: NotifyState;
  /**
   * Forecasts from the history (app/forecasts.ts), refreshed at most hourly: per device, per number key.
   * Absent until the first one.
   */
  forecasts?: { at: string; devices: Record<string, Record<string, NumberForecast>> };
  /** Per-source memory (see Collector.name), e.g. kept vCenter sessions. */
  sources: Record<string, Record<string, unknown>>;
}

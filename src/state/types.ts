// The state as the app holds it in memory (the file: schemaVersion 2, codec.ts). Migrations in migrate.ts bring older files up to it.
import type { Ack, DeviceState, LogEvent, Override } from '../core/types.js';

import type { NumberForecast } from '../core/numbers.js';
export type { NumberForecast };

export const SCHEMA_VERSION = 2;

/**
 * Parts of the state file that other modules own (the notifier's `notify`): each declares its field here
 * with `declare module` beside its own types, and hands the store a StateSection (defaults and checks),
 * so that this folder knows none of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface StateSections {}

/** How a section of the state file is made and checked: `check` fills defaults and throws an Error naming the bad field. */
export interface StateSection {
  key: string;
  empty(): unknown;
  check(raw: unknown): unknown;
}

export interface StateFile extends StateSections {
  schemaVersion: number;
  /** When the last poll finished (ISO), null before the first. */
  checkedAt: string | null;
  devices: Record<string, DeviceState>;
  /** Bounded log of transitions and other events, oldest first. */
  events: LogEvent[];
  overrides: Record<string, Override>;
  acks: Record<string, Ack>;
  /**
   * Forecasts from the history (app/forecasts.ts), refreshed at most hourly: per device, per number key.
   * Absent until the first one.
   */
  forecasts?: { at: string; devices: Record<string, Record<string, NumberForecast>> };
  /** Per-source memory (see Collector.name), e.g. kept vCenter sessions. */
  sources: Record<string, Record<string, unknown>>;
}

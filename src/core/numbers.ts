// The numbers a device exposes: one list per device, declared by its source, and used by every output
// that shows figures without knowing the kind (Nagios perfdata, OpenMetrics, history, the HTML page). PURE.
import type { Level } from './types.js';

/**
 * Units follow the Nagios plugin guidelines, which OpenMetrics can map to base units:
 * ''  a plain number (a count of pages, jobs), '%' percent 0–100, 's' seconds, 'B' bytes,
 * 'c' a continuous counter (only ever grows, e.g. a page count), 'C' degrees Celsius.
 */
export type NumberUnit = '' | '%' | 's' | 'B' | 'c' | 'C';

export interface DeviceNumber {
  /**
   * The family, snake_case, the same for every device of a kind that has it:
   * `supply_percent`, `page_count`, `cpu_percent`, `latency_seconds`. An output prefixes it
   * (`simplemon_<kind>_<name>` in OpenMetrics) and adds `labels`.
   */
  name: string;
  /** What tells two numbers of one family on one device apart, e.g. `{ supply: 'black toner' }`. */
  labels?: Record<string, string>;
  /**
   * Unique on its device, short, snake_case: `black_toner`, `cpu`, `disk_c`. The key in history and
   * the label in Nagios perfdata.
   */
  key: string;
  /** For people: `black toner`, `CPU`. */
  title: string;
  /** null: the device reports the number but has no value now (e.g. toner level unknown). */
  value: number | null;
  unit: NumberUnit;
  /** The thresholds in force for this number (from the rule that watches it), if any. */
  warning?: Level | null;
  critical?: Level | null;
  min?: number | null;
  max?: number | null;
  /**
   * A level that runs down to 0 over time (toner, free disk space): the poll forecasts the days until it
   * gets there from the history, and notices a replacement (a jump up).
   */
  forecast?: boolean;
}

/** `Black Toner (HP 410A)` → `black_toner_hp_410a`: a key or label that every output can carry as is. */
export function numberKey(text: string, fallback = 'value'): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48) || fallback;
}

/** Make the keys of a device's numbers unique (`disk`, `disk_2`, …) in the order given. */
export function uniqueKeys(numbers: DeviceNumber[]): DeviceNumber[] {
  const seen = new Map<string, number>();
  return numbers.map((n) => {
    const count = (seen.get(n.key) ?? 0) + 1;
    seen.set(n.key, count);
    return count === 1 ? n : { ...n, key: `${n.key}_${count}` };
  });
}

/** The levels of a rule in force, or none when the rule is off. */
export function levelsOf(settings: { enabled: boolean; warning: Level | null; critical: Level | null } | undefined): Pick<DeviceNumber, 'warning' | 'critical'> {
  if (!settings || !settings.enabled) return { warning: null, critical: null };
  return { warning: settings.warning, critical: settings.critical };
}

/** What status and JSON show of a number's trend: days until it reaches 0, and the last replacement. */
export interface NumberForecast {
  daysLeft: number | null;
  /** Points lost per day (positive when falling). */
  ratePerDay: number | null;
  replacedAt: string | null;
}

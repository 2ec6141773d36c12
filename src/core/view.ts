// What status, JSON and alerts see of a device: its real state with overrides, maintenance and
// acknowledgements applied on top. PURE.
import type { Ack, DeviceState, Override, Problem, Severity } from './types.js';
import { problemsOf } from './evaluate.js';
import type { NumberForecast } from './numbers.js';

export interface Maintenance {
  /** Where it comes from: an override (`override`) or a configured window's name. */
  source: string;
  reason: string;
  until: string | null;
}

export interface DeviceView {
  id: string;
  kind: DeviceState['kind'];
  name: string;
  target: string;
  /** What status, JSON and alerts see. */
  state: Severity;
  /** What the readings say, underneath any override. */
  realState: Severity;
  since: string;
  problems: Problem[];
  override: Override | null;
  maintenance: Maintenance | null;
  ack: Ack | null;
  blockedBy: string | null;
  lastSeen: string | null;
  /** The last poll that tried the device (null: never tried, e.g. its source was not polled yet). */
  lastPoll: string | null;
  metrics: Record<string, unknown>;
  /** Forecasts of its numbers by key (toner, free space), when the history gave any. */
  forecast: Record<string, NumberForecast> | null;
}

export interface ViewInput {
  forecast?: Record<string, NumberForecast> | null;
  override?: Override | null;
  /** An active configured maintenance window covering the device, if any. */
  window?: Maintenance | null;
  ack?: Ack | null;
}

/**
 * Overrides: a forced state (ok, warning, critical) replaces what status, JSON and alerts see, with the
 * reason as its only problem; `maintenance` keeps the real state visible but marks the device so that
 * no alerts go out. An acknowledgement is shown, and only silences reminders.
 */
export function viewDevice(d: DeviceState, input: ViewInput = {}): DeviceView {
  const o = input.override ?? null;
  let state = d.state;
  let problems = problemsOf(d);
  let maintenance: Maintenance | null = input.window ?? null;
  if (o && o.state === 'maintenance') {
    maintenance = { source: 'override', reason: o.reason, until: o.until };
  } else if (o) {
    const forced = o.state as 'ok' | 'warning' | 'critical';
    state = forced;
    problems = forced === 'ok' ? [] : [{ rule: 'override', severity: forced, message: `set by ${o.by}: ${o.reason}` }];
  }
  return {
    id: d.id,
    kind: d.kind,
    name: d.name,
    target: d.target,
    state,
    realState: d.state,
    since: d.since,
    problems,
    override: o,
    maintenance,
    ack: d.state === 'ok' ? null : (input.ack ?? null),
    blockedBy: d.blockedBy,
    lastSeen: d.lastSeen,
    lastPoll: d.lastPoll,
    metrics: d.metrics,
    forecast: input.forecast ?? null,
  };
}

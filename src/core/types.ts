// The vocabulary shared by collectors, the evaluation core, the state store and renderers.
// PURE: no node:* or npm imports anywhere under src/core.
import type { NumberForecast } from './numbers.js';

export type Severity = 'ok' | 'warning' | 'critical' | 'unknown';
/** What a rule can observe on one poll: a rule never says "unknown" (missing data is simply ok). */
export type RuleSeverity = 'ok' | 'warning' | 'critical';

/** A kind of device (`printer`, `host` …): declared by the sources, unknown to the core. */
export type DeviceKind = string;

/** One device's result of one poll, as a collector returns it. An unreachable device is data, not an exception. */
export interface Reading {
  id: string; // "<kind>/<name>"
  kind: DeviceKind;
  name: string;
  target: string; // "192.0.2.10:161"
  /** false: no data this poll (unreachable, failed poll) — the device becomes `unknown`. */
  reachable: boolean;
  /** Why the device could not be read (null when reachable). */
  error: string | null;
  /** Kind-specific metrics (see PrinterMetrics …). Ignored when not reachable: the last good values are kept. */
  metrics: Record<string, unknown>;
  /** Id of the upstream device whose failure hides this one (vCenter unreachable, host down), else null. */
  blockedBy?: string | null;
  /** The forecasts of its numbers by key, from the history (the poll adds them; rules may read them). */
  forecast?: Record<string, NumberForecast> | null;
}

export interface Problem {
  rule: string;
  severity: Exclude<Severity, 'ok'>;
  message: string;
}

/** A threshold level: `below: 20` or `above: 80`. */
export interface Level {
  op: 'above' | 'below';
  value: number;
}

/** A rule's configuration after defaults, kind-level and device-level settings are merged. */
export interface RuleSettings {
  enabled: boolean;
  warning: Level | null;
  critical: Level | null;
  failuresBeforeAlert: number;
  successesBeforeRecovery: number;
  /** Hysteresis: a threshold that was crossed is only un-crossed this far on the good side of it. */
  recoveryMargin: number;
  /** Rule-specific options (e.g. printer-status `errors`). */
  options: Record<string, unknown>;
}

/** The per-rule memory kept between polls. */
export interface RuleState {
  /** Confirmed severity: what status shows and what alerts are about. */
  state: RuleSeverity;
  since: string; // ISO
  message: string | null;
  /** Consecutive observations that disagree with `state`, not yet confirmed. */
  pending: { state: RuleSeverity; count: number; message: string | null } | null;
}

/** Manual override of a device's state (issue: overrides). */
export interface Override {
  state: 'ok' | 'warning' | 'critical' | 'maintenance';
  reason: string;
  by: string;
  since: string;
  until: string | null;
}

export interface Ack {
  reason: string;
  by: string;
  since: string;
}

export interface DeviceState {
  id: string;
  kind: DeviceKind;
  name: string;
  target: string;
  /** The real, confirmed state (what rules and reachability say; overrides are applied on top when shown). */
  state: Severity;
  since: string; // when `state` last changed
  /** Reachability is tracked like a rule: it has its own failures-before-alert. */
  reach: RuleState & { error: string | null };
  rules: Record<string, RuleState>;
  blockedBy: string | null;
  lastSeen: string | null; // last poll that returned data
  lastPoll: string | null; // last poll attempted
  metrics: Record<string, unknown>;
}

export interface Transition {
  at: string;
  device: string;
  kind: DeviceKind;
  name: string;
  from: Severity;
  to: Severity;
  /** Problems after the transition (empty on recovery). */
  problems: Problem[];
  blockedBy: string | null;
  /** First poll of this device (from "unknown, never polled"). */
  first?: boolean;
}

export type EventType = 'transition' | 'device-removed' | 'override-expired' | 'override-set' | 'override-cleared' | 'ack' | 'replaced' | 'missed-polls' | 'poll-overrun';

export interface LogEvent {
  at: string;
  type: EventType;
  device: string;
  from?: Severity;
  to?: Severity;
  message?: string;
}

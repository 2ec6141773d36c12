// Rule definitions and the generic threshold check. PURE.
import type { DeviceKind, Level, RuleSettings, RuleSeverity } from './types.js';
import type { NumberForecast } from './numbers.js';

export interface Observation {
  state: RuleSeverity;
  message: string | null;
}

/** A value a threshold rule compares, e.g. { label: 'black toner', value: 12, unit: '%' }. */
export interface Measurement {
  label: string;
  value: number | null;
  unit: string;
}

/** What a rule config may say; anything left out falls back to the level above (device → kind → built-in). */
export interface RuleInput {
  enabled?: boolean;
  warning?: Level | null;
  critical?: Level | null;
  failuresBeforeAlert?: number;
  successesBeforeRecovery?: number;
  recoveryMargin?: number;
  options?: Record<string, unknown>;
}

/** What a rule may read besides the metrics: the forecasts of the device's numbers (by key). */
export interface RuleExtra {
  forecast: Record<string, NumberForecast> | null;
}

export interface RuleDef<M = any> {
  name: string;
  kind: DeviceKind;
  /** One line for `config init` and the README. */
  description: string;
  /** Built-in defaults (from the old system). */
  defaults: RuleInput & { enabled: boolean };
  /**
   * Threshold rules: the side on which a value is bad, when the rule has one (latency: above; days
   * left: below). It lets a level be a bare number — `{ warning: 1000, critical: 8000 }` — instead of
   * `{ warning: { above: 1000 } … }`. Without it a level must say above or below.
   */
  direction?: 'above' | 'below';
  /** Threshold rules: the values to compare with warning/critical levels. */
  measure?: (metrics: M, settings: RuleSettings) => Measurement[];
  /** Other rules: an observation computed from the metrics. */
  check?: (metrics: M, settings: RuleSettings, extra: RuleExtra) => Observation;
  /** Options a rule accepts besides the common keys, with a validator returning an error or null. */
  optionKeys?: Record<string, (value: unknown) => string | null>;
}

const RANK: Record<RuleSeverity, number> = { ok: 0, warning: 1, critical: 2 };

export function worse(a: RuleSeverity, b: RuleSeverity): RuleSeverity {
  return RANK[a] >= RANK[b] ? a : b;
}

export function rank(s: RuleSeverity): number {
  return RANK[s];
}

export function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * Compare measurements with the warning/critical levels.
 * Hysteresis: once a level is confirmed (`confirmed` at least as bad as it), the value must come back
 * past the threshold by `recoveryMargin` before the level counts as cleared, so a value hovering
 * at the threshold does not flap.
 */
export function observeThresholds(measurements: Measurement[], settings: RuleSettings, confirmed: RuleSeverity): Observation {
  let state: RuleSeverity = 'ok';
  const parts: string[] = [];
  for (const m of measurements) {
    if (m.value === null || !Number.isFinite(m.value)) continue;
    for (const name of ['critical', 'warning'] as const) {
      const level = settings[name];
      if (!level) continue;
      const sticky = RANK[confirmed] >= RANK[name];
      const margin = sticky ? settings.recoveryMargin : 0;
      const crossed = level.op === 'below' ? m.value < level.value + margin : m.value > level.value - margin;
      if (crossed) {
        state = worse(state, name);
        const sign = level.op === 'below' ? '<' : '>';
        parts.push(`${m.label} ${formatNumber(m.value)}${m.unit} ${sign} ${formatNumber(level.value)}${m.unit}`);
        break;
      }
    }
  }
  return { state, message: parts.length ? parts.join('; ') : null };
}

/** Merge built-in defaults, the kind's `thresholds:` entry and the device's own `thresholds:` entry. */
export function resolveRule(def: RuleDef, ...inputs: Array<RuleInput | undefined>): RuleSettings {
  const out: RuleSettings = {
    enabled: def.defaults.enabled,
    warning: def.defaults.warning ?? null,
    critical: def.defaults.critical ?? null,
    failuresBeforeAlert: def.defaults.failuresBeforeAlert ?? 1,
    successesBeforeRecovery: def.defaults.successesBeforeRecovery ?? 1,
    recoveryMargin: def.defaults.recoveryMargin ?? 0,
    options: { ...(def.defaults.options ?? {}) },
  };
  for (const input of inputs) {
    if (!input) continue;
    if (input.enabled !== undefined) out.enabled = input.enabled;
    if (input.warning !== undefined) out.warning = input.warning;
    if (input.critical !== undefined) out.critical = input.critical;
    if (input.failuresBeforeAlert !== undefined) out.failuresBeforeAlert = input.failuresBeforeAlert;
    if (input.successesBeforeRecovery !== undefined) out.successesBeforeRecovery = input.successesBeforeRecovery;
    if (input.recoveryMargin !== undefined) out.recoveryMargin = input.recoveryMargin;
    if (input.options) Object.assign(out.options, input.options);
  }
  return out;
}

/** Observe one rule on one poll's metrics. */
export function observeRule(def: RuleDef, metrics: unknown, settings: RuleSettings, confirmed: RuleSeverity, extra: RuleExtra = { forecast: null }): Observation {
  if (def.check) return def.check(metrics, settings, extra);
  if (def.measure) return observeThresholds(def.measure(metrics, settings), settings, confirmed);
  return { state: 'ok', message: null };
}

/**
 * Reachability is tracked like a rule named `reachable`, so that it takes the same
 * failures-before-alert / successes-before-recovery settings. Its `severity` option says what an
 * unreachable device becomes: `unknown` (no data) for most kinds; a source declares `critical` for a
 * device whose failure is itself the problem (a vCenter).
 */
export function reachableRule(kind: DeviceKind, severity: 'unknown' | 'warning' | 'critical', failuresBeforeAlert = 2): RuleDef {
  return {
    name: 'reachable',
    kind,
    description: 'the device answers; after failures-before-alert failed polls it becomes `severity`',
    // 2 failed polls: a printer rebooting (or a 1-minute network blip) misses at most one 5-minute poll,
    // and a device that is really gone is still reported within two polls (10 minutes)
    defaults: { enabled: true, failuresBeforeAlert, options: { severity } },
    optionKeys: {
      severity: (v) => (v === 'unknown' || v === 'warning' || v === 'critical' ? null : 'must be unknown, warning or critical'),
    },
  };
}

/** A kind's full rule list: `reachable` (unreachable → `unreachable`) first, then the kind's own rules. */
export function kindRules(kind: DeviceKind, unreachable: 'unknown' | 'warning' | 'critical', rules: readonly RuleDef[], failuresBeforeAlert = 2): readonly RuleDef[] {
  return [reachableRule(kind, unreachable, failuresBeforeAlert), ...rules];
}

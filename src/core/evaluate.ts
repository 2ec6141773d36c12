// The evaluation core: readings + rules + previous state + clock → next state + transitions. PURE.
import type { DeviceState, Problem, Reading, RuleSettings, RuleSeverity, RuleState, Severity, Transition, LogEvent } from './types.js';
import { observeRule, rank, worse, type Observation, type RuleDef } from './rule.js';

/** Settings of every rule of a device, keyed by rule name (including `reachable`). */
export type DeviceRules = Record<string, RuleSettings>;

/** Everything evaluate() needs to know about a device's rules; the core knows no kind of its own. */
export interface DeviceRuleSet {
  defs: readonly RuleDef[];
  settings: DeviceRules;
}

export interface EvaluateInput {
  now: Date;
  readings: Reading[];
  previous: Record<string, DeviceState>;
  /** A device's rules as data: their definitions (`reachable` among them) and resolved settings. */
  rulesOf: (reading: Reading) => DeviceRuleSet;
}

export interface EvaluateOutput {
  devices: Record<string, DeviceState>;
  transitions: Transition[];
  events: LogEvent[];
}

/**
 * One rule's confirmed state after one observation (C = confirmed, O = observed,
 * P = pending run of observations on the same side of C, F = failures-before-alert,
 * S = successes-before-recovery). "Worse"/"better" compare ok < warning < critical.
 *
 *   | C vs O          | pending before            | count after    | result                              |
 *   |-----------------|---------------------------|----------------|-------------------------------------|
 *   | O == C          | any                       | —              | C stays, pending cleared            |
 *   | O worse than C  | none, or on the better side | 1            | C := O if 1 >= F, else pending(O,1) |
 *   | O worse than C  | on the worse side, n      | n + 1          | C := O if n+1 >= F, else pending    |
 *   | O better than C | none, or on the worse side  | 1            | C := O if 1 >= S, else pending(O,1) |
 *   | O better than C | on the better side, n     | n + 1          | C := O if n+1 >= S, else pending    |
 *
 * A confirmation sets `since` to now. The message follows the latest observation while the
 * state holds, so "black toner 12%" becomes "black toner 9%" without a transition.
 */
export function stepRule(prev: RuleState | undefined, obs: Observation, settings: Pick<RuleSettings, 'failuresBeforeAlert' | 'successesBeforeRecovery'>, now: string): RuleState {
  const cur: RuleState = prev ?? { state: 'ok', since: now, message: null, pending: null };
  const c = rank(cur.state);
  const o = rank(obs.state);
  if (o === c) return { state: cur.state, since: cur.since, message: obs.message, pending: null };
  const worseSide = o > c;
  const p = cur.pending;
  const sameSide = p !== null && (worseSide ? rank(p.state) > c : rank(p.state) < c);
  const count = sameSide ? p.count + 1 : 1;
  const needed = Math.max(1, worseSide ? settings.failuresBeforeAlert : settings.successesBeforeRecovery);
  if (count >= needed) return { state: obs.state, since: now, message: obs.message, pending: null };
  return { state: cur.state, since: cur.since, message: cur.message, pending: { state: obs.state, count, message: obs.message } };
}

/** A device never polled yet: state unknown, no data. */
export function blankDevice(r: Pick<Reading, 'id' | 'kind' | 'name' | 'target'>, now: string): DeviceState {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    target: r.target,
    state: 'unknown',
    since: now,
    reach: { state: 'ok', since: now, message: null, pending: null, error: null },
    rules: {},
    blockedBy: null,
    lastSeen: null,
    lastPoll: null,
    metrics: {},
  };
}

/** The device state implied by its reachability and rule states. */
export function deriveState(d: DeviceState, rules: DeviceRules): Severity {
  if (d.blockedBy) return 'unknown';
  if (d.lastSeen === null && d.reach.state === 'ok') return 'unknown'; // never read yet
  if (d.reach.state !== 'ok') return (rules.reachable?.options.severity as Severity) ?? 'unknown';
  let s: RuleSeverity = 'ok';
  for (const [name, rs] of Object.entries(d.rules)) {
    if (rules[name]?.enabled === false) continue;
    s = worse(s, rs.state);
  }
  return s;
}

/** Problems of a device as shown in status and emails: the reason it is unreachable, or its rules not ok. */
export function problemsOf(d: DeviceState, state: Severity = d.state): Problem[] {
  if (d.blockedBy || state === 'ok') return [];
  if (d.reach.state !== 'ok') {
    // a reading's error is the reason alone (collectors add `[snmp name]` only to their log lines)
    return [{ rule: 'reachable', severity: state, message: d.reach.error ?? 'no answer' }];
  }
  const out: Problem[] = [];
  for (const [rule, rs] of Object.entries(d.rules)) {
    if (rs.state !== 'ok') out.push({ rule, severity: rs.state, message: rs.message ?? rule });
  }
  if (!out.length && state === 'unknown' && d.lastSeen === null) out.push({ rule: 'reachable', severity: 'unknown', message: 'not polled yet' });
  return out;
}

function stepDevice(prevDev: DeviceState | undefined, r: Reading, ruleSet: DeviceRuleSet, now: string): DeviceState {
  const rules = ruleSet.settings;
  const base = prevDev ?? blankDevice(r, now);
  const d: DeviceState = {
    ...base,
    name: r.name,
    target: r.target,
    kind: r.kind,
    rules: { ...base.rules },
    blockedBy: r.blockedBy ?? null,
    lastPoll: now,
  };
  if (d.blockedBy) {
    // Hidden by an upstream failure: no problems of its own, last values kept, counters reset so that
    // it comes back quietly with its upstream.
    d.reach = { ...base.reach, pending: null };
    for (const k of Object.keys(d.rules)) d.rules[k] = { ...d.rules[k], pending: null };
    // what was read about it this poll (a VM's host and power state) is current, even on its first poll;
    // the source leaves its stale figures out, and the last good ones are kept
    if (r.reachable) d.metrics = { ...base.metrics, ...r.metrics };
  } else {
    const reachSettings = rules.reachable;
    const reachObs: Observation = r.reachable ? { state: 'ok', message: null } : { state: 'critical', message: r.error ?? 'no answer' };
    // A device that has never answered has no reboot to ride out: its first failure is confirmed at once,
    // so the poll that first tries it reports why (a wrong address or key), not "not polled yet".
    const reachStep = reachSettings ?? { failuresBeforeAlert: 1, successesBeforeRecovery: 1 };
    const reach =
      reachSettings && !reachSettings.enabled && !r.reachable
        ? { ...base.reach }
        : stepRule(base.reach, reachObs, base.lastSeen === null ? { ...reachStep, failuresBeforeAlert: 1 } : reachStep, now);
    d.reach = { ...reach, error: r.reachable ? null : (r.error ?? 'no answer') };
    if (!r.reachable && reach.state === 'ok') d.reach.error = base.reach.error; // not confirmed yet
    if (r.reachable) {
      d.lastSeen = now;
      d.metrics = r.metrics;
      const defs = ruleSet.defs.filter((x) => x.name !== 'reachable');
      const next: Record<string, RuleState> = {};
      for (const def of defs) {
        const s = rules[def.name];
        if (!s || !s.enabled) continue;
        const prevRule = base.rules[def.name];
        const obs = observeRule(def, r.metrics, s, prevRule?.state ?? 'ok', { forecast: r.forecast ?? null });
        next[def.name] = stepRule(prevRule, obs, s, now);
      }
      d.rules = next;
    }
  }
  const state = deriveState(d, rules);
  if (state !== base.state) d.since = now;
  d.state = state;
  return d;
}

export function evaluate(input: EvaluateInput): EvaluateOutput {
  const now = input.now.toISOString();
  const devices: Record<string, DeviceState> = { ...input.previous };
  const transitions: Transition[] = [];
  const events: LogEvent[] = [];
  for (const r of input.readings) {
    const prev = input.previous[r.id];
    const rules = input.rulesOf(r);
    const next = stepDevice(prev, r, rules, now);
    devices[r.id] = next;
    const from: Severity = prev?.state ?? 'unknown';
    // the poll that first tries a device reports it, also when it stays unknown (never answered)
    const firstTry = !prev || prev.lastPoll === null;
    if (next.state !== from || (firstTry && next.state === 'unknown' && !next.blockedBy)) {
      transitions.push({
        at: now,
        device: r.id,
        kind: r.kind,
        name: r.name,
        from,
        to: next.state,
        problems: problemsOf(next),
        blockedBy: next.blockedBy,
        first: firstTry,
      });
      events.push({ at: now, type: 'transition', device: r.id, from, to: next.state, message: problemsOf(next).map((p) => p.message).join('; ') || undefined });
    }
  }
  return { devices, transitions, events };
}

// Rule settings in the config (`thresholds:` blocks), for every kind: checked against the rules the
// kind's source declares, passed in as data.
import { isScalar, isMap } from './yaml-nodes.js';
import type { DeviceKind, Level } from '../core/types.js';
import type { RuleDef, RuleInput } from '../core/rule.js';
import { bool, entries, fail, fields, join, num, oneOf, type Ctx, type YNode } from './validate.js';

/** A level: `{ above: N }`, `{ below: N }`, `off`, or a bare number when the rule has a direction. */
function level(ctx: Ctx, node: YNode, path: string, direction: RuleDef['direction']): Level | null | undefined {
  if (isScalar(node) && (node.value === false || node.value === 'off')) return null;
  if (isScalar(node) && typeof node.value === 'number') {
    if (!direction) return fail(ctx, node, path, `give { above: ${node.value} } or { below: ${node.value} }: this rule has no direction of its own`);
    const v = num(ctx, node, path);
    return v === undefined ? undefined : { op: direction, value: v };
  }
  let out: Level | undefined;
  const ok = fields(ctx, node, path, {
    above: (n, p) => {
      const v = num(ctx, n, p);
      if (v !== undefined) out = { op: 'above', value: v };
    },
    below: (n, p) => {
      const v = num(ctx, n, p);
      if (v !== undefined) out = { op: 'below', value: v };
    },
  });
  if (ok && isMap(node) && node.items.length !== 1) return fail(ctx, node, path, 'give exactly one of above or below');
  return out;
}

/** One rule's settings: `on`, `off`, or a mapping. */
export function ruleInput(ctx: Ctx, node: YNode, path: string, kind: DeviceKind, defs: readonly RuleDef[], ruleName: string, keyNode: YNode = node): RuleInput | undefined {
  const def = defs.find((r) => r.name === ruleName);
  if (!def) {
    const known = defs.map((r) => r.name);
    return fail(ctx, keyNode, path, `unknown rule "${ruleName}" for ${kind}; known rules: ${known.join(', ')}`);
  }
  if (isScalar(node) && (node.value === true || node.value === 'on')) return { enabled: true };
  if (isScalar(node) && (node.value === false || node.value === 'off')) return { enabled: false };
  const out: RuleInput = { enabled: true };
  let shorthand: Level | undefined;
  let severity = 'critical' as 'warning' | 'critical';
  const thresholded = Boolean(def.measure);
  const handlers: Record<string, (n: YNode, p: string) => void> = {
    enabled: (n, p) => {
      const v = bool(ctx, n, p);
      if (v !== undefined) out.enabled = v;
    },
    'failures-before-alert': (n, p) => (out.failuresBeforeAlert = num(ctx, n, p, { integer: true, min: 1, max: 1000 })),
    'successes-before-recovery': (n, p) => (out.successesBeforeRecovery = num(ctx, n, p, { integer: true, min: 1, max: 1000 })),
  };
  if (thresholded) {
    Object.assign(handlers, {
      above: (n: YNode, p: string) => {
        const v = num(ctx, n, p);
        if (v !== undefined) shorthand = { op: 'above', value: v };
      },
      below: (n: YNode, p: string) => {
        const v = num(ctx, n, p);
        if (v !== undefined) shorthand = { op: 'below', value: v };
      },
      severity: (n: YNode, p: string) => (severity = oneOf(ctx, n, p, ['warning', 'critical'] as const) ?? severity),
      warning: (n: YNode, p: string) => (out.warning = level(ctx, n, p, def.direction)),
      critical: (n: YNode, p: string) => (out.critical = level(ctx, n, p, def.direction)),
      'recovery-margin': (n: YNode, p: string) => (out.recoveryMargin = num(ctx, n, p, { min: 0 })),
    });
  }
  for (const [k, check] of Object.entries(def.optionKeys ?? {})) {
    handlers[k] = (n, p) => {
      const v = n?.toJSON?.() ?? null;
      const err = check(v);
      if (err) fail(ctx, n, p, err);
      else (out.options ??= {})[k] = v;
    };
  }
  fields(ctx, node, path, handlers);
  if (shorthand) {
    if (isMap(node) && (node.has('warning') || node.has('critical'))) {
      fail(ctx, node, path, 'use either above/below (with severity) or warning/critical levels, not both');
    } else {
      // `below: 20` replaces both levels: one level at `severity` (critical unless said otherwise)
      out.warning = severity === 'warning' ? shorthand : null;
      out.critical = severity === 'critical' ? shorthand : null;
    }
  }
  return out;
}

/** A `thresholds:` block of one kind: rule name → settings, checked against the kind's rules (`defs`). */
export function rulesBlock(ctx: Ctx, node: YNode, path: string, kind: DeviceKind, defs: readonly RuleDef[]): Record<string, RuleInput> {
  const out: Record<string, RuleInput> = {};
  for (const e of entries(ctx, node, path)) {
    const r = ruleInput(ctx, e.value, join(path, e.key), kind, defs, e.key, e.keyNode);
    if (r) out[e.key] = r;
  }
  return out;
}


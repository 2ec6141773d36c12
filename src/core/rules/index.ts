// The registry of rules per device kind. A new source adds its file here. PURE.
import type { DeviceKind } from '../types.js';
import type { RuleDef } from '../rule.js';
import { printerRules } from '../../sources/printers/rules.js';
import { vsphereRules } from '../../sources/vcenter/rules.js';

const ALL: RuleDef[] = [...printerRules, ...vsphereRules];

/**
 * Reachability is tracked like a rule named `reachable`, so that it takes the same
 * failures-before-alert / successes-before-recovery settings. Its `severity` option says what an
 * unreachable device becomes: `unknown` (no data) for devices, `critical` for a vCenter itself.
 */
export function reachableRule(kind: DeviceKind): RuleDef {
  return {
    name: 'reachable',
    kind,
    description: 'the device answers; after failures-before-alert failed polls it becomes `severity`',
    defaults: { enabled: true, options: { severity: kind === 'vcenter' ? 'critical' : 'unknown' } },
    optionKeys: {
      severity: (v) => (v === 'unknown' || v === 'warning' || v === 'critical' ? null : 'must be unknown, warning or critical'),
    },
  };
}

const BY_KIND = new Map<DeviceKind, RuleDef[]>();

/** The rules of a kind, `reachable` first. Built once per kind: evaluate() asks for every device. */
export function rulesFor(kind: DeviceKind): readonly RuleDef[] {
  let defs = BY_KIND.get(kind);
  if (!defs) BY_KIND.set(kind, (defs = [reachableRule(kind), ...ALL.filter((r) => r.kind === kind)]));
  return defs;
}

export const KINDS: DeviceKind[] = ['printer', 'vcenter', 'host', 'vm', 'datastore', 'service'];

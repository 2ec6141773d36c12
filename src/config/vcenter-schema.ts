// The `vcenters:` section (issue: vCenter). Owned by the vCenter work; wired into schema.ts.
import type { NetDefaults } from './types.js';
import type { RuleInput } from '../core/rule.js';
import { fail, type Ctx, type YNode } from './validate.js';

export interface VcenterConfig {
  name: string;
  id: string; // vcenter/<name>
  url: string;
  thresholds: Record<string, RuleInput>;
}

export function vcenterEntry(ctx: Ctx, node: YNode, path: string, _defs: NetDefaults): VcenterConfig | undefined {
  return fail(ctx, node, path, 'vcenters are not supported yet');
}

// vCenter, host, VM and datastore rules (issue: vCenter). PURE.
import type { RuleDef } from '../rule.js';

export const vsphereRules: RuleDef[] = [];

// Service rules. PURE.
//
// What counts as reachable for a service: the check could run. A service that answers badly (down,
// refused, wrong status, keyword, certificate, NXDOMAIN, wrong DNS answer) was still checked: its
// `up` rule is critical with the reason, so a dead website alerts as critical, not as unknown.
// `reachable` is false only when the check could not run at all (no ping program, no permission,
// an unreadable ca-file): then nothing is known about the service, and it becomes unknown.
import { kindRules, type RuleDef } from '../../core/rule.js';
import type { ServiceMetrics } from './metrics.js';

export const SERVICE_KIND = 'service';

type M = Partial<ServiceMetrics>;

export const serviceRules: RuleDef<M>[] = [
  {
    name: 'up',
    kind: SERVICE_KIND,
    description: 'the check passed; down, refused, timed out, wrong status, keyword missing or present, certificate refused, name not found, DNS answer not as expected → critical with the reason',
    defaults: { enabled: true },
    // metrics without `up` (never read): nothing to say
    check: (m) => (m.up === false ? { state: 'critical', message: m.error ?? 'check failed' } : { state: 'ok', message: null }),
  },
  {
    name: 'latency-ms',
    kind: SERVICE_KIND,
    description: 'response time in milliseconds (HTTP response, TCP connect, DNS reply, ping average round trip)',
    direction: 'above',
    defaults: { enabled: true, warning: { op: 'above', value: 1000 }, critical: { op: 'above', value: 8000 } },
    measure: (m) => [{ label: 'latency', value: m.latencyMs ?? null, unit: ' ms' }],
  },
  {
    name: 'cert-days',
    kind: SERVICE_KIND,
    description: 'days until the HTTPS certificate expires',
    direction: 'below',
    defaults: { enabled: true, warning: { op: 'below', value: 14 }, critical: { op: 'below', value: 3 } },
    measure: (m) => [{ label: 'certificate expires in', value: m.certDaysLeft ?? null, unit: ' days' }],
  },
  {
    name: 'loss-percent',
    kind: SERVICE_KIND,
    description: 'ping: percent of echo requests without a reply',
    direction: 'above',
    defaults: { enabled: true, warning: { op: 'above', value: 10 }, critical: { op: 'above', value: 50 } },
    measure: (m) => [{ label: 'packet loss', value: m.lossPercent ?? null, unit: '%' }],
  },
];

/** The service kind's rules, `reachable` first: a check that could not run leaves the service unknown. */
export const SERVICE_RULES = kindRules(SERVICE_KIND, 'unknown', serviceRules);

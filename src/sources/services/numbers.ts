// The numbers a service exposes: up (1/0), latency, and per type the certificate's days left (HTTPS),
// packet loss and round trips (ping). In base units (seconds), with the thresholds of the rules in
// force converted to them. PURE.
import type { DeviceRules } from '../../core/evaluate.js';
import type { Level } from '../../core/types.js';
import { levelsOf, type DeviceNumber } from '../../core/numbers.js';
import type { ServiceMetrics } from './metrics.js';

const seconds = (ms: number | null | undefined): number | null => (typeof ms === 'number' ? ms / 1000 : null);
const levelInSeconds = (l: Level | null | undefined): Level | null => (l ? { op: l.op, value: l.value / 1000 } : null);

export function serviceNumbers(m: Partial<ServiceMetrics>, rules: DeviceRules): DeviceNumber[] {
  if (!m.type) return []; // never checked: no figures yet
  const latency = levelsOf(rules['latency-ms']);
  const out: DeviceNumber[] = [
    { name: 'up', key: 'up', title: 'up', value: m.up === undefined ? null : m.up ? 1 : 0, unit: '', min: 0, max: 1 },
    { name: 'latency_seconds', key: 'latency', title: 'latency', value: seconds(m.latencyMs), unit: 's', min: 0, warning: levelInSeconds(latency.warning), critical: levelInSeconds(latency.critical) },
  ];
  if (m.type === 'http' && typeof m.certDaysLeft === 'number') {
    out.push({ name: 'cert_days_left', key: 'cert_days', title: 'certificate days left', value: m.certDaysLeft, unit: '', ...levelsOf(rules['cert-days']) });
  }
  if (m.type === 'ping') {
    out.push({ name: 'loss_percent', key: 'loss', title: 'packet loss', value: m.lossPercent ?? null, unit: '%', min: 0, max: 100, ...levelsOf(rules['loss-percent']) });
    out.push({ name: 'rtt_avg_seconds', key: 'rtt_avg', title: 'average round trip', value: seconds(m.rttAvgMs), unit: 's', min: 0 });
    out.push({ name: 'rtt_max_seconds', key: 'rtt_max', title: 'maximum round trip', value: seconds(m.rttMaxMs), unit: 's', min: 0 });
  }
  return out;
}

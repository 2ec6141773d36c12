// The `queue` rule: a printer whose job queue (IPP) is stuck, or cannot be read, is a warning. PURE.
import type { RuleDef } from '../../core/rule.js';
import type { PrinterMetrics } from './metrics.js';

function age(s: number | null): string {
  if (s === null) return '';
  return s < 5400 ? `${Math.round(s / 60)}m` : s < 129600 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)}d`;
}

export const queueRule: RuleDef<PrinterMetrics> = {
  name: 'queue',
  kind: 'printer',
  description: 'the job queue (ipp:) is stuck — a job older than queue-stuck that makes no progress — or cannot be read: warning',
  defaults: { enabled: true },
  check: (m) => {
    const q = m.queue;
    if (!q) return { state: 'ok', message: null };
    if (q.error) return { state: 'warning', message: `job queue unreadable: ${q.error}` };
    if (q.stuck) return { state: 'warning', message: `job queue stuck: ${q.jobs} job${q.jobs === 1 ? '' : 's'}, oldest ${age(q.oldestJobAgeSeconds)} without progress` };
    return { state: 'ok', message: null };
  },
};

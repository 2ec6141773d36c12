// Service columns of the status table: what is checked, how fast it answered, the certificate's days,
// and the one result that matters for its type (status code, packet loss, DNS answer).
import type { Column } from '../types.js';
import type { ServiceMetrics } from './metrics.js';

const m = (d: { metrics: Record<string, unknown> }) => d.metrics as Partial<ServiceMetrics>;
const has = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** 0.045 → "0.05 ms" (loopback pings), 4.56 → "4.6 ms", 123.4 → "123 ms", 2345 → "2.3 s". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** Long answers and URLs are cut: the JSON keeps them whole. */
function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function result(x: Partial<ServiceMetrics>): string {
  switch (x.type) {
    case 'http': {
      if (!has(x.statusCode)) return '–';
      const redirects = x.redirects ? ` (${x.redirects} redirect${x.redirects === 1 ? '' : 's'})` : '';
      return `${x.statusCode}${redirects}`;
    }
    case 'tcp':
      return x.up ? 'open' : '–';
    case 'ping':
      return has(x.lossPercent) ? `${x.lossPercent}% loss${has(x.rttMaxMs) ? `, max ${formatMs(x.rttMaxMs)}` : ''}` : '–';
    case 'dns':
      return x.answer?.length ? cut(x.answer.join(', '), 40) : '–';
    default:
      return '–';
  }
}

function certDays(x: Partial<ServiceMetrics>): string {
  if (!has(x.certDaysLeft)) return '–';
  if (x.certDaysLeft < 0) return 'expired';
  return String(Math.floor(x.certDaysLeft));
}

export const serviceColumns: Column[] = [
  { header: 'Type', value: (d) => m(d).type ?? '–' },
  { header: 'Target', value: (d) => cut(m(d).target ?? d.target, 50) },
  { header: 'Latency', value: (d) => (has(m(d).latencyMs) ? formatMs(m(d).latencyMs!) : '–') },
  { header: 'Cert days', value: (d) => certDays(m(d)) },
  { header: 'Result', value: (d) => result(m(d)) },
];

// `toner-forecast`: order the toner before it runs out. Off by default; `toner-forecast: { below-days: 7 }`
// warns when a toner or ink supply is forecast to be empty within that many days (the forecast comes from
// the history, see src/app/forecasts.ts; none until a few days of readings show a real decline). PURE.
import type { RuleDef } from '../../core/rule.js';
import type { PrinterMetrics } from './metrics.js';
import { printerNumbers } from './numbers.js';

export const DEFAULT_BELOW_DAYS = 7;

export const tonerForecastRule: RuleDef<PrinterMetrics> = {
  name: 'toner-forecast',
  kind: 'printer',
  description: 'a toner or ink supply forecast (from the history) to run out within `below-days` days (default 7): warning',
  defaults: { enabled: false, options: { 'below-days': DEFAULT_BELOW_DAYS } },
  optionKeys: {
    'below-days': (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 365 ? null : 'must be a number of days from 1 to 365'),
  },
  check: (m, settings, extra) => {
    const limit = Number(settings.options['below-days'] ?? DEFAULT_BELOW_DAYS);
    const f = extra.forecast;
    if (!f) return { state: 'ok', message: null };
    const soon = printerNumbers(m, {})
      .filter((n) => n.forecast && f[n.key]?.daysLeft !== null && f[n.key]?.daysLeft !== undefined && f[n.key].daysLeft! < limit)
      .map((n) => `${n.title} empty in ~${Math.max(0, Math.round(f[n.key].daysLeft!))} days`);
    return soon.length ? { state: 'warning', message: soon.join('; ') } : { state: 'ok', message: null };
  },
};

// How long ago, in the one short form every output uses: 45s, 12m, 5h, 3d.

export function formatAgeMs(fromMs: number, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - fromMs) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** From an ISO time; `never` for none. */
export function formatAge(fromIso: string | null, now: Date): string {
  return fromIso ? formatAgeMs(Date.parse(fromIso), now) : 'never';
}

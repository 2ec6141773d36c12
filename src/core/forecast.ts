// When does a level reach zero? Toner and ink supplies (percent remaining), and — with the same
// function — guest disks and datastores (percent free: `daysLeft` is then the days until full). PURE.
//
// Why Theil–Sen: the slope is the median of the slopes between every pair of points, so up to ~29 % of
// the points can be wrong (a printer that answers 0 % once, a cartridge reported at −2 "unknown" then
// back) without moving it, and it needs no tuning, unlike a least-squares fit that one bad reading at
// 0 % bends by days. It costs O(n²) pairs, so a long series is first reduced to at most `maxPoints`
// time buckets (the median of each), which also smooths the ±1–2 % jitter of supply sensors.
//
// Steps: drop sentinels (negative levels: −1 no restriction, −2 unknown, −3 some remaining) and values
// above 100; find the last replacement (a jump up of more than `replaceJump` points between the median of
// the 3 readings before and the 3 from there on, so a single outlier is not a replacement); fit the
// readings since then (and within `windowDays`); answer only when they span `minSpanDays`, number
// `minPoints`, and fall by at least `minDecline` points and twice the noise (a steady level is null,
// never "infinite").

export interface LevelPoint {
  /** Epoch milliseconds. */
  t: number;
  /** Percent (0–100); null or negative: no reading. */
  v: number | null;
}

export interface ForecastOptions {
  /** A rise of more than this many points is a replacement (cartridge changed, disk grown or cleaned). */
  replaceJump?: number;
  minSpanDays?: number;
  minPoints?: number;
  /** The fitted fall over the fitted span must be at least this many points. */
  minDecline?: number;
  /** Only the recent consumption: readings older than this before `now` are not fitted. */
  windowDays?: number;
  /** Longer series are reduced to this many time buckets before the O(n²) fit. */
  maxPoints?: number;
  /** The level that counts as empty (0). */
  emptyAt?: number;
}

export interface Forecast {
  /** Days from `now` until the fitted level reaches `emptyAt`; 0 when it already has; null: no forecast. */
  daysLeft: number | null;
  /** Points consumed per day (positive when falling); null: no forecast. */
  ratePerDay: number | null;
  /** ISO time of the first reading after the last replacement in the series, or null. */
  replacedAt: string | null;
  /** The fitted level at `now`; null: no forecast. */
  level: number | null;
}

export const FORECAST_DEFAULTS: Required<ForecastOptions> = {
  replaceJump: 20,
  minSpanDays: 3,
  minPoints: 6,
  minDecline: 3,
  windowDays: 30,
  maxPoints: 240,
  emptyAt: 0,
};

const DAY = 86_400_000;
const SIDE = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Indexes (into `pts`) where the level jumps up by more than `jump`: robust to one bad reading. */
export function findReplacements(pts: readonly { t: number; v: number }[], jump: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < pts.length; i++) {
    const before = median(pts.slice(Math.max(0, i - SIDE), i).map((p) => p.v));
    const after = median(pts.slice(i, i + SIDE).map((p) => p.v));
    // the reading itself must be at the new level: the median after it sees the jump one reading early
    if (after - before > jump && pts[i].v - before > jump) {
      out.push(i);
      i += SIDE - 1; // the readings just after a jump see it too: one event
    }
  }
  return out;
}

/** At most `max` points: the median time and value of each of `max` equal time buckets. */
function reduce(pts: readonly { t: number; v: number }[], max: number): { t: number; v: number }[] {
  if (pts.length <= max) return [...pts];
  const t0 = pts[0].t;
  const width = (pts[pts.length - 1].t - t0) / max || 1;
  const buckets = new Map<number, { t: number[]; v: number[] }>();
  for (const p of pts) {
    const b = Math.min(max - 1, Math.floor((p.t - t0) / width));
    let x = buckets.get(b);
    if (!x) buckets.set(b, (x = { t: [], v: [] }));
    x.t.push(p.t);
    x.v.push(p.v);
  }
  return [...buckets.values()].map((x) => ({ t: median(x.t), v: median(x.v) }));
}

/** Theil–Sen: the median of pairwise slopes (per ms), and the median intercept at `at`. */
export function theilSen(pts: readonly { t: number; v: number }[], at: number): { slope: number; level: number } {
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      const dt = pts[j].t - pts[i].t;
      if (dt !== 0) slopes.push((pts[j].v - pts[i].v) / dt);
    }
  }
  const slope = slopes.length ? median(slopes) : 0;
  const level = median(pts.map((p) => p.v + slope * (at - p.t)));
  return { slope, level };
}

/** Days until a falling percentage reaches empty (see the comment at the top of this file). */
export function forecastDaysLeft(points: readonly LevelPoint[], now: Date, opts: ForecastOptions = {}): Forecast {
  const o = { ...FORECAST_DEFAULTS, ...opts };
  const at = now.getTime();
  const valid: { t: number; v: number }[] = [];
  for (const p of points) {
    if (typeof p.v === 'number' && Number.isFinite(p.v) && p.v >= 0 && p.v <= 100 && Number.isFinite(p.t) && p.t <= at) valid.push({ t: p.t, v: p.v });
  }
  valid.sort((a, b) => a.t - b.t);
  const none: Forecast = { daysLeft: null, ratePerDay: null, replacedAt: null, level: null };
  const reps = findReplacements(valid, o.replaceJump);
  const from = reps.length ? reps[reps.length - 1] : 0;
  if (reps.length) none.replacedAt = new Date(valid[from].t).toISOString();
  const recent = valid.slice(from).filter((p) => p.t >= at - o.windowDays * DAY);
  if (recent.length < o.minPoints) return none;
  const spanDays = (recent[recent.length - 1].t - recent[0].t) / DAY;
  if (spanDays < o.minSpanDays) return none;

  const pts = reduce(recent, o.maxPoints);
  const { slope, level } = theilSen(pts, at);
  const perDay = -slope * DAY;
  // noise: the median distance from the line, scaled to a standard deviation for normal noise
  const sigma = 1.4826 * median(pts.map((p) => Math.abs(p.v - (level - slope * (at - p.t)))));
  const decline = perDay * spanDays;
  if (!(perDay > 0) || decline < o.minDecline || decline < 2 * sigma) return none;
  const left = Math.max(0, (level - o.emptyAt) / perDay);
  return { daysLeft: left, ratePerDay: perDay, replacedAt: none.replacedAt, level: Math.max(0, level) };
}

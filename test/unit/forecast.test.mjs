// forecastDaysLeft(): table-driven, one row per behaviour the forecast promises.
import test from 'node:test';
import assert from 'node:assert/strict';
import { forecastDaysLeft, findReplacements, theilSen } from '../../dist/core/forecast.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const now = new Date(NOW);

/** Deterministic jitter in [-amp, +amp] (a linear congruential generator: the same series every run). */
function jitter(seed, amp) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 * amp - amp;
  };
}

/** Readings every `everyH` hours over `days` days ending at NOW, level = f(daysAgo). */
function series(days, everyH, f) {
  const out = [];
  for (let h = days * 24; h >= 0; h -= everyH) out.push({ t: NOW - h * 3_600_000, v: f(h / 24) });
  return out;
}

const close = (actual, expected, rel, msg) => assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * rel, `${msg}: ${actual} not within ${rel * 100}% of ${expected}`);

// name, points, expected: { daysLeft, rate, replaced (bool), tol (relative) } or null for "no forecast"
const rows = [
  ['a linear decline gives the exact answer', series(10, 1, (ago) => 40 + 2 * ago), { daysLeft: 20, rate: 2, tol: 1e-9 }],
  ['readings every 5 minutes (2,881 points) are reduced and give the same exact answer', series(10, 1 / 12, (ago) => 40 + 2 * ago), { daysLeft: 20, rate: 2, tol: 1e-9 }],
  ['±2 % sensor noise stays within 10 %', (() => { const j = jitter(7, 2); return series(14, 1, (ago) => Math.round(30 + 3 * ago + j())); })(), { daysLeft: 10, rate: 3, tol: 0.1 }],
  ['one bad reading at 0 % does not wreck the estimate', (() => { const s = series(10, 6, (ago) => 50 + 2 * ago); s[20].v = 0; return s; })(), { daysLeft: 25, rate: 2, tol: 0.02 }],
  ['a run of −2 (unknown) and −3 (some remaining) sentinels is ignored', (() => { const s = series(10, 6, (ago) => 50 + 2 * ago); for (let i = 10; i < 15; i++) s[i].v = i % 2 ? -2 : -3; s[16].v = null; return s; })(), { daysLeft: 25, rate: 2, tol: 1e-9 }],
  ['a replacement in the middle: the fit starts after it', series(12, 2, (ago) => (ago > 6 ? 5 + 3 * (ago - 6) : 90 + 1.5 * ago - 1.5 * 0)), { daysLeft: 60, rate: 1.5, tol: 1e-9, replaced: true }],
  ['a flat series has no forecast (not infinite)', (() => { const j = jitter(3, 1.5); return series(20, 1, () => Math.round(63 + j())); })(), null],
  ['a rising level has no forecast', series(10, 2, (ago) => 80 - ago), null],
  ['too little time: 2 days of a clear decline', series(2, 1, (ago) => 40 + 5 * ago), null],
  ['too few points: 4 readings over a week', [0, 2, 4, 7].map((ago) => ({ t: NOW - ago * DAY, v: 40 + 2 * ago })), null],
  ['a replacement 2 days ago: too little since, but the replacement is known', series(10, 2, (ago) => (ago > 2 ? 3 + (ago - 2) : 99 - 0.5 * (2 - ago))), { none: true, replaced: true }],
];

for (const [name, points, want] of rows) {
  test(`forecastDaysLeft(): ${name}`, () => {
    const f = forecastDaysLeft(points, now);
    if (want === null || want.none) {
      assert.equal(f.daysLeft, null);
      assert.equal(f.ratePerDay, null);
      assert.equal(f.level, null);
      assert.equal(f.replacedAt !== null, !!want?.replaced);
      return;
    }
    close(f.daysLeft, want.daysLeft, want.tol, 'daysLeft');
    close(f.ratePerDay, want.rate, want.tol, 'ratePerDay');
    assert.equal(f.replacedAt !== null, !!want.replaced);
  });
}

test('forecastDaysLeft(): replacedAt is the first reading at the new level', () => {
  const pts = series(12, 2, (ago) => (ago > 6 ? 5 + 3 * (ago - 6) : 90 + 1.5 * ago));
  const first = pts.find((p) => p.v >= 90);
  assert.equal(forecastDaysLeft(pts, now).replacedAt, new Date(first.t).toISOString());
});

test('forecastDaysLeft(): a level already at empty gives 0 days, and free-space % works the same (days until full)', () => {
  const f = forecastDaysLeft(series(10, 6, (ago) => Math.max(0, -4 + 1 * ago)), now);
  assert.equal(f.daysLeft, 0);
  // a datastore losing 0.5 points of free space a day from 30 % free: full in 60 days
  const ds = forecastDaysLeft(series(20, 1, (ago) => 30 + 0.5 * ago), now);
  close(ds.daysLeft, 60, 1e-9, 'days until full');
});

test('forecastDaysLeft(): readings after now are not used (a clock that went backwards)', () => {
  const pts = [...series(10, 6, (ago) => 40 + 2 * ago), { t: NOW + DAY, v: 100 }];
  close(forecastDaysLeft(pts, now).daysLeft, 20, 1e-9, 'daysLeft');
});

test('findReplacements(): one outlier is not a replacement, a jump is one event', () => {
  const p = (vs) => vs.map((v, i) => ({ t: i, v }));
  assert.deepEqual(findReplacements(p([60, 60, 0, 59, 59, 58]), 20), []);
  assert.deepEqual(findReplacements(p([60, 60, 100, 59, 59, 58]), 20), [], 'one high reading either');
  assert.deepEqual(findReplacements(p([5, 4, 3, 100, 100, 99, 99]), 20), [3]);
  assert.deepEqual(findReplacements(p([5, 4, 3, 100, 99, 98, 30, 29, 28, 27, 95, 94]), 20), [3, 10]);
});

test('theilSen(): exact on a line, unmoved by one wild point in five', () => {
  const line = [0, 1, 2, 3, 4].map((t) => ({ t, v: 10 - 2 * t }));
  assert.deepEqual(theilSen(line, 4), { slope: -2, level: 2 });
  line[2].v = 100;
  assert.deepEqual(theilSen(line, 4), { slope: -2, level: 2 });
});

// sparkline(): block and ASCII bars, gaps, scaling and resampling.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sparkline, isUtf8Locale } from '../../dist/render/sparkline.js';

test('sparkline() maps min..max onto the eight blocks, one character per value when they fit', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 20), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([10, 80], 10), '▁█');
});

test('sparkline() leaves a gap for null, and all-null is all gaps', () => {
  assert.equal(sparkline([0, null, 7], 3), '▁ █');
  assert.equal(sparkline([null, null], 5), '  ');
});

test('sparkline() draws a steady series at mid height, not as a floor', () => {
  assert.equal(sparkline([42, 42, 42], 3), '▄▄▄');
});

test('sparkline() averages slices when there are more values than columns', () => {
  // 8 values into 4 columns: means 0.5, 2.5, 4.5, 6.5 over 0.5..6.5 → bottom, 1/3, 2/3, top
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 4), '▁▃▆█');
  assert.equal(sparkline([0, null, null, null, 7, 7], 3), '▁ █', 'a slice of only nulls is a gap');
  assert.equal([...sparkline(Array.from({ length: 288 }, (_, i) => i), 40)].length, 40);
});

test('sparkline() takes a fixed scale, clamping values outside it', () => {
  assert.equal(sparkline([0, 50, 100, 150, -5], 5, { min: 0, max: 100 }), '▁▅██▁');
});

test('sparkline() falls back to ASCII (boolean or option)', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4], 5, true), '_.-=#');
  assert.equal(sparkline([0, null, 4], 3, { ascii: true }), '_ #');
  assert.match(sparkline([3, 1, 4, 1, 5, 9, 2, 6], 8, true), /^[_.\-=#]{8}$/);
});

test('isUtf8Locale() reads LC_ALL, LC_CTYPE then LANG; no locale (cron) is not UTF-8', () => {
  assert.equal(isUtf8Locale({}), false);
  assert.equal(isUtf8Locale({ LANG: 'C.UTF-8' }), true);
  assert.equal(isUtf8Locale({ LANG: 'en_US.utf8' }), true);
  assert.equal(isUtf8Locale({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }), false);
  assert.equal(isUtf8Locale({ LC_CTYPE: 'de_DE.UTF-8', LANG: 'C' }), true);
});

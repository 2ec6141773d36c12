// The history: section of the config (keep, max-size) and its defaults.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../dist/config/load.js';
import { parseSize } from '../../dist/config/history-schema.js';

const repo = resolve(import.meta.dirname, '..', '..');
const FILE = '/etc/simplemon/monitor.config.yaml';

test('history defaults: keep 35 days, at most 200 MiB; the sample config shows them', () => {
  assert.deepEqual(parseConfig('', FILE, { env: {} }).history, { keepMs: 35 * 86_400_000, maxBytes: 200 * 1024 * 1024 });
  const sample = join(repo, 'monitor.config.yaml');
  assert.deepEqual(parseConfig(readFileSync(sample, 'utf8'), sample, { env: {} }).history, { keepMs: 35 * 86_400_000, maxBytes: 200 * 1024 * 1024 });
});

test('history: keep and max-size are read; bad values are errors with their path', () => {
  assert.deepEqual(parseConfig('history: { keep: 7d, max-size: 2GiB }\n', FILE, { env: {} }).history, { keepMs: 7 * 86_400_000, maxBytes: 2 * 1024 ** 3 });
  assert.throws(() => parseConfig('history: { keep: soon, max-size: lots, kep: 1d }\n', FILE, { env: {} }), (e) => {
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /history\.keep: "soon" is not a duration/);
    assert.match(e.message, /history\.max-size: expected a size/);
    assert.match(e.message, /history\.kep/);
    return true;
  });
});

test('parseSize() reads decimal and binary units', () => {
  assert.equal(parseSize('200MiB'), 200 * 1024 * 1024);
  assert.equal(parseSize('1.5 GB'), 1.5e9);
  assert.equal(parseSize('500k'), 500_000);
  assert.equal(parseSize(4096), 4096);
  assert.equal(parseSize('12 parsecs'), null);
  assert.equal(parseSize('-3MB'), null);
});

// Renderers: tables fit the terminal, device text is cleaned, ages read well.
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, renderKindTable } from '../../dist/render/status.js';
import { clean } from '../../dist/render/sanitize.js';
import { makeChalk } from '../../dist/render/style.js';

test('renderKindTable(): every line of the table fits the given width, long problems wrap', () => {
  const v = {
    id: 'printer/p',
    kind: 'printer',
    name: 'p',
    target: 'h',
    state: 'critical',
    realState: 'critical',
    since: '2026-11-24T00:00:00Z',
    problems: [{ rule: 'toner-low', severity: 'critical', message: 'black toner 3% < 20%; cyan toner 4% < 20%; magenta toner 5% < 20%; yellow toner 6% < 20%' }],
    override: null,
    maintenance: null,
    ack: null,
    blockedBy: null,
    lastSeen: '2026-11-24T00:00:00Z',
    metrics: { pageCount: 1, supplies: [], errors: [], deviceStatus: 'running', printerStatus: 'idle' },
  };
  const now = new Date('2026-11-24T00:01:00Z');
  const out = renderKindTable('printer', [v], { chalk: makeChalk(false), now, width: 100 });
  for (const line of out.split('\n')) assert.ok([...line].length <= 100, `too wide: ${line}`);
  assert.match(out, /│ running\/idle │/, 'short columns keep their natural width: the problems column gives way first');
  assert.match(out, /│ black toner 3% < 20%; /, 'problems wrap on word boundaries');
  const narrow = renderKindTable('printer', [v], { chalk: makeChalk(false), now, width: 80 });
  for (const line of narrow.split('\n')) assert.ok([...line].length <= 80, `too wide: ${line}`);
  const wide = renderKindTable('printer', [v], { chalk: makeChalk(false), now });
  assert.ok(wide.split('\n').some((l) => l.includes('yellow toner 6% < 20%') && l.includes('black toner 3%')), 'no terminal width: one line per device');
});

test('clean(): control characters become visible escapes; tabs become spaces', () => {
  assert.equal(clean('a\x1b[31mb\r\nc\td\u202e'), 'a\\x1b[31mb\\x0d\\x0ac d\\u202e');
  assert.equal(clean(null), '');
});

test('formatAge(): seconds, minutes, hours, days, never', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  assert.equal(formatAge(null, now), 'never');
  assert.equal(formatAge('2026-11-24T11:59:30Z', now), '30s');
  assert.equal(formatAge('2026-11-24T11:30:00Z', now), '30m');
  assert.equal(formatAge('2026-11-24T06:00:00Z', now), '6h');
  assert.equal(formatAge('2026-11-20T12:00:00Z', now), '4d');
});

// The temporary numbersOf (until sources declare their numbers): what it derives from today's metric shapes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fallbackNumbersOf } from '../../dist/render/numbers-fallback.js';
import { resolveRule } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/core/rules/index.js';
import { printer, host, supply } from '../helpers/views.mjs';

/** The rule settings a device gets from built-in defaults plus a kind-level config entry. */
const rulesOf = (config = {}) => (d) => Object.fromEntries(rulesFor(d.kind).map((def) => [def.name, resolveRule(def, config[d.kind]?.[def.name])]));

test('printer: one supply_percent per supply; the toner-low levels only on toner and ink, never on receptacles or level -3', () => {
  const v = printer('p', {
    supplies: [
      supply('1.1', 'Black Toner, HP 89A', 12),
      supply('1.2', 'Waste Toner Box', 80, 'wasteToner', 'receptacleThatIsFilled'),
      { ...supply('1.3', 'Cyan Toner', 50), level: -3 },
      supply('1.4', 'Black Toner', 40),
      supply('1.5', null, 70, 'fuser'),
    ],
  });
  const ns = fallbackNumbersOf(rulesOf())(v);
  assert.deepEqual(ns.map((n) => [n.key, n.value, n.critical?.value ?? null, n.labels?.supply ?? null]), [
    ['black_toner', 12, 20, 'black toner'],
    ['waste_toner_box', 80, null, 'waste toner box'],
    ['cyan_toner', 50, null, 'cyan toner'],
    ['black_toner_2', 40, 20, 'black toner'],
    ['supply_1_5', 70, null, 'supply 1.5'],
    ['pages', 48213, null, null],
  ]);
  assert.equal(ns.at(-1).unit, 'c');
});

test('thresholds follow the config; a rule turned off gives none', () => {
  const h = host('vc1', 'esx1');
  const on = fallbackNumbersOf(rulesOf({ host: { cpu: { warning: { op: 'above', value: 70 } } } }))(h);
  assert.deepEqual([on[0].warning, on[0].critical], [{ op: 'above', value: 70 }, { op: 'above', value: 80 }]);
  const off = fallbackNumbersOf(rulesOf({ host: { cpu: { enabled: false } } }))(h);
  assert.deepEqual([off[0].warning, off[0].critical], [null, null]);
  assert.deepEqual(fallbackNumbersOf()(h).map((n) => n.key), ['cpu', 'memory', 'uptime'], 'without rulesOf: numbers, no thresholds');
});

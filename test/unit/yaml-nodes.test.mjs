// config/yaml-nodes.ts recognises YAML nodes without loading the library; it must agree with yaml's own
// guards on every kind of node a config can hold.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'yaml';
import { isMap, isScalar, isSeq } from '../../dist/config/yaml-nodes.js';

test('isMap, isScalar and isSeq agree with yaml\'s own on every node of a document', () => {
  const doc = yaml.parseDocument('a: 1\nb: [x, "y", { c: d }]\ne: { f: [1, 2] }\ng: &anchor h\ni: *anchor\nj: |\n  block\nk: null\nl:\n  - m\n  - n: o\n');
  const nodes = [doc, doc.contents, null, undefined, 'text', 42, {}];
  yaml.visit(doc, { Node: (_k, n) => void nodes.push(n), Pair: (_k, p) => void nodes.push(p) });
  let seen = { map: 0, scalar: 0, seq: 0 };
  for (const n of nodes) {
    assert.equal(isMap(n), yaml.isMap(n));
    assert.equal(isScalar(n), yaml.isScalar(n));
    assert.equal(isSeq(n), yaml.isSeq(n));
    seen = { map: seen.map + isMap(n), scalar: seen.scalar + isScalar(n), seq: seen.seq + isSeq(n) };
  }
  assert.ok(seen.map >= 3 && seen.scalar >= 10 && seen.seq >= 3, JSON.stringify(seen));
});

test('status loads no YAML library when the compiled config is current', async () => {
  // the config section parsers import only the guards; yaml itself is loaded by a full parse
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  for (const f of ['config/validate.js', 'config/schema.js', 'config/rules.js', 'config/email-schema.js', 'config/history-schema.js', 'sources/services/config.js', 'config/cache.js']) {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'dist', f), 'utf8');
    assert.ok(!/^import [^;]*from 'yaml'/m.test(text), `${f} imports yaml at run time`);
  }
});

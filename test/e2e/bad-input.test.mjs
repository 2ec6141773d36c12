// The bad-input corpus (test/fixtures/bad/): every config and state file in the table, run through the
// CLI, must give exactly its error text and exit code, and leave a bad state file untouched.
// Placeholders in the table: {file} the config file, {state} the state file, {dir} their folder.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, appendFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { cli, repo } from '../helpers/cli.mjs';

const BAD = join(repo, 'test', 'fixtures', 'bad');
const cases = JSON.parse(readFileSync(join(BAD, 'cases.json'), 'utf8'));

/** A config whose only fault is the state file under test; its printer is never reached (the state fails first). */
const STATE_CONFIG = ['state-file: state.json', 'lock-timeout: 2s', 'defaults: { timeout: 200ms, retries: 0 }', 'printers:', '  - { name: a, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: public } }', ''].join('\n');

test('the corpus covers every file in test/fixtures/bad, and every case names an existing file', () => {
  const listed = new Set(cases.map((c) => c.file));
  for (const sub of ['config', 'state']) {
    for (const f of readdirSync(join(BAD, sub))) assert.ok(listed.has(`${sub}/${f}`), `${sub}/${f} has no row in cases.json`);
  }
  for (const c of cases) assert.ok(existsSync(join(BAD, c.file)), c.file);
});

for (const c of cases) {
  test(`bad ${c.file}: ${c.why}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simplemon-bad-'));
    let file;
    const state = join(dir, 'state.json');
    if (c.file.startsWith('config/')) {
      file = join(dir, basename(c.file));
      copyFileSync(join(BAD, c.file), file);
      if (c.padTo) {
        const line = `# padding ${'x'.repeat(100)}\n`;
        appendFileSync(file, line.repeat(Math.ceil(c.padTo / line.length)));
        assert.ok(statSync(file).size >= c.padTo);
      }
    } else {
      file = join(dir, 'monitor.config.yaml');
      writeFileSync(file, STATE_CONFIG);
      copyFileSync(join(BAD, c.file), state);
    }
    const before = existsSync(state) ? readFileSync(state) : null;
    const fill = (s) => s.replaceAll('{file}', file).replaceAll('{state}', state).replaceAll('{dir}', dir);
    const t0 = Date.now();
    const r = await cli([...c.args, '--config', file], { env: c.env ?? {} });
    assert.equal(r.stderr, fill(c.stderr));
    assert.equal(r.code, c.exit);
    assert.equal(r.stdout, '');
    assert.ok(Date.now() - t0 < 10_000, 'a clear error at once, not after minutes');
    if (before) {
      assert.deepEqual(readFileSync(state), before, 'the bad state file is left untouched');
      assert.ok(!existsSync(`${state}.lock`), 'and the lock released');
    }
  });
}

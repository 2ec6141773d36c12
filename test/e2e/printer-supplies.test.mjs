// The built CLI against a printer with worn parts, a full waste box and its own alerts (the shop-laser
// fixture on snmpsim): poll names why in what cron mails, status shows it, status --json carries the
// contract's new printer fields.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { cli, repo } from '../helpers/cli.mjs';

let sim;
let config;
before(async () => {
  sim = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'shop-laser.snmprec')] });
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-e2e-supplies-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    ['state-file: state.json', 'defaults: { timeout: 1s, retries: 0 }', 'printers:', `  - { name: shop, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: shop-laser } }`, ''].join('\n'),
  );
});
after(async () => {
  await sim?.stop();
});

test('poll prints why the printer is in warning; status shows parts, waste box and alerts; --json carries alerts and console', async () => {
  const poll = await cli(['poll', '--config', config]);
  assert.equal(poll.code, 0, poll.stderr);
  assert.match(poll.stdout, /printer\/shop: new -> warning/);
  for (const text of ['drum unit 8% < 10%', 'waste toner box 93% full > 90% full', 'device status warning: Drum life almost over (marker supplies), Waste toner box nearly full (marker supplies), Tray 2 paper low (input)']) {
    assert.ok(poll.stdout.includes(text), `poll output names "${text}":\n${poll.stdout}`);
  }

  const status = await cli(['status', '--config', config], { env: { COLUMNS: '400' } });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /black 62%/);
  assert.match(status.stdout, /Drum life almost over, Waste toner box nearly full, Tray 2 paper low/, 'the Errors column says why');

  const json = await cli(['status', '--json', '--config', config]);
  const shop = JSON.parse(json.stdout).devices[0];
  assert.equal(shop.state, 'warning');
  // in the order of the printer's rules: toner-low, printer-status, supply-low, waste-full
  assert.deepEqual(shop.problems.map((p) => [p.rule, p.severity]), [
    ['printer-status', 'warning'],
    ['supply-low', 'warning'],
    ['waste-full', 'warning'],
  ]);
  assert.equal(shop.metrics.alerts.length, 4);
  for (const a of shop.metrics.alerts) assert.deepEqual(Object.keys(a), ['severity', 'group', 'description', 'code']);
  assert.deepEqual(shop.metrics.alerts[0], { severity: 'warning', group: 'markerSupplies', description: 'Drum life almost over', code: 'markerOpcLifeAlmostOver' });
  assert.deepEqual(shop.metrics.console, ['Drum life low', 'Replace soon']);
  assert.equal(shop.metrics.supplies.find((s) => s.description === 'Maintenance Kit').percent, 50, 'level −3 keeps its estimate in the JSON');
});

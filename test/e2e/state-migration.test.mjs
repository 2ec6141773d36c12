// A state written by simplemon before schema 2 (the demo's, test/fixtures/state/v1-demo) shows the same in
// every read-only output once it is migrated: `status`, `status --json`, `check`, `export --format
// openmetrics` and the HTML page print the same from the version 1 file and from the version 2 files
// (state + readings) its first save writes.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.mjs';
import { openAppState } from '../../dist/app/state.js';
import { readingsFile } from '../../dist/state/store.js';

const FIXTURE = new URL('../fixtures/state/v1-demo/', import.meta.url);
let v1;
let v2;

/** A folder with the demo's config and its version 1 state. */
function site(name) {
  const dir = join(mkdtempSync(join(tmpdir(), 'simplemon-migrate-')), name);
  mkdirSync(dir);
  copyFileSync(new URL('monitor.config.yaml', FIXTURE), join(dir, 'monitor.config.yaml'));
  copyFileSync(new URL('state.json', FIXTURE), join(dir, 'state.json'));
  return dir;
}

before(async () => {
  v1 = site('v1');
  v2 = site('v2');
  // any command that saves migrates: the store's own first save
  const store = await openAppState(join(v2, 'state.json'), { lockTimeoutMs: 1000, command: 'test' });
  await store.save();
  await store.close();
  assert.equal(JSON.parse(readFileSync(join(v2, 'state.json'), 'utf8')).schemaVersion, 2);
  assert.ok(existsSync(readingsFile(join(v2, 'state.json'))));
  assert.ok(existsSync(join(v2, 'state.json.v1.bak')));
  assert.equal(JSON.parse(readFileSync(join(v1, 'state.json'), 'utf8')).schemaVersion, 1);
});

/** Run the same read-only command on both sites, back to back; what differs is only the site's folder. */
async function both(args, env = {}) {
  const run = (dir) => cli([...args.map((a) => a.replace('{dir}', dir)), '--config', join(dir, 'monitor.config.yaml')], { env: { COLUMNS: '200', ...env } });
  const [a, b] = [await run(v1), await run(v2)];
  assert.equal(a.stderr, '', `v1: ${a.stderr}`);
  assert.equal(b.stderr, '', `v2: ${b.stderr}`);
  assert.equal(b.code, a.code);
  return [a.stdout.replaceAll(v1, '<site>'), b.stdout.replaceAll(v2, '<site>')];
}

test('status --json prints the same devices, states, problems, metrics and forecasts', async () => {
  const [a, b] = await both(['status', '--json']);
  const ja = JSON.parse(a);
  assert.equal(ja.devices.length, 18);
  assert.ok(ja.devices.some((d) => d.kind === 'vm' && d.metrics.disks.length), 'VM metrics are there to compare');
  assert.ok(ja.devices.some((d) => d.forecast), 'forecasts are there to compare');
  assert.deepEqual(JSON.parse(b), ja);
  assert.equal(b, a, 'byte for byte');
});

test('status prints the same tables', async () => {
  const [a, b] = await both(['status']);
  assert.match(a, /DC0_C0_RP0_VM2/);
  assert.match(a, /CPU 97% > 80%/);
  assert.equal(b, a);
});

test('check prints the same Nagios line and perfdata, with the same exit code', async () => {
  for (const target of ['vm/lab/DC0_C0_RP0_VM2', 'printer/reception', 'host/lab/DC0_C0_H3', 'printer/*']) {
    const [a, b] = await both(['check', target, '--stale-after', '3650d']);
    assert.match(a, /\|/, `${target}: perfdata to compare`);
    assert.equal(b, a, target);
  }
});

test('export --format openmetrics prints the same samples', async () => {
  const [a, b] = await both(['export', '--format', 'openmetrics']);
  assert.match(a, /simplemon_vm_disk_free_percent\{/);
  assert.equal(b, a);
});

test('the HTML page shows the same', async () => {
  await both(['status', '--html', '{dir}/page.html']);
  const a = readFileSync(join(v1, 'page.html'), 'utf8');
  const b = readFileSync(join(v2, 'page.html'), 'utf8');
  assert.match(a, /DC0_C0_RP0_VM2/);
  // the page says when it was made: the two runs are a moment apart
  const stamp = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z|\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?/g;
  assert.equal(b.replace(stamp, '<time>'), a.replace(stamp, '<time>'));
});

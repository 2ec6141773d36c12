// Commands run in-process with a context of their own (stdout, stderr, env, clock): no child process,
// and what they print, their exit code and the clock they see are all the test's.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusCommand } from '../../dist/cli/commands/status.js';
import { configValidate } from '../../dist/cli/commands/config.js';
import { eventsCommand } from '../../dist/cli/commands/events.js';
import { emptyAppState } from '../../dist/app/state.js';

function context(config, now = new Date('2026-12-01T10:00:00Z'), env = {}) {
  const out = [];
  const err = [];
  return {
    out,
    err,
    ctx: { config, color: false, stdout: { write: (s) => out.push(s), isTTY: false }, stderr: { write: (s) => err.push(s) }, env, now: () => now },
  };
}

function site() {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-ctx-'));
  const config = join(dir, 'monitor.config.yaml');
  writeFileSync(config, 'state-file: state.json\npoll-interval: 5m\nprinters:\n  - { name: lobby, address: 192.0.2.10, snmp: { version: 2c, community-file: c.txt } }\n');
  writeFileSync(join(dir, 'c.txt'), 'public\n', { mode: 0o600 });
  const state = emptyAppState();
  state.checkedAt = '2026-12-01T09:00:00.000Z';
  state.events.push({ at: '2026-12-01T09:00:00.000Z', type: 'ack', device: 'printer/lobby', message: 'acknowledged by ann: ordered' });
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state), { mode: 0o600 });
  return config;
}

test('status --json in-process: the context clock decides staleness, the context stdout gets the JSON', async () => {
  const config = site();
  const fresh = context(config, new Date('2026-12-01T09:05:00Z'));
  assert.equal(await statusCommand(fresh.ctx, undefined, { json: true }), 0);
  const j = JSON.parse(fresh.out.join(''));
  assert.deepEqual(j.devices.map((d) => d.id), ['printer/lobby']);
  assert.equal(j.stale, false);
  const late = context(config, new Date('2026-12-01T11:00:00Z'));
  await statusCommand(late.ctx, undefined, { json: true });
  assert.equal(JSON.parse(late.out.join('')).stale, true, '2 h after the last poll, at poll-interval 5m');
});

test('the table without a UTF-8 locale in the context env is ASCII; with one, it is not', async () => {
  const config = site();
  const ascii = context(config, undefined, {});
  await statusCommand(ascii.ctx, undefined, {});
  assert.doesNotMatch(ascii.out.join(''), /—/);
  const utf8 = context(config, undefined, { LANG: 'C.UTF-8' });
  await statusCommand(utf8.ctx, undefined, {});
  assert.match(utf8.out.join(''), /—/);
});

test('config validate and events print to the context streams and return their exit code', async () => {
  const config = site();
  const v = context(config);
  assert.equal(await configValidate(v.ctx), 0);
  assert.match(v.out.join(''), /monitor\.config\.yaml: ok — 1 printer\(s\)/);
  const e = context(config);
  assert.equal(await eventsCommand(e.ctx, { since: '7d' }), 0);
  assert.match(e.out.join(''), /acknowledged by ann: ordered/);
});

// The state store on real temp folders: atomic 0600 writes, the lock, corrupt and newer files.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, statSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { openState, readState } from '../../dist/state/store.js';
import { openAppState } from '../../dist/app/state.js';
import { acquireLock } from '../../dist/state/lock.js';
import { migrate } from '../../dist/state/migrate.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'simplemon-state-'));

test('a missing state file reads as an empty state; saving creates it with mode 0600 and no temp files left', async () => {
  const dir = tmp();
  const file = join(dir, 'sub', 'state.json');
  const store = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  assert.deepEqual(store.data.devices, {});
  assert.equal(store.data.schemaVersion, 2);
  store.data.checkedAt = '2026-11-24T00:00:00.000Z';
  await store.save();
  await store.close();
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['state.json'], 'no temp or lock file left behind');
  assert.equal((await readState(file)).checkedAt, '2026-11-24T00:00:00.000Z');
});

test('a corrupt state file is a clear error naming the file, and is left untouched', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  writeFileSync(file, '{"schemaVersion":1,"devices":{');
  await assert.rejects(openState(file, { lockTimeoutMs: 1000, command: 'test' }), (e) => {
    assert.equal(e.exitCode, 1);
    assert.match(e.message, new RegExp(`state file ${file} cannot be used: it is not valid JSON`));
    assert.match(e.message, /left untouched/);
    return true;
  });
  assert.equal(readFileSync(file, 'utf8'), '{"schemaVersion":1,"devices":{');
  assert.ok(!existsSync(`${file}.lock`), 'the lock is released after the failure');
  await assert.rejects(readState(file), /not valid JSON/);
});

test('a state file from a newer schema is refused, not overwritten', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  writeFileSync(file, JSON.stringify({ schemaVersion: 99, devices: {} }));
  await assert.rejects(readState(file), /written by a newer simplemon \(schemaVersion 99; this one reads up to 2\)/);
});

test('a wrongly shaped state file is refused with the reason', () => {
  assert.throws(() => migrate({ schemaVersion: 1, devices: [], events: [] }), /"devices" is not an object/);
  assert.throws(() => migrate([1, 2]), /not a JSON object/);
  assert.throws(() => migrate({ schemaVersion: 1, devices: { 'printer/a': { state: 'ok' } } }), /device "printer\/a" is malformed/);
});

test('an unversioned (v0) state file is migrated, and the old file is kept as .v0.bak on the first save', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  writeFileSync(file, JSON.stringify({ devices: {}, events: [{ at: 'x', type: 'transition', device: 'printer/a' }] }));
  const store = await openState(file, { lockTimeoutMs: 1000, command: 'test' });
  assert.equal(store.data.schemaVersion, 2);
  assert.equal(store.data.events.length, 1);
  await store.save();
  await store.close();
  assert.ok(existsSync(`${file}.v0.bak`));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).schemaVersion, 2);
});

test('a second holder waits for the lock, then gives up with a message naming the holder', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const first = await openState(file, { lockTimeoutMs: 1000, command: 'poll' });
  const t0 = Date.now();
  await assert.rejects(openState(file, { lockTimeoutMs: 300, command: 'poll' }), (e) => {
    assert.equal(e.exitCode, 1);
    assert.match(e.message, new RegExp(`locked by simplemon poll \\(pid ${process.pid}`));
    return true;
  });
  assert.ok(Date.now() - t0 >= 250, 'it waited before giving up');
  // released while the second one waits: it gets the lock
  const waiting = openState(file, { lockTimeoutMs: 5000, command: 'override' });
  setTimeout(() => first.close(), 100);
  const second = await waiting;
  await second.close();
});

test('a lock left by a dead process is taken over', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid;
  await new Promise((r) => child.on('exit', r));
  writeFileSync(`${file}.lock`, JSON.stringify({ pid, host: (await import('node:os')).hostname(), since: 'x', command: 'poll' }));
  const lock = await acquireLock(file, 500, 'test');
  assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
  await lock.release();
});

test('writes under the lock never interleave: 20 concurrent writers each add one event, none is lost', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const store = await openState(file, { lockTimeoutMs: 10_000, command: `w${i}` });
      try {
        store.data.events.push({ at: 'x', type: 'ack', device: `d${i}` });
        await store.save();
      } finally {
        await store.close();
      }
    }),
  );
  const st = await readState(file);
  assert.equal(st.events.length, 20);
});

test('a corrupt state file\'s bytes in the error have their control characters made visible (no ESC/OSC reaches a terminal)', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const evil = '\x1b]0;owned\x07\x1b[2J{"schemaVersion":1';
  writeFileSync(file, evil);
  await assert.rejects(readState(file), (e) => {
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /not valid JSON/);
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(e.message), `raw control characters in: ${JSON.stringify(e.message)}`);
    assert.match(e.message, /\\x1b/);
    assert.ok(e.cause, 'the parse error is kept as the cause');
    return true;
  });
  assert.equal(readFileSync(file, 'utf8'), evil);
});

for (const [field, value, reason] of [
  ['notify.outbox', {}, '"notify.outbox" is not a list (it is an object)'],
  ['notify.history', 'x', '"notify.history" is not a list (it is a string)'],
  ['notify.notified', [], '"notify.notified" is not an object (it is a list)'],
  ['notify.seq', '7', '"notify.seq" is not a whole number (it is a string)'],
  ['devices', [], '"devices" is not an object (it is a list)'],
  ['events', {}, '"events" is not a list (it is an object)'],
  ['overrides', 5, '"overrides" is not an object (it is a number)'],
  ['acks', null, '"acks" is not an object (it is null)'],
  ['checkedAt', 12, '"checkedAt" is not a time or null (it is a number)'],
]) {
  test(`a state file whose ${field} has the wrong type is a state-file error naming the file and the field, and is left untouched`, async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    const st = { schemaVersion: 1, checkedAt: null, devices: {}, events: [], overrides: {}, acks: {}, sources: {}, notify: { notified: {}, outbox: [], history: [], seq: 0 } };
    const [a, b] = field.split('.');
    if (b) st[a][b] = value;
    else st[a] = value;
    const text = JSON.stringify(st);
    writeFileSync(file, text);
    // the notify section is checked by its owner, which the app hands to the store (src/app/state.ts)
    await assert.rejects(openAppState(file, { lockTimeoutMs: 1000, command: 'poll' }), (e) => {
      assert.equal(e.exitCode, 1);
      assert.equal(e.message, `state file ${file} cannot be used: ${reason}. It was left untouched; fix it, or move it away to start afresh.`);
      return true;
    });
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.ok(!existsSync(`${file}.lock`));
  });
}

test('a state file replaced by a symbolic link is refused: never read through, never replaced, the target untouched', async () => {
  const { symlinkSync, lstatSync } = await import('node:fs');
  const dir = tmp();
  const file = join(dir, 'state.json');
  const target = join(dir, 'precious.txt');
  writeFileSync(target, 'root:$6$secret-hash:19000:0:99999:7:::\n');
  symlinkSync(target, file);
  for (const open of [() => openState(file, { lockTimeoutMs: 1000, command: 'poll' }), () => readState(file)]) {
    await assert.rejects(open(), (e) => {
      assert.equal(e.exitCode, 1);
      assert.match(e.message, new RegExp(`state file ${file} cannot be used: it is a symbolic link, and simplemon does not follow one`));
      assert.ok(!e.message.includes('secret-hash'), 'nothing of the target is shown');
      return true;
    });
  }
  assert.ok(lstatSync(file).isSymbolicLink());
  assert.equal(readFileSync(target, 'utf8'), 'root:$6$secret-hash:19000:0:99999:7:::\n');
});

// The state lock on real temp folders: mutual exclusion while a dead holder's lock is taken over by many
// at once, empty and garbled lock files, abandoned takeover guards.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { acquireLock } from '../../dist/state/lock.js';
import { openState, readState } from '../../dist/state/store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'simplemon-lock-'));

/** The pid of a process that has exited (and been reaped): a dead holder. */
async function deadPid() {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid;
}

const staleInfo = (pid, nonce) => JSON.stringify({ pid, host: hostname(), since: '2026-11-30T00:00:00.000Z', command: 'poll', ...(nonce ? { nonce } : {}) });
const age = (file, seconds) => {
  const t = new Date(Date.now() - seconds * 1000);
  utimesSync(file, t, t);
};

test('a dead holder\'s lock taken over by 12 contenders at once: never two holders, taken over once (20 rounds)', async () => {
  const pid = await deadPid();
  const overlapped = [];
  const takeovers = [];
  for (let round = 0; round < 20; round++) {
    const dir = tmp();
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.lock`, staleInfo(pid, round % 2 ? 'ab'.repeat(16) : undefined));
    let inside = 0;
    let most = 0;
    const warned = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        // staggered starts, as processes started together are: some find the dead lock while others take it over
        await new Promise((r) => setTimeout(r, i % 4));
        const lock = await acquireLock(file, 10_000, `c${i}`, { warn: (l) => warned.push(l) });
        inside++;
        most = Math.max(most, inside);
        // hold it a while, as a poll does, so that a second holder would overlap
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        await lock.release();
      }),
    );
    if (most > 1) overlapped.push(round);
    takeovers.push(warned);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('state.json') || f.startsWith('.')), [], `round ${round}: no lock, guard or temp file left`);
  }
  assert.deepEqual(overlapped, [], 'rounds in which two contenders held the lock at once');
  for (const warned of takeovers) {
    assert.equal(warned.length, 1, `the dead lock is taken over exactly once: ${warned.join(' | ')}`);
    assert.match(warned[0], new RegExp(`took over the state lock .*state\\.json\\.lock from simplemon poll \\(pid ${pid} on .*\\), which is no longer running`));
  }
});

test('a dead holder\'s lock with 20 concurrent state writers: none of their changes is lost', async () => {
  const pid = await deadPid();
  for (let round = 0; round < 3; round++) {
    const dir = tmp();
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.lock`, staleInfo(pid));
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const store = await openState(file, { lockTimeoutMs: 10_000, command: `w${i}`, warn: () => {} });
        try {
          store.data.overrides[`printer/p${i}`] = { state: 'ok', reason: `r${i}`, by: 't', since: 'x', until: null };
          await store.save();
        } finally {
          await store.close();
        }
      }),
    );
    assert.equal(Object.keys((await readState(file)).overrides).length, 20, `round ${round}`);
  }
});

for (const [what, content] of [
  ['an empty lock file', ''],
  ['a garbled lock file (half-written JSON with an escape sequence)', '{"pid":12\x1b]0;pwned\x07'],
  ['a lock file that is JSON but not a lock', '[]'],
]) {
  test(`${what} (left by an old version, a full disk or kill -9) is taken over, with a line saying so`, async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.lock`, content);
    age(`${file}.lock`, 60);
    const warned = [];
    const t0 = Date.now();
    const lock = await acquireLock(file, 5000, 'poll', { warn: (l) => warned.push(l) });
    assert.ok(Date.now() - t0 < 2000, 'taken over at once, not after lock-timeout');
    assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
    assert.equal(warned.length, 1);
    assert.match(warned[0], /took over the state lock .*state\.json\.lock from (an empty lock file|an unreadable lock file \(".*"\))$/);
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(warned[0]), `control characters made visible: ${JSON.stringify(warned[0])}`);
    if (content.includes('\x1b')) assert.match(warned[0], /\\x1b\]0;pwned\\x07/);
    await lock.release();
    assert.ok(!existsSync(`${file}.lock`));
  });
}

test('an empty lock file only just created is given time (an old simplemon writes it next), then taken over', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  writeFileSync(`${file}.lock`, '');
  await assert.rejects(acquireLock(file, 300, 'poll', { warn: () => {} }), /locked by an empty lock file \(taken over once it is 2s old\)/);
  const warned = [];
  const lock = await acquireLock(file, 10_000, 'poll', { warn: (l) => warned.push(l) });
  assert.equal(warned.length, 1);
  await lock.release();
});

test('a takeover guard left by a process killed mid-takeover does not wedge the lock', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const pid = await deadPid();
  const nonce = 'cd'.repeat(16);
  writeFileSync(`${file}.lock`, staleInfo(pid, nonce));
  writeFileSync(`${file}.lock.takeover-${nonce}`, staleInfo(pid, 'ef'.repeat(16)));
  const warned = [];
  const lock = await acquireLock(file, 3000, 'poll', { warn: (l) => warned.push(l) });
  assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
  assert.equal(warned.length, 1);
  await lock.release();
  assert.deepEqual(readdirSync(dir), [], 'the abandoned guard is gone too');
});

test('while a live process holds the takeover guard, nobody else removes the dead lock', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  const nonce = '12'.repeat(16);
  writeFileSync(`${file}.lock`, staleInfo(await deadPid(), nonce));
  writeFileSync(`${file}.lock.takeover-${nonce}`, staleInfo(process.pid, '34'.repeat(16)));
  await assert.rejects(acquireLock(file, 300, 'poll', { warn: () => {} }), /is locked by simplemon poll \(pid \d+ on .*\), which is no longer running, and another process \(see .*\.takeover-\*\) has been taking it over all this time/);
  assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).nonce, nonce, 'the lock is still there');
});

test('a lock held by a live process on this host is never taken over, whatever its format', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  writeFileSync(`${file}.lock`, staleInfo(process.pid));
  age(`${file}.lock`, 3600);
  await assert.rejects(acquireLock(file, 200, 'override', { warn: () => assert.fail('no takeover') }), new RegExp(`locked by simplemon poll \\(pid ${process.pid}`));
});

test('the lock file appears whole: a reader racing its creation never sees it empty', async () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  let stop = false;
  let seen = 0;
  const bad = [];
  const reader = (async () => {
    while (!stop) {
      try {
        const t = readFileSync(`${file}.lock`, 'utf8');
        seen++;
        try {
          JSON.parse(t);
        } catch {
          bad.push(t);
        }
      } catch {}
      await new Promise((r) => setImmediate(r));
    }
  })();
  for (let i = 0; i < 300; i++) {
    const lock = await acquireLock(file, 1000, 'poll');
    await lock.release();
  }
  stop = true;
  await reader;
  assert.deepEqual(bad, [], 'never an empty or partial lock file');
  assert.ok(seen > 0, 'the reader did see lock files');
});

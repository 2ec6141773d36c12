// status --watch without a real terminal (issue 12, item 4): the header and frame as strings, and the
// watch loop driven through a fake terminal and node's mock timers — ticks, a poll never started
// twice, and the terminal given back on every way out. The real terminal is test/e2e/watch.test.mjs.
import test, { describe, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TERM, fitLine, watchFrame, watchHeader } from '../../dist/render/watch.js';
import { parseWatchInterval, splitWatchArgs, watchStatus } from '../../dist/cli/watch.js';
import { loadConfig } from '../../dist/config/load.js';

describe('watchHeader() and watchFrame()', () => {
  const at = new Date(2026, 11, 1, 15, 10, 42);
  test('the header names the interval, the last poll, its duration, the progress and q to quit', () => {
    assert.equal(watchHeader({ intervalMs: 5000, last: { at, ms: 1234 }, polling: null, error: null }), 'simplemon status --watch every 5s · last poll 15:10:42 took 1.2 s · q to quit');
    assert.equal(watchHeader({ intervalMs: 60_000, last: { at, ms: 85 }, polling: { progress: 'printers 3/5' }, error: null }), 'simplemon status --watch every 1m · last poll 15:10:42 took 85 ms · polling… printers 3/5 · q to quit');
    assert.equal(watchHeader({ intervalMs: 2000, last: null, polling: { progress: '' }, error: null }), 'simplemon status --watch every 2s · no poll yet · polling… · q to quit');
    assert.equal(watchHeader({ intervalMs: 2000, last: { at, ms: 10 }, polling: null, error: 'state lock held by poll (pid 42)\x1b[31m' }), 'simplemon status --watch every 2s · last poll failed: state lock held by poll (pid 42)\\x1b[31m · q to quit');
  });

  test('a narrow header loses its name, then its interval, then the middle: q to quit stays', () => {
    const h = { intervalMs: 5000, last: { at, ms: 1234 }, polling: { progress: 'printers 120/200, vCenter vc1 2 pages' }, error: null };
    assert.equal(watchHeader(h, 101), 'every 5s · last poll 15:10:42 took 1.2 s · polling… printers 120/200, vCenter vc1 2 pages · q to quit');
    assert.equal(watchHeader(h, 126), 'simplemon status --watch every 5s · last poll 15:10:42 took 1.2 s · polling… printers 120/200, vCenter vc1 2 pages · q to quit');
    assert.equal(watchHeader(h, 100), 'last poll 15:10:42 took 1.2 s · polling… printers 120/200, vCenter vc1 2 pages · q to quit');
    const cut = watchHeader(h, 50);
    assert.equal([...cut].length, 50);
    assert.ok(cut.endsWith('… · q to quit'), cut);
    assert.equal(watchHeader(h, 5), 'q to…');
  });

  test('fitLine() cuts to the width with …, and leaves a short line alone', () => {
    assert.equal(fitLine('abcdef', 6), 'abcdef');
    assert.equal(fitLine('abcdefgh', 6), 'abcde…');
  });

  test('a frame starts at the top, clears each line to its end and the rest of the screen, and never scrolls', () => {
    const f = watchFrame('head', 'one\ntwo\n', { columns: 80, rows: 24 });
    assert.equal(f, `${TERM.home}head${TERM.clearLine}\r\none${TERM.clearLine}\r\ntwo${TERM.clearLine}${TERM.clearBelow}`);
    const body = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const tall = watchFrame('head', body, { columns: 80, rows: 10 });
    const lines = tall.split('\r\n');
    assert.equal(lines.length, 10, 'exactly the rows of the screen');
    assert.match(lines.at(-1), /^… 22 more lines: a taller terminal, or status --watch --problems/);
    assert.ok(!tall.endsWith('\n'), 'no newline after the last row');
  });
});

test('parseWatchInterval(): 5s by default, durations, at least 2s; splitWatchArgs() takes a kind given right after --watch', () => {
  assert.equal(parseWatchInterval(true), 5000);
  assert.equal(parseWatchInterval('10s'), 10_000);
  assert.equal(parseWatchInterval('1m'), 60_000);
  assert.equal(parseWatchInterval('2s'), 2000);
  assert.throws(() => parseWatchInterval('1s'), (e) => e.exitCode === 2 && /at least 2s/.test(e.message));
  assert.throws(() => parseWatchInterval('soon'), (e) => e.exitCode === 2);
  assert.deepEqual(splitWatchArgs('printers', undefined), { interval: true, kindWord: 'printers' });
  assert.deepEqual(splitWatchArgs('10s', 'printers'), { interval: '10s', kindWord: 'printers' });
  assert.deepEqual(splitWatchArgs(true, undefined), { interval: true, kindWord: undefined });
});

describe('watchStatus() on a fake terminal', () => {
  let dir;
  let config;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'simplemon-watch-unit-'));
    writeFileSync(join(dir, 'monitor.config.yaml'), 'state-file: state.json\n');
    config = loadConfig(join(dir, 'monitor.config.yaml'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function fakeTerminal({ tty = true } = {}) {
    const stdin = Object.assign(new EventEmitter(), { isTTY: tty, raw: [], setRawMode(m) { this.raw.push(m); }, resume() {}, pause() {} });
    const stdout = Object.assign(new EventEmitter(), { isTTY: tty, columns: 80, rows: 24, text: '', write(s) { this.text += s; return true; } });
    return { stdin, stdout, signals: new EventEmitter(), env: { NO_COLOR: '1' } };
  }
  /** A poll the test finishes by hand. */
  function pendingPolls() {
    const polls = [];
    return {
      polls,
      poll: (progress) => new Promise((resolve) => polls.push({ progress, finish: () => resolve({ durationMs: 42 }) })),
    };
  }
  /** Let the event loop turn a while (for what must NOT happen). */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  /** Turn the event loop until `pred()` holds (reading the state file takes some turns). */
  const until = async (pred, what) => {
    for (let i = 0; i < 100_000; i++) {
      if (pred()) return;
      await new Promise((r) => setImmediate(r));
    }
    assert.fail(`never happened: ${what}`);
  };
  const restoredAtEnd = (io) => {
    assert.ok(io.stdout.text.startsWith(TERM.enter), 'alternate screen entered, cursor hidden, first');
    assert.ok(io.stdout.text.endsWith(TERM.leave), 'normal screen and cursor given back, last');
    assert.deepEqual(io.stdin.raw, [true, false], 'raw mode on, then off');
    assert.equal(io.signals.listenerCount('SIGTERM') + io.signals.listenerCount('exit') + io.signals.listenerCount('uncaughtExceptionMonitor'), 0, 'no listener left behind');
  };

  test('a tick while a poll is still under way starts no second poll; q quits with 0', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const io = fakeTerminal();
    const p = pendingPolls();
    const run = watchStatus(config, { intervalMs: 2000, poll: p.poll }, io);
    await until(() => p.polls.length === 1, 'the first poll at once');
    p.polls[0].progress(3, 5, 'printers');
    assert.ok(io.stdout.text.includes('polling… printers 3/5 · q to quit'), 'progress in the header');
    t.mock.timers.tick(2000);
    t.mock.timers.tick(2000);
    await settle();
    assert.equal(p.polls.length, 1, 'ticks while it runs start nothing');
    p.polls[0].finish();
    await until(() => /last poll \d\d:\d\d:\d\d took 42 ms · q to quit/.test(io.stdout.text), 'the header after the poll');
    t.mock.timers.tick(2000);
    await until(() => p.polls.length === 2, 'the next tick after it finished polls again');
    p.polls[1].finish();
    await until(() => io.stdout.text.split('took 42 ms').length === 3, 'the second redraw');
    io.stdin.emit('data', Buffer.from('q'));
    assert.equal(await run, 0);
    restoredAtEnd(io);
  });

  test('Ctrl-C (a key in raw mode) quits with 0; SIGTERM with 143 after the poll under way finished', async () => {
    const a = fakeTerminal();
    const pa = pendingPolls();
    const runA = watchStatus(config, { intervalMs: 60_000, poll: pa.poll }, a);
    await until(() => pa.polls.length === 1, 'the first poll');
    pa.polls[0].finish();
    await until(() => a.stdout.text.includes('took 42 ms'), 'the redraw after it');
    a.stdin.emit('data', '\x03');
    assert.equal(await runA, 0);
    restoredAtEnd(a);

    const b = fakeTerminal();
    const pb = pendingPolls();
    let exited = false;
    const runB = watchStatus(config, { intervalMs: 60_000, poll: pb.poll }, b).then((code) => ((exited = true), code));
    await until(() => pb.polls.length === 1, 'the first poll');
    b.signals.emit('SIGTERM');
    await until(() => b.stdout.text.includes(TERM.leave), 'the terminal given back');
    assert.ok(b.stdout.text.endsWith(`${TERM.leave}simplemon: waiting for the poll under way to finish…\n`), 'terminal given back at once, then it says what it waits for');
    await settle();
    assert.equal(exited, false, 'the poll under way keeps its lock until it has saved');
    pb.polls[0].finish();
    assert.equal(await runB, 143);
  });

  test('an error while drawing ends the watch with that error, the terminal given back; an uncaught exception restores it too', async () => {
    const io = fakeTerminal();
    const p = pendingPolls();
    const run = watchStatus(config, { intervalMs: 60_000, poll: p.poll }, io);
    await until(() => p.polls.length === 1, 'the first poll');
    writeFileSync(join(dir, 'state.json'), '{ not json'); // the redraw after the poll cannot read the state
    p.polls[0].finish();
    await assert.rejects(run);
    restoredAtEnd(io);
    rmSync(join(dir, 'state.json'));

    const crash = fakeTerminal();
    const pc = pendingPolls();
    const runC = watchStatus(config, { intervalMs: 60_000, poll: pc.poll }, crash);
    await until(() => pc.polls.length === 1, 'the first poll');
    crash.signals.emit('uncaughtExceptionMonitor', new Error('boom'), 'uncaughtException');
    assert.ok(crash.stdout.text.endsWith(TERM.leave), 'given back before node prints the exception');
    assert.deepEqual(crash.stdin.raw, [true, false]);
    crash.stdin.emit('data', 'q');
    pc.polls[0].finish();
    assert.equal(await runC, 0);
  });

  test('without a terminal: a usage error (exit 2), nothing written, nothing polled', async () => {
    const io = fakeTerminal({ tty: false });
    const p = pendingPolls();
    await assert.rejects(watchStatus(config, { intervalMs: 2000, poll: p.poll }, io), (e) => e.exitCode === 2 && /needs a terminal/.test(e.message));
    assert.equal(io.stdout.text, '');
    assert.equal(p.polls.length, 0);
  });
});

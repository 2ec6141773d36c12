// simplemon status --watch [interval]: poll on each tick, exactly as cron's `poll` does (under the state
// lock: state saved, history kept, alert emails sent), and redraw the status tables in place on the
// alternate screen. `q` or Ctrl-C quits. The terminal is given back as it was (normal screen, cursor
// shown, raw mode off) on every way out: a key, SIGTERM/SIGINT/SIGHUP, an error, an uncaught exception.
//
// Ticks and polls:
//   | event                         | what happens                                                   |
//   |-------------------------------|----------------------------------------------------------------|
//   | start                         | draw the saved state, start a poll                              |
//   | tick, no poll under way       | start a poll; the header shows `polling…` and its progress      |
//   | tick, a poll still under way  | nothing: a poll is never started twice (the next tick tries)    |
//   | poll done / failed            | redraw from the saved state; header: its time and duration, or  |
//   |                               | why it failed (the tables then show the state saved before)     |
//   | resize (SIGWINCH)             | redraw at the new width                                         |
//   | q, Q, Ctrl-C                  | restore the terminal, wait for a poll under way, exit 0         |
//   | SIGTERM / SIGINT / SIGHUP     | the same, exit 128 + signal (143 / 130 / 129)                   |
import type { Config } from '../config/types.js';
import type { DeviceKind } from '../core/types.js';
import { readAppState as readState } from '../app/state.js';
import { viewsOf } from '../app/devices.js';
import { SOURCES } from '../sources/index.js';
import { renderStatus } from '../render/status.js';
import { makeChalk, useColor } from '../render/style.js';
import { progressTracker } from '../render/progress.js';
import { TERM, watchFrame, watchHeader, watchHeaderOnly, type WatchHeader } from '../render/watch.js';
import { parseDuration } from '../config/validate.js';
import { outboxSummary } from '../notify/types.js';
import { ConfigError, errorMessage } from '../util/errors.js';

export const WATCH_DEFAULT_MS = 5000;
export const WATCH_MIN_MS = 2000;

/** `--watch` alone: 5 s; `--watch 10s`, `--watch 1m`; at least 2 s. A usage error otherwise. */
export function parseWatchInterval(v: string | true): number {
  if (v === true) return WATCH_DEFAULT_MS;
  const ms = parseDuration(v);
  if (ms === null) throw new ConfigError(`--watch: "${v}" is not a duration (use 5s, 10s, 1m)`);
  if (ms < WATCH_MIN_MS) throw new ConfigError(`--watch: ${v} is too short, at least 2s (each tick is a whole poll)`);
  return ms;
}

/** The terminal the watch draws on: process.stdin/stdout, or fakes in tests. */
export interface WatchIo {
  stdin: Pick<NodeJS.ReadStream, 'isTTY' | 'on' | 'off' | 'resume' | 'pause'> & { setRawMode?(mode: boolean): unknown };
  stdout: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'rows' | 'write' | 'on' | 'off'>;
  /** Where signals and process-wide events arrive (process). */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
  env: NodeJS.ProcessEnv;
}

export interface WatchOptions {
  intervalMs: number;
  kind?: DeviceKind;
  problems?: boolean;
  color?: boolean;
  /** The poll of each tick (commands/poll.ts pollOnce with the kinds asked). */
  poll: (progress: (done: number, total: number | null, label: string, unit?: string) => void) => Promise<{ durationMs: number }>;
}

const SIGNALS = { SIGTERM: 143, SIGINT: 130, SIGHUP: 129 } as const;

/** Refuse before touching the terminal: both ends must be one (keys in, screen out). */
export function assertWatchTerminal(io: Pick<WatchIo, 'stdin' | 'stdout'>): void {
  if (!io.stdout.isTTY || !io.stdin.isTTY || !io.stdin.setRawMode) {
    throw new ConfigError('--watch needs a terminal (stdin and stdout a TTY); under cron or in a pipe use `simplemon poll` and `simplemon status`');
  }
}

export async function watchStatus(config: Config, opts: WatchOptions, io: WatchIo): Promise<number> {
  assertWatchTerminal(io);
  const { stdin, stdout, signals } = io;
  const chalk = makeChalk(useColor(stdout, io.env, opts.color));
  const header: WatchHeader = { intervalMs: opts.intervalMs, last: null, polling: null, error: null };
  let body = '';
  let inflight: Promise<void> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let finish!: (code: number) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<number>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  let restored = false;
  let outputGone = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      stdin.setRawMode?.(false);
      stdout.write(TERM.leave);
    } catch {
      // the terminal is gone (SIGHUP): nothing to give back
    }
  };
  const size = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });

  /** The tables from the saved state, at the terminal's width now. */
  const render = async () => {
    const state = await readState(config.stateFile);
    const now = new Date();
    let views = viewsOf(state, config, SOURCES, now);
    if (opts.kind) views = views.filter((v) => v.kind === opts.kind);
    if (opts.problems) views = views.filter((v) => v.state !== 'ok' || v.maintenance !== null);
    body = renderStatus(views, state.checkedAt, { chalk, now, width: size().columns, outbox: outboxSummary(state.notify) });
  };
  const draw = () => {
    if (!stopped && !outputGone) stdout.write(watchFrame(watchHeader(header, size().columns), body, size()));
  };
  const redraw = () => {
    render().then(draw, stop);
  };

  const tick = () => {
    if (inflight || stopped) return; // a poll still under way is never started twice
    const progress = progressTracker((text) => {
      header.polling = { progress: text };
      if (!stopped && !outputGone) stdout.write(watchHeaderOnly(watchHeader(header, size().columns), size().columns));
    });
    header.polling = { progress: '' };
    draw();
    const started = new Date();
    inflight = opts
      .poll(progress.report)
      .then(
        (r) => {
          header.last = { at: started, ms: r.durationMs };
          header.error = null;
        },
        (e: unknown) => {
          header.error = errorMessage(e);
        },
      )
      .then(async () => {
        header.polling = null;
        inflight = null;
        if (!stopped) {
          await render();
          draw();
        }
      })
      .catch(stop);
  };

  function stop(reason: number | unknown) {
    if (stopped) return;
    stopped = true;
    if (typeof reason === 'number') finish(reason);
    else fail(reason);
  }
  const onKey = (data: Buffer | string) => {
    const s = data.toString();
    if (s.includes('q') || s.includes('Q') || s.includes('\x03')) stop(0);
  };
  const onSignal = Object.fromEntries(Object.entries(SIGNALS).map(([sig, code]) => [sig, () => stop(code)])) as Record<keyof typeof SIGNALS, () => void>;
  const onResize = () => redraw();
  // a terminal that went away (SIGHUP, EIO): stop drawing, but let the poll under way save and unlock
  const onOutputError = () => {
    outputGone = restored = true;
    stop(SIGNALS.SIGHUP);
  };

  // an uncaught exception: the monitor runs before node prints it and exits, so the error lands on
  // the normal screen; 'exit' covers any other way out
  signals.on('uncaughtExceptionMonitor', restore);
  signals.on('exit', restore);
  for (const [sig, fn] of Object.entries(onSignal)) signals.on(sig as NodeJS.Signals, fn);
  stdout.write(TERM.enter);
  try {
    stdin.setRawMode!(true);
    stdin.on('data', onKey);
    stdin.resume();
    stdout.on('resize', onResize);
    stdout.on('error', onOutputError);
    await render();
    draw();
    tick();
    timer = setInterval(tick, opts.intervalMs);
    return await done;
  } finally {
    stopped = true;
    clearInterval(timer);
    stdout.off('resize', onResize);
    stdin.off('data', onKey);
    stdin.pause();
    restore();
    for (const [sig, fn] of Object.entries(onSignal)) signals.off(sig as NodeJS.Signals, fn);
    signals.off('uncaughtExceptionMonitor', restore);
    signals.off('exit', restore);
    // the poll under way finishes (its state saved, its lock released) before simplemon exits
    if (inflight) {
      if (!outputGone) stdout.write('simplemon: waiting for the poll under way to finish…\n');
      await inflight;
    }
    stdout.off('error', onOutputError);
  }
}

/** `status --watch printers`: commander takes the kind for the interval when it comes right after it. */
export function splitWatchArgs(watch: string | true, kindWord: string | undefined): { interval: string | true; kindWord: string | undefined } {
  if (watch !== true && kindWord === undefined && parseDuration(watch) === null && SOURCES.some((s) => s.kinds.some((k) => k.words.includes(watch)))) {
    return { interval: true, kindWord: watch };
  }
  return { interval: watch, kindWord };
}

// simplemon poll [what…]: the cron entry.
import type { GlobalOptions } from '../main.js';
import { loadConfigAndCache } from '../../config/cache.js';
import { openAppState } from '../../app/state.js';
import { runPoll, type HistoryRecorder, type PollResult } from '../../app/run-poll.js';
import { SOURCES } from '../../sources/index.js';
import { makeChalk, paintState, useColor } from '../../render/style.js';
import { clean } from '../../render/sanitize.js';
import { forEnvLocale } from '../../render/charset.js';
import { progressTracker } from '../../render/progress.js';
import type { Config } from '../../config/types.js';
import type { Notifier } from '../../notify/notifier.js';
import type { Transition } from '../../core/types.js';
import type { ChalkInstance } from 'chalk';

async function makeNotifier(config: Config): Promise<Notifier | null> {
  if (!config.email) return null;
  const { createEmailNotifier } = await import('../../notify/email-notifier.js');
  return createEmailNotifier(config);
}

/** History files beside the state: one line per poll, pruned to `history.keep` and `history.max-size`. */
export function fileHistory(config: Config): HistoryRecorder {
  return {
    async record(at, entries) {
      const { appendHistory, historyDir, pruneHistory } = await import('../../history/store.js');
      const dir = historyDir(config.stateFile);
      await appendHistory(dir, at, entries);
      await pruneHistory(dir, at, config.history);
    },
    async read(opts) {
      const { historyDir, readHistory } = await import('../../history/store.js');
      return readHistory(historyDir(config.stateFile), opts);
    },
  };
}

/**
 * One poll, as cron runs it: under the state lock, saving the state, history and sending alerts.
 * `progress` receives the sources' counts (see CollectContext.progress). Shared by `poll`,
 * `status --refresh` and `status --watch`.
 */
export async function pollOnce(config: Config, what: string[], log: (line: string) => void, progress?: (done: number, total: number | null, label: string, unit?: string) => void): Promise<PollResult> {
  return runPoll(
    config,
    {
      sources: SOURCES,
      openStore: () => openAppState(config.stateFile, { lockTimeoutMs: config.lockTimeoutMs, command: 'poll' }),
      notifier: await makeNotifier(config),
      now: () => new Date(),
      log,
      history: fileHistory(config),
      progress,
    },
    what,
  );
}

/**
 * Poll with a spinner on a TTY (stderr) that shows how far the sources have got (`polling… printers
 * 120/200, vCenter vc1 2 pages`); nothing otherwise. Shared by `poll` and `status --refresh`.
 */
export async function pollWithProgress(config: Config, what: string[], log: (line: string) => void): Promise<PollResult> {
  let spinner: { stop(): void; text: string } | null = null;
  if (process.stderr.isTTY && !process.env.CI) {
    const { default: ora } = await import('ora');
    spinner = ora({ text: 'polling…', stream: process.stderr }).start();
  }
  const progress = spinner ? progressTracker((text) => (spinner!.text = `polling… ${text}`)).report : undefined;
  try {
    return await pollOnce(config, what, log, progress);
  } finally {
    spinner?.stop();
  }
}

/**
 * One line per state change; a device seen for the first time and fine is not news. A device on its
 * first poll is `new` (never an invented previous state): `printer/x: new → unknown (timeout …)` is how
 * a wrong address or key is reported, once.
 */
export function transitionLines(transitions: Transition[], c: ChalkInstance): string[] {
  return transitions
    .filter((t) => !(t.first && t.to === 'ok'))
    .map((t) => {
      const why = t.problems.map((p) => clean(p.message)).join('; ');
      return `${clean(t.device)}: ${t.first ? 'new' : paintState(c, t.from)} → ${paintState(c, t.to)}${why ? ` (${why})` : ''}`;
    });
}

export async function pollCommand(g: GlobalOptions, what: string[], opts: { verbose?: boolean; metricsFile?: string; html?: string }): Promise<number> {
  // parsed in full (the poll needs its secrets), and compiled for the read-only commands (config/cache.ts)
  const config = await loadConfigAndCache(g.config);
  const c = makeChalk(useColor(g.stdout, g.env, g.color));
  const logs: string[] = [];
  const result = await pollWithProgress(config, what, (line) => logs.push(line));
  const out: string[] = [];
  // config warnings (insecure: true …) are the business of `config validate`; under cron they would be
  // mailed every five minutes, so poll repeats them only with --verbose
  if (opts.verbose) for (const w of config.warnings) g.stderr.write(`warning: ${w}\n`);
  if (result.historyError) g.stderr.write(`simplemon: ${clean(result.historyError)}\n`);
  if (opts.metricsFile || opts.html) {
    // the files show the state just saved (read again without the lock: writes are atomic renames)
    const [{ readAppState }, outputs] = await Promise.all([import('../../app/state.js'), import('../../app/outputs.js')]);
    const state = await readAppState(config.stateFile);
    const now = new Date();
    if (opts.metricsFile) await outputs.writeMetricsFile(opts.metricsFile, config, state, now, result.durationMs / 1000);
    if (opts.html) await outputs.writeHtmlPage(opts.html, config, state, now);
  }
  // Cron mails whatever a job prints. Without email: the changes are the news, printed. With email: the
  // emails carry the news, and the output is kept for trouble with the emails themselves.
  const byEmail = config.email !== null;
  // missed or overlapping polls: news about the monitoring itself, printed (cron mails it) even with email:
  out.push(...result.notices.map((n) => `simplemon: ${clean(n)}`));
  if (!byEmail || opts.verbose) out.push(...transitionLines(result.transitions, c));
  if (result.delivery) out.push(...result.delivery.lines.filter((l) => opts.verbose || !l.startsWith('email sent:')));
  if (opts.verbose) {
    for (const r of result.readings) out.push(`  ${clean(r.id)} ${r.reachable ? 'read' : `unreachable: ${clean(r.error)}`}`);
    out.push(...logs.map((l) => `  ${clean(l)}`));
    out.push(`polled ${result.readings.length} device(s) in ${result.durationMs} ms; ${result.transitions.length} change(s); state saved to ${config.stateFile}`);
  }
  if (out.length) g.stdout.write(forEnvLocale(out.join('\n') + '\n', g.env));
  return 0;
}

// simplemon poll [what…]: the cron entry.
import type { GlobalOptions } from '../main.js';
import { loadConfig } from '../../config/load.js';
import { openState } from '../../state/store.js';
import { runPoll, type PollResult } from '../../app/run-poll.js';
import { SOURCES } from '../../sources/index.js';
import { makeChalk, paintState, useColor } from '../../render/style.js';
import { clean } from '../../render/sanitize.js';
import { forEnvLocale } from '../../render/charset.js';
import type { Config } from '../../config/types.js';
import type { Notifier } from '../../notify/notifier.js';
import type { Transition } from '../../core/types.js';
import type { ChalkInstance } from 'chalk';

async function makeNotifier(config: Config): Promise<Notifier | null> {
  if (!config.email) return null;
  const { createEmailNotifier } = await import('../../notify/email-notifier.js');
  return createEmailNotifier(config);
}

/** Poll with a spinner on a TTY (stderr), nothing otherwise. Shared by `poll` and `status --refresh`. */
export async function pollWithProgress(config: Config, what: string[], log: (line: string) => void): Promise<PollResult> {
  let spinner: { stop(): void; text: string } | null = null;
  if (process.stderr.isTTY && !process.env.CI) {
    const { default: ora } = await import('ora');
    spinner = ora({ text: 'polling…', stream: process.stderr }).start();
  }
  try {
    return await runPoll(
      config,
      {
        sources: SOURCES,
        openStore: () => openState(config.stateFile, { lockTimeoutMs: config.lockTimeoutMs, command: 'poll' }),
        notifier: await makeNotifier(config),
        now: () => new Date(),
        log,
      },
      what,
    );
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

export async function pollCommand(g: GlobalOptions, what: string[], opts: { verbose?: boolean }): Promise<number> {
  const config = loadConfig(g.config);
  const c = makeChalk(useColor(process.stdout, process.env, g.color));
  const logs: string[] = [];
  const result = await pollWithProgress(config, what, (line) => logs.push(line));
  const out: string[] = [];
  for (const w of config.warnings) process.stderr.write(`warning: ${w}\n`);
  // Cron mails whatever a job prints. Without email: the changes are the news, printed. With email: the
  // emails carry the news, and the output is kept for trouble with the emails themselves.
  const byEmail = config.email !== null;
  if (!byEmail || opts.verbose) out.push(...transitionLines(result.transitions, c));
  if (result.delivery) out.push(...result.delivery.lines.filter((l) => opts.verbose || !l.startsWith('email sent:')));
  if (opts.verbose) {
    for (const r of result.readings) out.push(`  ${clean(r.id)} ${r.reachable ? 'read' : `unreachable: ${clean(r.error)}`}`);
    out.push(...logs.map((l) => `  ${clean(l)}`));
    out.push(`polled ${result.readings.length} device(s) in ${result.durationMs} ms; ${result.transitions.length} change(s); state saved to ${config.stateFile}`);
  }
  if (out.length) process.stdout.write(forEnvLocale(out.join('\n') + '\n', process.env));
  return 0;
}

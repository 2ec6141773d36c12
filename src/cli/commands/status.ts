// simplemon status [kind]: what the last poll saw. Reads the state without the lock (writes are atomic).
import type { GlobalOptions } from '../main.js';
import { loadConfigView } from '../../config/cache.js';
import { readAppState } from '../../app/state.js';
import { clean } from '../../render/sanitize.js';
import { viewsOf } from '../../app/devices.js';
import { SOURCES, kindOfWord, kindSpec, kindWords } from '../../sources/index.js';
import { isStale, renderStatus, statusJson } from '../../render/status.js';
import { makeChalk, useColor } from '../../render/style.js';
import { outputWidth } from '../../render/width.js';
import { forEnvLocale } from '../../render/charset.js';
import { ConfigError } from '../../util/errors.js';
import { outboxSummary } from '../../notify/types.js';

export async function statusCommand(g: GlobalOptions, kindWord: string | undefined, opts: { problems?: boolean; refresh?: boolean; json?: boolean; html?: string; watch?: string | true }): Promise<number> {
  if (opts.watch !== undefined) return watchCommand(g, kindWord, { ...opts, watch: opts.watch });
  const kind = kindWord === undefined ? undefined : kindOfWord(kindWord);
  if (kindWord !== undefined && !kind) throw new ConfigError(`unknown kind "${kindWord}": use ${kindWords().join(', ')}`);
  // reading the state needs no secrets: the compiled config (config/cache.ts); a poll needs the full one
  const config = opts.refresh ? (await import('../../config/load.js')).loadConfig(g.config) : await loadConfigView(g.config);
  if (opts.refresh) {
    const { pollWithProgress } = await import('./poll.js');
    const what = kind ? [kindSpec(kind)!.words[0]] : [];
    await pollWithProgress(config, what, () => {});
  }
  const state = await readAppState(config.stateFile);
  const now = g.now();
  let views = viewsOf(state, config, SOURCES, now);
  if (kind) views = views.filter((v) => v.kind === kind);
  if (opts.problems) views = views.filter((v) => v.state !== 'ok' || v.maintenance !== null);
  if (opts.html) {
    const { writeHtmlPage } = await import('../../app/outputs.js');
    await writeHtmlPage(opts.html, config, state, now);
    return 0;
  }
  if (opts.json) {
    g.stdout.write(statusJson(views, state.checkedAt, outboxSummary(state.notify), isStale(state.checkedAt, now, config.pollIntervalMs)));
    return 0;
  }
  const c = makeChalk(useColor(g.stdout, g.env, g.color));
  let text = renderStatus(views, state.checkedAt, { chalk: c, now, width: outputWidth(g.stdout, g.env), outbox: outboxSummary(state.notify), pollIntervalMs: config.pollIntervalMs });
  // what the polls noticed about their own schedule in the last day (missed runs, overlapping ones)
  const notes = state.events.filter((e) => (e.type === 'missed-polls' || e.type === 'poll-overrun') && now.getTime() - Date.parse(e.at) < 86_400_000);
  if (notes.length) {
    const [head, ...rest] = text.split('\n');
    text = [head, ...notes.slice(-2).map((e) => c.yellow(`note: ${e.at.slice(0, 16).replace('T', ' ')} UTC ${clean(e.message ?? '')}`)), ...rest].join('\n');
  }
  g.stdout.write(forEnvLocale(text, g.env));
  return 0;
}

/** status --watch [interval]: the tables redrawn in place after each poll (see ../watch.ts). */
async function watchCommand(g: GlobalOptions, word: string | undefined, opts: { problems?: boolean; json?: boolean; html?: string; watch: string | true }): Promise<number> {
  const watch = await import('../watch.js');
  // the live screen needs the real terminal (raw mode, resize, signals)
  const io = { stdin: process.stdin, stdout: process.stdout, signals: process, env: process.env };
  if (opts.json || opts.html) throw new ConfigError('--watch draws tables on a terminal: it does not go with --json or --html');
  const { interval, kindWord } = watch.splitWatchArgs(opts.watch, word);
  const intervalMs = watch.parseWatchInterval(interval);
  const kind = kindWord === undefined ? undefined : kindOfWord(kindWord);
  if (kindWord !== undefined && !kind) throw new ConfigError(`unknown kind "${kindWord}": use ${kindWords().join(', ')}`);
  watch.assertWatchTerminal(io);
  const config = (await import('../../config/load.js')).loadConfig(g.config);
  const { pollOnce } = await import('./poll.js');
  const what = kind ? [kindSpec(kind)!.words[0]] : [];
  return watch.watchStatus(config, { intervalMs, kind, problems: opts.problems, color: g.color, poll: (progress) => pollOnce(config, what, () => {}, progress) }, io);
}

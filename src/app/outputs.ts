// The files a poll (or `status`, `export`) can leave for other tools: OpenMetrics for node_exporter's
// textfile collector and the self-contained HTML page for nginx. Both replaced atomically, so a scrape or
// a page load never sees half a file; both world-readable (0644), since node_exporter and nginx run as
// their own users, and both hold only what `status` shows (never a secret).
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import type { StateFile } from '../state/types.js';
import { writeFileAtomic } from '../state/atomic.js';
import { outboxSummary } from '../notify/types.js';
import { renderOpenMetrics } from '../render/openmetrics.js';
import { renderHtmlPage } from '../render/html.js';
import { SOURCES } from '../sources/index.js';
import { numbersOf, viewsOf } from './devices.js';

/** Data older than 3 poll intervals is stale: cron may have stopped. */
export function staleAfterMs(config: Config): number {
  return 3 * ((config as Config & { pollIntervalMs?: number }).pollIntervalMs ?? 5 * 60_000);
}

export function isStale(config: Config, checkedAt: string | null, now: Date): boolean {
  return checkedAt !== null && now.getTime() - Date.parse(checkedAt) > staleAfterMs(config);
}

async function writePublic(file: string, text: string): Promise<void> {
  const abs = resolve(file);
  // a folder made here must be readable by node_exporter / nginx too
  await mkdir(dirname(abs), { recursive: true, mode: 0o755 });
  await writeFileAtomic(abs, text, 0o644);
}

export function metricsText(config: Config, state: StateFile, now: Date, pollDurationSeconds: number | null = null): string {
  return renderOpenMetrics(viewsOf(state, config, SOURCES, now), {
    numbersOf: numbersOf(config, SOURCES),
    checkedAt: state.checkedAt,
    pollDurationSeconds,
    outbox: outboxSummary(state.notify),
  });
}

export async function writeMetricsFile(file: string, config: Config, state: StateFile, now: Date, pollDurationSeconds: number | null = null): Promise<void> {
  await writePublic(file, metricsText(config, state, now, pollDurationSeconds));
}

/** The page, with 24 h sparklines from the history files when there are any. */
export async function writeHtmlPage(file: string, config: Config, state: StateFile, now: Date): Promise<void> {
  const { historyDir, readHistory } = await import('../history/store.js');
  let history: Awaited<ReturnType<typeof readHistory>> | undefined;
  try {
    history = await readHistory(historyDir(config.stateFile), { since: new Date(now.getTime() - 86_400_000) });
  } catch {
    history = undefined; // no history yet: the page goes without sparklines
  }
  const html = renderHtmlPage(viewsOf(state, config, SOURCES, now), {
    numbersOf: numbersOf(config, SOURCES),
    now,
    checkedAt: state.checkedAt,
    stale: isStale(config, state.checkedAt, now),
    history,
    title: 'simplemon',
  });
  await writePublic(file, html);
}

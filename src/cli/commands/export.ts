// simplemon export --format openmetrics [--output FILE]: the saved state as Prometheus text, for
// node_exporter's textfile collector. With --output the file is replaced atomically (a scrape never sees
// half a file) and made world-readable (0644), since node_exporter runs as its own user.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { GlobalOptions } from '../main.js';
import type { Config } from '../../config/types.js';
import type { StateFile } from '../../state/types.js';
import { loadConfig } from '../../config/load.js';
import { readState } from '../../state/store.js';
import { numbersOf, viewsOf } from '../../app/devices.js';
import { SOURCES } from '../../sources/index.js';
import { outboxSummary } from '../../notify/types.js';
import { renderOpenMetrics } from '../../render/openmetrics.js';
import { writeFileAtomic } from '../../state/atomic.js';
import { ConfigError } from '../../util/errors.js';

/** The app-layer shape: config, state and clock in, the text out. The poll duration is not in the state. */
export function exportOpenMetrics(config: Config, state: StateFile, now: Date, pollDurationSeconds: number | null = null): string {
  const views = viewsOf(state, config, SOURCES, now);
  return renderOpenMetrics(views, {
    numbersOf: numbersOf(config, SOURCES),
    checkedAt: state.checkedAt,
    pollDurationSeconds,
    outbox: outboxSummary(state.notify),
  });
}

export async function exportCommand(g: GlobalOptions, opts: { format: string; output?: string }): Promise<number> {
  if (opts.format !== 'openmetrics') throw new ConfigError(`unknown export format "${opts.format}": use openmetrics`);
  const config = loadConfig(g.config);
  const state = await readState(config.stateFile);
  const text = exportOpenMetrics(config, state, new Date());
  if (opts.output) {
    // a folder made here must be readable by node_exporter too (writeFileAtomic would make it 0700)
    const file = resolve(opts.output);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFileAtomic(file, text, 0o644);
  }
  else process.stdout.write(text);
  return 0;
}

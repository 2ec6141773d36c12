// simplemon export --format openmetrics [--output FILE]: the saved state as Prometheus text, for
// node_exporter's textfile collector. With --output the file is replaced atomically (a scrape never sees
// half a file) and made world-readable (0644), since node_exporter runs as its own user.
import type { GlobalOptions } from '../main.js';
import { loadConfigView } from '../../config/cache.js';
import { readAppState } from '../../app/state.js';
import { metricsText, writeMetricsFile } from '../../app/outputs.js';
import { ConfigError } from '../../util/errors.js';

/** The saved state as OpenMetrics text (app layer). */
export const exportOpenMetrics = metricsText;

export async function exportCommand(g: GlobalOptions, opts: { format: string; output?: string }): Promise<number> {
  if (opts.format !== 'openmetrics') throw new ConfigError(`unknown export format "${opts.format}": use openmetrics`);
  const config = await loadConfigView(g.config);
  const state = await readAppState(config.stateFile);
  if (opts.output) {
    await writeMetricsFile(opts.output, config, state, g.now());
  }
  else g.stdout.write(metricsText(config, state, g.now()));
  return 0;
}

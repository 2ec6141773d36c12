// simplemon check <device|glob|kind>: the Nagios / Icinga plugin. Reads the saved state (`--refresh` polls
// first), prints one plugin line and exits 0/1/2/3. Every failure — bad arguments, an unknown device, a
// bad config, an unreadable state file — is UNKNOWN (3), never the 1 or 2 of other commands, which a
// monitoring system would read as WARNING or CRITICAL. So this command catches its own errors.
import type { GlobalOptions } from '../main.js';
import type { Config } from '../../config/types.js';
import type { StateFile } from '../../state/types.js';
import type { DeviceView } from '../../core/view.js';
import type { DeviceNumber } from '../../core/numbers.js';
import { matchesGlob } from '../../core/overrides.js';
import { renderCheck, renderCheckError, type CheckResult } from '../../render/nagios.js';
import { errorMessage } from '../../util/errors.js';
import { isOwnError, maskLibraryText } from '../../util/secrets.js';

/** Data older than this is stale unless --stale-after says otherwise: 3 × the default 5-minute poll-interval. */
export const DEFAULT_STALE_AFTER_MS = 15 * 60_000;

/**
 * The devices `check` looks at: an exact id; a glob over ids (`host/vc1/*`); a kind in the singular or
 * plural (`printer`, `printers`); else a device name (`office-1`). Empty: nothing matches.
 */
export function selectDevices(views: DeviceView[], target: string): DeviceView[] {
  const exact = views.filter((v) => v.id === target);
  if (exact.length) return exact;
  if (/[*?]/.test(target)) return views.filter((v) => matchesGlob(target, v.id));
  const byKind = views.filter((v) => v.kind === target || `${v.kind}s` === target);
  if (byKind.length) return byKind;
  return views.filter((v) => v.name === target);
}

export interface CheckInput {
  views: DeviceView[];
  checkedAt: string | null;
  target: string;
  now: Date;
  staleAfterMs: number;
  numbersOf: (v: DeviceView) => DeviceNumber[];
}

/** The whole decision, without I/O: which devices, then the plugin line. */
export function checkDevices(input: CheckInput): CheckResult {
  const selected = selectDevices(input.views, input.target);
  if (!selected.length) {
    return renderCheckError(`no device matches "${input.target}" (give a device id such as printer/office-1, a glob such as 'host/vc1/*', a kind such as printers, or a device name)`);
  }
  return renderCheck(selected, { numbersOf: input.numbersOf, now: input.now, staleAfterMs: input.staleAfterMs, checkedAt: input.checkedAt });
}

/** The app-layer shape: config, state and clock in, exit code and output out. */
export async function runCheck(config: Config, state: StateFile, now: Date, target: string, staleAfterMs: number): Promise<{ exitCode: number; output: string }> {
  const [{ viewsOf, numbersOf }, { SOURCES }] = await Promise.all([import('../../app/devices.js'), import('../../sources/index.js')]);
  const views = viewsOf(state, config, SOURCES, now);
  const r = checkDevices({ views, checkedAt: state.checkedAt, target, now, staleAfterMs, numbersOf: numbersOf(config, SOURCES) });
  return { exitCode: r.exitCode, output: `${r.line}\n` };
}

export async function checkCommand(g: GlobalOptions, target: string, opts: { refresh?: boolean; staleAfter?: string }): Promise<number> {
  let r: { exitCode: number; output: string };
  try {
    let staleAfterMs: number | null = null;
    if (opts.staleAfter !== undefined) {
      const { parseDuration } = await import('../../config/validate.js');
      const ms = parseDuration(opts.staleAfter);
      if (ms === null || ms <= 0) throw new Error(`--stale-after "${opts.staleAfter}" is not a duration (e.g. 15m, 1h)`);
      staleAfterMs = ms;
    }
    // a read-only check reads the compiled config; a --refresh polls, and needs the secrets
    const config = opts.refresh ? (await import('../../config/load.js')).loadConfig(g.config) : await (await import('../../config/cache.js')).loadConfigView(g.config);
    staleAfterMs ??= 3 * config.pollIntervalMs; // what status calls stale (15m for the default 5m)
    if (opts.refresh) {
      // the poll of `status --refresh`: same locking, evaluation and alert emails as a cron poll
      const { pollWithProgress } = await import('./poll.js');
      await pollWithProgress(config, [], () => {});
    }
    const { readAppState } = await import('../../app/state.js');
    // one device by its id (what Nagios runs, once per device): only its line of the readings is parsed
    const one = /^[^/*?[\]]+\/[^*?[\]]+$/.test(target) ? [target] : undefined;
    const state = await readAppState(config.stateFile, one ? { metrics: one } : {});
    r = await runCheck(config, state, g.now(), target, staleAfterMs);
  } catch (e) {
    const x = renderCheckError(isOwnError(e) ? errorMessage(e) : maskLibraryText(errorMessage(e)));
    r = { exitCode: x.exitCode, output: `${x.line}\n` };
  }
  g.stdout.write(r.output);
  return r.exitCode;
}

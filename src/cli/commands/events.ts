// simplemon events [--since 7d] [--device glob] [--type t…] [--json]: the state's event log (transitions,
// removed devices, overrides set, cleared and expired, acks), oldest first. Read-only, no lock (writes
// are atomic renames). `listEvents` is the logic: config, state and clock in, text or JSON out.
import type { GlobalOptions } from '../main.js';
import type { Config } from '../../config/types.js';
import type { StateFile } from '../../state/types.js';
import type { EventType, LogEvent } from '../../core/types.js';
import { globToRegExp } from '../../core/overrides.js';
import { eventLines } from '../../render/events.js';
import { clean } from '../../render/sanitize.js';
import { displayZone, sinceMs } from '../options.js';
import { ConfigError } from '../../util/errors.js';

export const EVENT_TYPES: readonly EventType[] = ['transition', 'device-removed', 'override-set', 'override-cleared', 'override-expired', 'ack'];

export interface EventsOptions {
  since?: string;
  device?: string;
  type?: string[];
  json?: boolean;
}

export interface EventsResult {
  events: LogEvent[];
  output: string;
}

/** Filter the event log and format it. */
export function listEvents(config: Config, state: StateFile, now: Date, opts: EventsOptions): EventsResult {
  const types = opts.type?.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const t of types ?? []) {
    if (!(EVENT_TYPES as readonly string[]).includes(t)) throw new ConfigError(`--type "${t}" is not an event type: use ${EVENT_TYPES.join(', ')}`);
  }
  const from = sinceMs(opts.since, now);
  const re = opts.device ? globToRegExp(opts.device) : null;
  const events = (state.events ?? []).filter(
    (e) => Date.parse(e.at) >= from && (!re || re.test(e.device)) && (!types?.length || types.includes(e.type)),
  );
  if (opts.json) return { events, output: JSON.stringify({ events }) + '\n' };
  if (!events.length) {
    const what = [opts.since && `in the last ${opts.since}`, opts.device && `for ${clean(opts.device)}`, types?.length && `of type ${types.join(', ')}`].filter(Boolean).join(' ');
    return { events, output: `no events${what ? ' ' + what : ''} (the state keeps the last ${config.eventLogSize})\n` };
  }
  return { events, output: eventLines(events, displayZone(config)).join('\n') + '\n' };
}

export async function eventsCommand(g: GlobalOptions, opts: EventsOptions): Promise<number> {
  const [{ loadConfigView }, { readAppState }] = await Promise.all([import('../../config/cache.js'), import('../../app/state.js')]);
  const config = await loadConfigView(g.config);
  // the event log needs no readings
  const state = await readAppState(config.stateFile, { metrics: false });
  g.stdout.write(listEvents(config, state, g.now(), opts).output);
  return 0;
}

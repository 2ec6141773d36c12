// Option parsing shared by commands (commands never import each other).
import type { Config } from '../config/types.js';
import { parseDuration } from '../config/validate.js';
import { ConfigError } from '../util/errors.js';

/** The time zone for people: the email one when configured, else the machine's. */
export function displayZone(config: Config): string {
  return config.email?.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

/** `--since 7d` → the epoch ms it starts at (−Infinity without it); a bad duration is a usage error (exit 2). */
export function sinceMs(since: string | undefined, now: Date, option = '--since'): number {
  if (since === undefined) return -Infinity;
  const ms = parseDuration(since);
  if (ms === null) throw new ConfigError(`${option} "${since}" is not a duration (examples: 1h, 24h, 7d, 2w)`);
  return now.getTime() - ms;
}

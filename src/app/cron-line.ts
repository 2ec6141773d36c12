// The text of a crontab line and of a systemd service + timer that run `simplemon poll`, built from
// absolute paths. Pure: no file system, no environment, no clock — `simplemon cron` does the I/O.
//
// Why every detail: a cron job gets only HOME, LOGNAME, PATH=/usr/bin:/bin and SHELL=/bin/sh, runs in
// $HOME with no terminal, and cron turns an unescaped `%` into a newline (the rest of the line becomes
// stdin). So the line names node, bin/simplemon and the config by absolute path, quotes them for
// /bin/sh, and escapes `%` as `\%` (cron removes the backslash before /bin/sh sees the command).
import type { Config } from '../config/types.js';

/** Ends the one line `cron install` owns; `install` replaces it, `remove` removes it. */
export const CRON_MARK = "# simplemon (managed by 'simplemon cron install')";

export interface Every {
  minutes: number;
  /** The five cron time fields. */
  schedule: string;
  /** systemd.time OnCalendar= */
  onCalendar: string;
}

const EVEN = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

/**
 * `--every`: 1m … 1h. Cron's `*\/N` restarts at every hour, so only divisors of 60 give even
 * intervals (`*\/7` runs at :00, :07 … :56, then :00 again after 4 minutes): anything else is refused.
 */
export function parseEvery(text: string): Every {
  const m = /^\s*(\d+)\s*(m|min|minutes?|h|hours?)\s*$/i.exec(text);
  const minutes = m ? Number(m[1]) * (m[2]!.toLowerCase().startsWith('h') ? 60 : 1) : NaN;
  if (!m || !EVEN.includes(minutes)) {
    const why = m
      ? minutes < 1 || minutes > 60
        ? 'cron runs jobs between once a minute and once an hour here'
        : `cron cannot run a job every ${text.trim()} evenly (*/N restarts at every full hour, so N must divide 60)`
      : 'give minutes or hours, like 5m or 1h';
    throw new Error(`--every ${text}: ${why}; use one of ${EVEN.slice(0, -1).map((n) => `${n}m`).join(', ')} or 1h`);
  }
  if (minutes === 60) return { minutes, schedule: '0 * * * *', onCalendar: 'hourly' };
  if (minutes === 1) return { minutes, schedule: '* * * * *', onCalendar: 'minutely' };
  return { minutes, schedule: `*/${minutes} * * * *`, onCalendar: `*:0/${minutes}` };
}

/** One word for /bin/sh: bare when it is plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command for a crontab: `%` would end the command and start stdin, so every one is escaped. */
export function cronEscape(command: string): string {
  return command.replace(/%/g, '\\%');
}

export interface PollPaths {
  /** The node binary (process.execPath). */
  node: string;
  /** bin/simplemon, resolved (real path). */
  bin: string;
  /** The config file, absolute. */
  config: string;
}

function pollArgv(p: PollPaths): string[] {
  for (const [what, path] of Object.entries(p)) {
    if (!path.startsWith('/')) throw new Error(`${what} path must be absolute, got ${path}`);
    if (/[\n\r]/.test(path)) throw new Error(`${what} path contains a line break, which no crontab line can hold: ${JSON.stringify(path)}`);
  }
  return [p.node, p.bin, '--config', p.config, 'poll'];
}

/** The crontab line (no newline); `user` only for /etc/cron.d, which has a user field. */
export function cronLine(schedule: string, p: PollPaths, user?: string): string {
  const command = cronEscape(pollArgv(p).map(shellQuote).join(' '));
  return `${schedule} ${user ? `${user} ` : ''}${command} ${CRON_MARK}`;
}

export function isManagedLine(line: string): boolean {
  return line.trimEnd().endsWith(CRON_MARK);
}

/**
 * Put `line` into a crontab's text: the first managed line is replaced in place, any further ones are
 * dropped; without one the line is appended. Every other line is kept byte for byte. Cron ignores a
 * last line without a newline, so the result always ends with one.
 */
export function installLine(text: string, line: string): { text: string; replaced: boolean } {
  const lines = text === '' ? [] : text.split('\n');
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  let replaced = false;
  const out: string[] = [];
  for (const l of lines) {
    if (!isManagedLine(l)) out.push(l);
    else if (!replaced) {
      out.push(line);
      replaced = true;
    }
  }
  if (!replaced) out.push(line);
  return { text: out.join('\n') + '\n', replaced };
}

/** Remove the managed line(s); every other line is kept byte for byte. */
export function removeLine(text: string): { text: string; removed: number } {
  const lines = text.split('\n');
  const kept = lines.filter((l) => !isManagedLine(l));
  return { text: kept.join('\n'), removed: lines.length - kept.length };
}

/** Other, hand-written lines that run simplemon: after an install they would poll a second time. */
export function otherSimplemonLines(text: string): string[] {
  return text.split('\n').filter((l) => !isManagedLine(l) && !/^\s*#/.test(l) && /\bsimplemon\b/.test(l) && /\bpoll\b/.test(l));
}

/**
 * An upper bound for one poll, from the config's own timeouts, for systemd's TimeoutStartSec: the wait
 * for the state lock, then the printers (concurrent, `concurrency` at a time, each at most
 * timeout × (retries + 1) per request round, two rounds when SNMPv1 falls back to one GET per OID)
 * alongside the vCenters (login, view, retrieve, perf, logout, and the pages of an inventory taken as
 * 10,000 objects; each round trip at most the vCenter's timeout), then
 * the emails (connect, greet, send: a few timeouts each). Doubled for slack, at least 60 s, so that a
 * poll is stopped only when it is really stuck.
 */
export function pollTimeoutSeconds(config: Pick<Config, 'lockTimeoutMs' | 'defaults' | 'printers' | 'vcenters' | 'email'>): number {
  const batches = Math.ceil(config.printers.length / Math.max(1, config.defaults.concurrency));
  const perPrinter = Math.max(0, ...config.printers.map((p) => p.timeoutMs * (p.retries + 1) * 2));
  const vcenter = Math.max(0, ...config.vcenters.map((v) => v.timeoutMs * (5 + Math.ceil(10_000 / Math.max(1, v.pageSize)))));
  const email = config.email ? config.email.smtp.timeoutMs * 4 : 0;
  const ms = config.lockTimeoutMs + Math.max(batches * perPrinter, vcenter) + email;
  return Math.max(60, Math.ceil((2 * ms) / 1000));
}

/** A word for a systemd ExecStart=: `%` is a specifier and `$` a variable there, so both are doubled. */
export function systemdQuote(word: string): string {
  const w = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (w !== '' && !/[\s"'\\;]/.test(w)) return w;
  return `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface SystemdUnits {
  service: string;
  timer: string;
}

/** simplemon-poll.service (oneshot) and simplemon-poll.timer (Persistent: a missed run is made up at boot). */
export function systemdUnits(every: Every, p: PollPaths, opts: { timeoutSec: number; user?: string }): SystemdUnits {
  const service = [
    '[Unit]',
    'Description=simplemon poll: poll the devices, evaluate, save the state, send alert emails',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    ...(opts.user ? [`User=${opts.user}`] : []),
    `ExecStart=${pollArgv(p).map(systemdQuote).join(' ')}`,
    `TimeoutStartSec=${opts.timeoutSec}`,
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    `Description=run simplemon poll every ${every.minutes === 60 ? '1h' : `${every.minutes}m`}`,
    '',
    '[Timer]',
    `OnCalendar=${every.onCalendar}`,
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}

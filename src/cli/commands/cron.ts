// simplemon cron print | install | remove: the crontab line (or /etc/cron.d/simplemon, or a systemd
// service + timer) that runs `simplemon poll` as cron really runs it. The text comes from
// app/cron-line.ts; this file finds the paths, checks the config as cron will see it, and does the I/O.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalOptions } from '../main.js';
import { findConfig, parseConfig } from '../../config/load.js';
import type { Config } from '../../config/types.js';
import { writeFileAtomic } from '../../state/atomic.js';
import {
  cronLine,
  installLine,
  otherSimplemonLines,
  parseEvery,
  pollTimeoutSeconds,
  removeLine,
  systemdUnits,
  type PollPaths,
} from '../../app/cron-line.js';
import { ConfigError, RunError, errorMessage } from '../../util/errors.js';
import { packageFile } from '../../util/paths.js';

export interface CronOptions {
  every: string;
  user?: string;
  system?: boolean;
  systemd?: boolean;
  /** The crontab program (hidden option: tests give one that works on a private spool). */
  crontabCommand: string;
  /** Where --system writes `simplemon` (hidden option, for tests). */
  cronDDir: string;
}

export interface CronIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CronIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** The installed bin/simplemon, links resolved: the same file whatever PATH cron has. */
function simplemonBin(): string {
  const bin = packageFile('bin/simplemon');
  try {
    return realpathSync(bin);
  } catch {
    return bin;
  }
}

/**
 * The config as the cron job will load it: from its absolute path, with only cron's environment, so a
 * `${VAR}` that exists only in the login shell is caught now instead of failing every five minutes.
 */
function configForCron(g: GlobalOptions, user: string | undefined): Config {
  const file = findConfig(g.config); // throws (exit 2) when there is none at all
  if (!existsSync(file)) throw new ConfigError(`no config file at ${file}: write one with simplemon config init ${file}`);
  const home = process.env.HOME ?? '/';
  const env = { HOME: home, LOGNAME: user ?? process.env.LOGNAME ?? 'root', PATH: '/usr/bin:/bin', SHELL: '/bin/sh' };
  try {
    return parseConfig(readFileSync(file, 'utf8'), file, { env });
  } catch (e) {
    throw new ConfigError(
      `${errorMessage(e)}\n(the config is checked with cron's environment: only HOME, LOGNAME, PATH=/usr/bin:/bin and SHELL=/bin/sh; use the *-file forms for secrets)`,
      { cause: e },
    );
  }
}

function paths(config: Config): PollPaths {
  return { node: process.execPath, bin: simplemonBin(), config: config.file };
}

/** `writes`: install and remove change the cron.d file; print only shows what would go there. */
function checkOptions(opts: CronOptions, writes: boolean): void {
  if (opts.system && opts.systemd) throw new ConfigError('--system and --systemd: choose one');
  if (writes && opts.system && process.getuid?.() !== 0) {
    throw new ConfigError(`--system writes ${join(opts.cronDDir, 'simplemon')}, which cron reads only when root owns it: run as root`);
  }
}

function every(opts: CronOptions) {
  try {
    return parseEvery(opts.every);
  } catch (e) {
    throw new ConfigError(errorMessage(e));
  }
}

/** Where the line goes, read and written the same way for the user crontab and /etc/cron.d. */
interface Target {
  name: string;
  read(): string;
  write(text: string): Promise<void>;
}

function crontabTarget(opts: CronOptions): Target {
  const who = opts.user ? ['-u', opts.user] : [];
  const name = opts.user ? `the crontab of ${opts.user}` : 'your crontab';
  return {
    name,
    read() {
      const r = spawnSync(opts.crontabCommand, [...who, '-l'], { encoding: 'utf8' });
      if (r.error) throw new RunError(`cannot run ${opts.crontabCommand}: ${r.error.message}`, { cause: r.error });
      if (r.status === 0) return r.stdout;
      if (/no crontab for/i.test(r.stderr)) return '';
      throw new RunError(`${opts.crontabCommand} ${[...who, '-l'].join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
    },
    async write(text) {
      const r = spawnSync(opts.crontabCommand, [...who, '-'], { input: text, encoding: 'utf8' });
      if (r.error) throw new RunError(`cannot run ${opts.crontabCommand}: ${r.error.message}`, { cause: r.error });
      if (r.status !== 0) throw new RunError(`${opts.crontabCommand} ${[...who, '-'].join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
    },
  };
}

function cronDTarget(opts: CronOptions): Target {
  const file = join(opts.cronDDir, 'simplemon');
  return {
    name: file,
    read: () => (existsSync(file) ? readFileSync(file, 'utf8') : ''),
    async write(text) {
      // cron ignores a cron.d file that others may write; an empty one is simply removed
      if (text.trim() === '') {
        if (existsSync(file)) unlinkSync(file);
      } else await writeFileAtomic(file, text, 0o644);
    },
  };
}

export async function cronPrint(g: GlobalOptions, opts: CronOptions, io: CronIo = defaultIo): Promise<number> {
  checkOptions(opts, false);
  const ev = every(opts);
  const config = configForCron(g, opts.user);
  if (opts.systemd) {
    const u = systemdUnits(ev, paths(config), { timeoutSec: pollTimeoutSeconds(config), user: opts.user });
    io.stdout(
      [
        '# Save as /etc/systemd/system/simplemon-poll.service and simplemon-poll.timer, then: systemctl daemon-reload && systemctl enable --now simplemon-poll.timer',
        '# --- simplemon-poll.service',
        u.service,
        '# --- simplemon-poll.timer',
        u.timer,
      ].join('\n'),
    );
    return 0;
  }
  io.stdout(cronLine(ev.schedule, paths(config), opts.system ? (opts.user ?? 'root') : undefined) + '\n');
  return 0;
}

export async function cronInstall(g: GlobalOptions, opts: CronOptions, io: CronIo = defaultIo): Promise<number> {
  if (opts.systemd) throw new ConfigError('--systemd only prints the units: simplemon cron print --systemd');
  checkOptions(opts, true);
  const ev = every(opts);
  const config = configForCron(g, opts.user);
  const line = cronLine(ev.schedule, paths(config), opts.system ? (opts.user ?? 'root') : undefined);
  const target = opts.system ? cronDTarget(opts) : crontabTarget(opts);
  const before = target.read();
  const { text, replaced } = installLine(before, line);
  if (text !== before) await target.write(text);
  io.stdout(`${text === before ? 'already in' : replaced ? 'replaced the simplemon line in' : 'installed in'} ${target.name}:\n${line}\n`);
  for (const other of otherSimplemonLines(text)) {
    io.stderr(`warning: ${target.name} also has this line, which polls too (remove it if it is the old hand-written entry):\n  ${other}\n`);
  }
  return 0;
}

export async function cronRemove(_g: GlobalOptions, opts: CronOptions, io: CronIo = defaultIo): Promise<number> {
  if (opts.systemd) throw new ConfigError('--systemd units are removed with: systemctl disable --now simplemon-poll.timer');
  checkOptions(opts, true);
  const target = opts.system ? cronDTarget(opts) : crontabTarget(opts);
  const before = target.read();
  const { text, removed } = removeLine(before);
  if (removed) await target.write(text);
  io.stdout(removed ? `removed the simplemon line from ${target.name}\n` : `no simplemon line in ${target.name}: nothing to remove\n`);
  return 0;
}

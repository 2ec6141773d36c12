// The commander program. Each command imports its module only when it runs, so `--help` and `status`
// stay fast and never load soap, net-snmp, nodemailer or ora. The one place that turns errors into
// exit codes: 0 done, 1 could not do its job, 2 usage or config error. Never process.exit().
import { Argument, Command, CommanderError, Option } from 'commander';
import { errorMessage } from '../util/errors.js';
import { isOwnError, maskLibraryText } from '../util/secrets.js';
import { renderCheckError } from '../render/nagios.js';

/** What a stream needs to be for a command: the process's own, or a test's. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * What every command gets: the global options, and the edges it talks to — stdout, stderr, the
 * environment and the clock — so that a command can be run in a test without spawning a process.
 * Every command returns its exit code (0 done, 1 could not, 2 usage or config); errors it throws are
 * turned into codes in one place, main().
 */
export interface CommandContext {
  config?: string;
  color?: boolean;
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  now: () => Date;
}

/** The context of the running process. */
export function processContext(options: { config?: string; color?: boolean } = {}): CommandContext {
  return { ...options, stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => new Date() };
}

/** The name commands have always used for their first argument. */
export type GlobalOptions = CommandContext;

type Run = (global: GlobalOptions) => Promise<number | void>;

function buildProgram(run: (fn: Run) => Promise<void>): Command {
  const program = new Command('simplemon');
  program
    .description('Monitor vCenter (hosts, VMs, datastores) and network printers (SNMP) from cron; email on state changes.')
    .version('0.1.0', '-V, --version')
    .option('-c, --config <file>', 'config file (default: $SIMPLEMON_CONFIG, ./monitor.config.yaml, /etc/simplemon/monitor.config.yaml)')
    .option('--no-color', 'no colours (also when NO_COLOR is set or output is not a terminal)')
    .showHelpAfterError('(run simplemon --help for usage)')
    .exitOverride();

  program
    .command('poll')
    .description('poll devices, evaluate, save state and send alerts — the cron entry; prints only what changed (with email: only trouble sending it)')
    .argument('[what...]', 'kinds to poll, singular or plural: vcenters, hosts, vms, datastores, printers, services (default: everything configured)')
    .option('-v, --verbose', 'print every device and timings')
    .option('--metrics-file <file>', 'also write the state as OpenMetrics text for node_exporter (atomically, 0644)')
    .option('--html <file>', 'also write the status page (self-contained HTML, atomically, 0644)')
    .action((what: string[], opts: { verbose?: boolean; metricsFile?: string; html?: string }) =>
      run(async (gl) => (await import('./commands/poll.js')).pollCommand(gl, what, opts)),
    );

  program
    .command('status')
    .description('show the saved state as tables (or JSON); says when the last poll is stale')
    .argument('[kind]', 'only this kind, singular or plural: vcenters, hosts, vms, datastores, printers, services')
    .option('-p, --problems', 'only devices that are not ok')
    .option('-r, --refresh', 'poll first')
    .option('--json', 'machine-readable output (see README: JSON contract)')
    .option('--html <file>', 'write the status page to this file (self-contained HTML, atomically, 0644)')
    .option('-w, --watch [interval]', 'live: poll every interval (default 5s, at least 2s; 10s, 1m) and redraw in place; q or Ctrl-C quits. Each tick is a real poll, as cron runs it: state saved, alert emails sent')
    .action((kind: string | undefined, opts: { problems?: boolean; refresh?: boolean; json?: boolean; html?: string; watch?: string | true }) =>
      run(async (gl) => (await import('./commands/status.js')).statusCommand(gl, kind, opts)),
    );

  const config = program.command('config').description('check or create the config file');
  config
    .command('validate')
    .description('check the config: every error with its YAML path and line; exit 2 if any')
    .action(() => run(async (gl) => (await import('./commands/config.js')).configValidate(gl)));
  config
    .command('init')
    .description('write the commented sample config (every option with its default)')
    .argument('[file]', 'where to write it', 'monitor.config.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .action((file: string, opts: { force?: boolean }) => run(async (gl) => (await import('./commands/config.js')).configInit(gl, file, opts)));

  program
    .command('demo')
    .description('run simplemon against simulated printers on loopback and show the result')
    .option('--keep', 'keep the demo folder (config and state) and print its path')
    .action((opts: { keep?: boolean }) => run(async (gl) => (await import('./commands/demo.js')).demoCommand(gl, opts)));

  program
    .command('history')
    .description("a device's numbers over time: latest, min, max, a sparkline, toner/free-space forecasts, its events")
    .argument('<device>', 'device id (printer/office-1)')
    .option('--since <duration>', 'window: 24h, 7d, 2w …', '24h')
    .option('-m, --metric <key...>', 'only these numbers (keys as in --json)')
    .option('--json', 'machine-readable output')
    .action((device: string, opts: { since?: string; metric?: string[]; json?: boolean }) =>
      run(async (gl) => (await import('./commands/history.js')).historyCommand(gl, device, opts)),
    );

  program
    .command('events')
    .description('the event log: state transitions, removed devices, overrides, acks')
    .option('--since <duration>', 'only the last 24h, 7d, 2w …')
    .option('-d, --device <glob>', 'only these devices (id or glob: printer/*)')
    .option('-t, --type <type...>', 'only these types: transition, device-removed, override-set, override-cleared, override-expired, ack')
    .option('--json', 'machine-readable output')
    .action((opts: { since?: string; device?: string; type?: string[]; json?: boolean }) =>
      run(async (gl) => (await import('./commands/events.js')).eventsCommand(gl, opts)),
    );

  registerOverrides(program, run);
  registerAlerts(program, run);
  registerOutputs(program, run);
  program
    .command('jobs')
    .description("a printer's job queue now, over IPP: job, user, the host it came from, name, state, age")
    .argument('<printer>', 'printer name (with ipp: in the config)')
    .option('-a, --all', 'finished jobs too')
    .option('--json', 'machine-readable output')
    .action((printer: string, opts: { json?: boolean; all?: boolean }) => run(async (gl) => (await import('./commands/jobs.js')).jobsCommand(gl, printer, opts)));
  registerCron(program, run);
  program
    .command('completion')
    .description('print a bash or zsh completion script (commands, options, device ids): source <(simplemon completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: string) => run(async () => (await import('./commands/completion.js')).completionCommand(program, shell)));
  // what the completion script calls while a command line is typed: fast, quiet, never an error
  program
    .command('__complete', { hidden: true })
    .argument('<what>', 'devices')
    .action(() => run(async (gl) => (await import('./commands/completion.js')).completeDevices(gl)));
  return program;
}

/** Overrides, maintenance and acknowledgements. */
function registerOverrides(program: Command, run: (fn: Run) => Promise<void>): void {
  const o = program.command('override').description('set a device state by hand, with a reason and an expiry');
  o.command('set')
    .description('force a state (ok, warning, critical) or maintenance (no alerts) on a device id or glob')
    .argument('<device>', 'device id (printer/office-1) or glob (host/vc1/*)')
    .addOption(new Option('-s, --state <state>', 'forced state').choices(['ok', 'warning', 'critical', 'maintenance']).makeOptionMandatory())
    .option('--for <duration>', 'how long: 30m, 2h, 1d')
    .option('--until <time>', 'until "YYYY-MM-DD HH:MM" (local time) or an ISO time')
    .requiredOption('-r, --reason <text>', 'why (shown in status and emails)')
    .option('-f, --force', 'allow a device id that is not in the config or the last inventory')
    .action((device: string, opts: { state: string; for?: string; until?: string; reason: string; force?: boolean }) =>
      run(async (gl) => (await import('./commands/override.js')).overrideSet(gl, device, opts)),
    );
  o.command('list')
    .description('the overrides in force')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => run(async (gl) => (await import('./commands/override.js')).overrideList(gl, opts)));
  o.command('clear')
    .description('remove overrides: the real state takes over')
    .argument('<device>', 'device id or glob')
    .action((device: string) => run(async (gl) => (await import('./commands/override.js')).overrideClear(gl, device)));
  program
    .command('ack')
    .description('acknowledge a current problem: no reminders until it recovers')
    .argument('<device>', 'device id')
    .requiredOption('-r, --reason <text>', 'why')
    .action((device: string, opts: { reason: string }) => run(async (gl) => (await import('./commands/override.js')).ackCommand(gl, device, opts)));
}

/** Alert emails: test the path, look at the outbox and the history, send the outbox now. */
function registerAlerts(program: Command, run: (fn: Run) => Promise<void>): void {
  type AlertsModule = typeof import('./commands/alerts.js');
  type Result = { exitCode: number; output: string };
  const alertsRun = (fn: (m: AlertsModule, config: import('../config/types.js').Config) => Promise<Result>) =>
    run(async (gl) => {
      const [{ loadConfig }, m] = await Promise.all([import('../config/load.js'), import('./commands/alerts.js')]);
      const r = await fn(m, loadConfig(gl.config));
      process.stdout.write(r.output);
      return r.exitCode;
    });
  const a = program.command('alerts').description('alert emails: test the SMTP path, the outbox, what was sent');
  a.command('test')
    .description('send a test email to every recipient now and report per recipient (exit 1 if any failed)')
    .action(() => alertsRun((m, c) => m.alertsTest(c)));
  a.command('pending')
    .description('list the outbox: emails still owed (retried at every poll) and those refused for good')
    .action(() => alertsRun((m, c) => m.alertsPending(c)));
  a.command('history')
    .description('list the emails the SMTP server accepted')
    .option('--since <duration>', 'only the last 24h, 7d, 2w …')
    .action((opts: { since?: string }) => alertsRun((m, c) => m.alertsHistory(c, { since: opts.since })));
  a.command('retry')
    .description('send the outbox now, including emails refused for good (exit 1 if any are left)')
    .action(() => alertsRun((m, c) => m.alertsRetry(c)));
}

/** Outputs that feed an existing shop: the Nagios / Icinga plugin and the Prometheus export. */
function registerOutputs(program: Command, run: (fn: Run) => Promise<void>): void {
  program
    .command('check')
    .description('Nagios/Icinga plugin: one status line with performance data; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .argument('<device>', 'device id (printer/office-1), glob (host/vc1/*), kind (printers) or device name')
    .option('-r, --refresh', 'poll first')
    .option('--stale-after <duration>', 'data older than this is UNKNOWN (default: 3 × poll-interval, 15m for 5m)')
    // a plugin's usage errors are UNKNOWN (3) on stdout, never commander's exit 2 on stderr
    .configureOutput({ outputError: () => {} })
    .exitOverride((e) => {
      if (e.exitCode === 0) throw e; // --help
      const r = renderCheckError(e.message.replace(/^error: /, ''));
      process.stdout.write(`${r.line}\n`);
      throw Object.assign(new Error(e.message), { exitCode: r.exitCode });
    })
    .action((device: string, opts: { refresh?: boolean; staleAfter?: string }) =>
      run(async (gl) => (await import('./commands/check.js')).checkCommand(gl, device, opts)),
    );

  program
    .command('export')
    .description('write the saved state for other systems: Prometheus text for node_exporter\'s textfile collector')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['openmetrics']).default('openmetrics'))
    .option('-o, --output <file>', 'write this file atomically (mode 0644) instead of printing')
    .action((opts: { format: string; output?: string }) => run(async (gl) => (await import('./commands/export.js')).exportCommand(gl, opts)));
}

/** cron print | install | remove: the crontab line (or cron.d file, or systemd units) that runs poll. */
function registerCron(program: Command, run: (fn: Run) => Promise<void>): void {
  type CronModule = typeof import('./commands/cron.js');
  type CronOpts = import('./commands/cron.js').CronOptions;
  const cron = program.command('cron').description('print, install or remove the crontab line that runs simplemon poll as cron really runs it');
  const sub = (name: string, description: string, fn: (m: CronModule, gl: GlobalOptions, opts: CronOpts) => Promise<number>) =>
    cron
      .command(name)
      .description(description)
      .option('--every <interval>', 'how often: 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m or 1h', '5m')
      .option('-u, --user <user>', 'the crontab of this user (crontab -u); with --system, the user the job runs as (default root)')
      .option('--system', 'use /etc/cron.d/simplemon instead of a user crontab (root only)')
      .option('--systemd', 'print a simplemon-poll.service + .timer pair instead (print only)')
      .addOption(new Option('--crontab-command <path>', 'the crontab program').default('crontab').hideHelp())
      .addOption(new Option('--cron-d-dir <dir>', 'the cron.d folder').default('/etc/cron.d').hideHelp())
      .action((opts: CronOpts) => run(async (gl) => fn(await import('./commands/cron.js'), gl, opts)));
  sub('print', 'print the crontab line (or, with --systemd, the service and timer units)', (m, gl, o) => m.cronPrint(gl, o));
  sub('install', 'put the line into the crontab: one marked line, replaced on re-install, other lines kept', (m, gl, o) => m.cronInstall(gl, o));
  sub('remove', 'remove the marked line; other lines kept', (m, gl, o) => m.cronRemove(gl, o));
}

/**
 * `simplemon status | head`: the reader goes away before the output is written. That is no error of
 * ours: the rest of the output is dropped and the command ends as it would have (a poll still saves its
 * state and sends its emails), with no stack trace from an unhandled EPIPE.
 */
function dropOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    throw e;
  });
}

export async function main(argv: string[]): Promise<void> {
  dropOutputOnClosedPipe(process.stdout);
  dropOutputOnClosedPipe(process.stderr);
  let global: GlobalOptions = processContext();
  const run = async (fn: Run) => {
    const code = await fn(global);
    if (typeof code === 'number') process.exitCode = code;
  };
  const program = buildProgram(run);
  program.hook('preAction', () => {
    global = processContext(program.opts() as { config?: string; color?: boolean });
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; every other commander error is a usage error
      process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
      return;
    }
    const code = typeof (e as { exitCode?: unknown }).exitCode === 'number' ? (e as { exitCode: number }).exitCode : 1;
    // our own messages name devices and are printed as written; a library's text may carry a secret
    const msg = isOwnError(e) ? errorMessage(e) : maskLibraryText(errorMessage(e));
    process.stderr.write(`simplemon: ${msg}\n`);
    if (process.env.SIMPLEMON_DEBUG && e instanceof Error && e.stack) process.stderr.write(maskLibraryText(e.stack) + '\n');
    process.exitCode = code;
  }
}

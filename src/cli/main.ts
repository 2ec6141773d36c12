// The commander program. Each command imports its module only when it runs, so `--help` and `status`
// stay fast and never load soap, net-snmp, nodemailer or ora. The one place that turns errors into
// exit codes: 0 done, 1 could not do its job, 2 usage or config error. Never process.exit().
import { Command, CommanderError, Option } from 'commander';
import { errorMessage } from '../util/errors.js';
import { scrubSecrets } from '../util/secrets.js';

export interface GlobalOptions {
  config?: string;
  color?: boolean;
}

type Run = (global: GlobalOptions) => Promise<number | void>;

function buildProgram(run: (fn: Run) => Promise<void>): Command {
  const program = new Command('simplemon');
  program
    .description('Monitor vCenter hosts and VMs, printers and services from cron; email on state changes.')
    .version('0.1.0', '-V, --version')
    .option('-c, --config <file>', 'config file (default: $SIMPLEMON_CONFIG, ./monitor.config.yaml, /etc/simplemon/monitor.config.yaml)')
    .option('--no-color', 'no colours (also when NO_COLOR is set or output is not a terminal)')
    .showHelpAfterError('(run simplemon --help for usage)')
    .exitOverride();
  const g = () => program.opts() as GlobalOptions;

  program
    .command('poll')
    .description('poll devices, evaluate, save state and send alerts — the cron entry; quiet unless something changed')
    .argument('[what...]', 'printers, hosts, vms, datastores (default: everything configured)')
    .option('-v, --verbose', 'print every device and timings')
    .action((what: string[], opts: { verbose?: boolean }) =>
      run(async (gl) => (await import('./commands/poll.js')).pollCommand(gl, what, opts)),
    );

  program
    .command('status')
    .description('show the saved state as tables (or JSON)')
    .argument('[kind]', 'printers, hosts, vms, datastores, vcenters')
    .option('-p, --problems', 'only devices that are not ok')
    .option('-r, --refresh', 'poll first')
    .option('--json', 'machine-readable output (see README: JSON contract)')
    .action((kind: string | undefined, opts: { problems?: boolean; refresh?: boolean; json?: boolean }) =>
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
    .action((file: string, opts: { force?: boolean }) => run(async () => (await import('./commands/config.js')).configInit(file, opts)));

  program
    .command('demo')
    .description('run simplemon against simulated printers on loopback and show the result')
    .option('--keep', 'keep the demo folder (config and state) and print its path')
    .action((opts: { keep?: boolean }) => run(async (gl) => (await import('./commands/demo.js')).demoCommand(gl, opts)));

  registerLater(program, run);
  return program;
}

/** Commands from later issues register here (alerts, override, ack). */
function registerLater(program: Command, run: (fn: Run) => Promise<void>): void {
  void program;
  void run;
  void Option;
}

export async function main(argv: string[]): Promise<void> {
  let global: GlobalOptions = {};
  const run = async (fn: Run) => {
    const code = await fn(global);
    if (typeof code === 'number') process.exitCode = code;
  };
  const program = buildProgram(run);
  program.hook('preAction', () => {
    global = program.opts() as GlobalOptions;
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
    const msg = scrubSecrets(errorMessage(e));
    process.stderr.write(`simplemon: ${msg}\n`);
    if (process.env.SIMPLEMON_DEBUG && e instanceof Error && e.stack) process.stderr.write(scrubSecrets(e.stack) + '\n');
    process.exitCode = code;
  }
}

// simplemon demo: the whole loop on loopback, nothing to configure. Simulated SNMP printers, a vCenter
// that replays SOAP answers recorded from govmomi's simulator (no Go needed), and an SMTP server that
// keeps what it is sent; then poll → evaluate → email → status twice, with faults injected between, the
// emails as received, and a Nagios `check` line. The real config loader, collectors, evaluation, state
// file, history, email notifier (nodemailer over SMTP) and renderers run, in a temp folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GlobalOptions } from '../main.js';
import { loadConfig } from '../../config/load.js';
import { openAppState, readAppState } from '../../app/state.js';
import { runPoll } from '../../app/run-poll.js';
import { viewsOf } from '../../app/devices.js';
import { SOURCES } from '../../sources/index.js';
import { renderStatus } from '../../render/status.js';
import { makeChalk, useColor } from '../../render/style.js';
import { outputWidth } from '../../render/width.js';
import { clean } from '../../render/sanitize.js';
import { fileHistory, transitionLines } from './poll.js';
import { runCheck, DEFAULT_STALE_AFTER_MS } from './check.js';
import { createEmailNotifier } from '../../notify/email-notifier.js';
import { startPrinterAgent, type DemoPrinter, type RunningAgent } from '../../demo/printer-agent.js';
import { getProperty, setProperty, startVcenterReplay, type RunningReplay } from '../../demo/vcenter-replay.js';
import { readMail, startSmtpCapture, type RunningSmtp } from '../../demo/smtp-capture.js';
import type { Config } from '../../config/types.js';
import type { ChalkInstance } from 'chalk';

const PRINTERS: DemoPrinter[] = [
  {
    name: 'reception',
    sysDescr: 'Demo Colour Laser 4000',
    pageCount: 48213,
    deviceStatus: 2,
    errorState: [0x00],
    supplies: [
      { description: 'Black Toner', type: 3, cls: 3, max: 100, level: 64 },
      { description: 'Cyan Toner', type: 3, cls: 3, max: 100, level: 41 },
      { description: 'Magenta Toner', type: 3, cls: 3, max: 100, level: 37 },
      { description: 'Yellow Toner', type: 3, cls: 3, max: 100, level: 26 },
      { description: 'Waste Toner Box', type: 4, cls: 4, max: 100, level: 80 },
    ],
  },
  {
    name: 'warehouse',
    sysDescr: 'Demo Mono Laser 200',
    pageCount: 120577,
    deviceStatus: 3,
    errorState: [0x0c, 0x00], // doorOpen, jammed
    supplies: [
      { description: 'Toner Cartridge', type: 21, cls: 3, max: 20000, level: 9000 },
      { description: 'Drum Unit', type: 9, cls: 3, max: 30000, level: 25000 },
    ],
  },
  {
    name: 'accounts',
    sysDescr: 'Demo Inkjet Pro',
    pageCount: 5120,
    deviceStatus: 2,
    errorState: [],
    supplies: [
      { description: 'Black Ink', type: 6, cls: 3, max: 3000, level: 2500 },
      { description: 'Cyan Ink', type: 6, cls: 3, max: 3000, level: -3 },
    ],
  },
];

/** The VM that goes hot between the polls (a name in the recording), and how hot. */
const HOT_VM = 'DC0_C0_RP0_VM2';
const HOT_PERCENT = 97;
const LOW_TONER = { printer: 0, supply: 4, level: 9 };
const VANISHING = 2;

function configYaml(agents: RunningAgent[], smtp: RunningSmtp, vc: RunningReplay): string {
  return [
    '# written by simplemon demo: every server below ran on loopback for the demo only',
    'state-file: state.json',
    'defaults: { timeout: 1s, retries: 0 }',
    '# a real site waits 2 polls before calling a printer gone (it may be rebooting); the demo has only 2 polls',
    'thresholds: { printer: { reachable: { failures-before-alert: 1 } } }',
    'email:',
    `  smtp: { host: 127.0.0.1, port: ${smtp.port}, require-tls: false, timeout: 5s }`,
    '  from: simplemon@demo.invalid',
    '  recipients: [ops@demo.invalid]',
    '  notify-unknown: true   # a printer that vanishes is news',
    'printers:',
    ...PRINTERS.map((p, i) => `  - { name: ${p.name}, address: 127.0.0.1, port: ${agents[i].port}, snmp: { version: 2c, community: ${agents[i].community} } }`),
    'vcenters:',
    `  - { name: lab, url: "${vc.url}", username: monitor@vsphere.local, password: demo, timeout: 5s }`,
    '',
  ].join('\n');
}

interface Ctx {
  config: Config;
  out: (s: string) => void;
  c: ChalkInstance;
  smtp: RunningSmtp;
}

async function pollOnce(ctx: Ctx, title: string): Promise<void> {
  const { config, out, c, smtp } = ctx;
  out(c.bold(`── ${title} ──`));
  const before = smtp.mails.length;
  const r = await runPoll(config, {
    sources: SOURCES,
    openStore: () => openAppState(config.stateFile, { lockTimeoutMs: config.lockTimeoutMs, command: 'demo' }),
    notifier: createEmailNotifier(config),
    now: () => new Date(),
    log: () => {},
    history: fileHistory(config),
  });
  out(c.dim(`$ simplemon poll    # ${r.readings.length} devices in ${r.durationMs} ms; what changed, and the email it sent:`));
  const lines = transitionLines(r.transitions, c);
  for (const l of lines) out(l);
  if (!lines.length) out('(nothing changed: poll is quiet)');
  for (const l of r.delivery?.lines ?? []) out(clean(l));
  const state = await readAppState(config.stateFile);
  out('');
  out(c.dim('$ simplemon status'));
  out(renderStatus(viewsOf(state, config, SOURCES, new Date()), state.checkedAt, { chalk: c, now: new Date(), width: outputWidth(process.stdout, process.env) }));
  const mails = smtp.mails.slice(before);
  out(c.dim(`Mail received by the demo's SMTP server (${mails.length}):`));
  for (const m of mails) {
    const mail = readMail(m.raw);
    out(`  ┌ To: ${clean(mail.to)}`);
    out(`  │ Subject: ${c.bold(clean(mail.subject))}`);
    out('  │');
    for (const l of mail.text.split('\n')) out(`  │ ${clean(l)}`);
    out('  └');
  }
  out('');
}

export async function demoCommand(g: GlobalOptions, opts: { keep?: boolean }): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'simplemon-demo-'));
  const c = makeChalk(useColor(g.stdout, g.env, g.color));
  const out = (s: string) => g.stdout.write(s + '\n');
  const agents: RunningAgent[] = [];
  const closed = new Set<number>();
  let smtp: RunningSmtp | null = null;
  let vc: RunningReplay | null = null;
  let cleaned: Promise<void> | null = null;
  // every server closed and (without --keep) the folder removed: at the end, on an error, on Ctrl-C
  const cleanup = () =>
    (cleaned ??= (async () => {
      await Promise.all([...agents.filter((_a, i) => !closed.has(i)).map((a) => a.close()), smtp?.close(), vc?.close()]);
      if (!opts.keep) await rm(dir, { recursive: true, force: true });
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const mailDir = join(dir, 'mail');
    await mkdir(mailDir, { mode: 0o700 });
    for (const [i, p] of PRINTERS.entries()) agents.push(await startPrinterAgent(p, `demo${i}`));
    smtp = await startSmtpCapture({ saveDir: mailDir });
    vc = await startVcenterReplay();
    const file = join(dir, 'monitor.config.yaml');
    await writeFile(file, configYaml(agents, smtp, vc), { mode: 0o600 });
    const config = loadConfig(file);
    const ctx: Ctx = { config, out, c, smtp };

    out(c.bold('simplemon demo: the whole loop on loopback, nothing to configure'));
    out(`  printers  ${PRINTERS.length} SNMP v2c agents: ${agents.map((a, i) => `${PRINTERS[i].name} udp/127.0.0.1:${a.port}`).join(', ')}`);
    out(`  vCenter   ${vc.url}, replaying answers recorded from govmomi's simulator (4 hosts, 8 VMs, 2 datastores)`);
    out(`  mail      SMTP tcp/127.0.0.1:${smtp.port}, keeping what simplemon sends`);
    out(`  folder    ${dir} (config, state, history, mail/)`);
    out('');

    await pollOnce(ctx, 'poll 1: the site as it is');

    const maxCpu = Number(getProperty(vc.recording, 'VirtualMachine', HOT_VM, 'runtime.maxCpuUsage'));
    const hotMhz = Math.round((maxCpu * HOT_PERCENT) / 100);
    out(c.bold('── faults injected ──'));
    const lowToner = PRINTERS[LOW_TONER.printer];
    agents[LOW_TONER.printer].setLevel(LOW_TONER.supply, LOW_TONER.level);
    out(`  ${lowToner.name}: ${lowToner.supplies[LOW_TONER.supply - 1].description.toLowerCase()} runs low (${LOW_TONER.level}%)`);
    setProperty(vc.recording, 'VirtualMachine', HOT_VM, 'summary.quickStats.overallCpuUsage', hotMhz);
    out(`  VM ${HOT_VM} goes hot: CPU ${hotMhz} of ${maxCpu} MHz (the replayed inventory is rewritten)`);
    await agents[VANISHING].close();
    closed.add(VANISHING);
    out(`  ${PRINTERS[VANISHING].name}: the printer vanishes (its SNMP agent stops)`);
    agents[1].setErrors([0x00, 0x00], 2);
    out(`  ${PRINTERS[1].name}: the paper jam is cleared, the door closed`);
    out('');

    await pollOnce(ctx, 'poll 2: after the faults');

    const target = `vm/lab/${HOT_VM}`;
    const check = await runCheck(config, await readAppState(config.stateFile), new Date(), target, DEFAULT_STALE_AFTER_MS);
    out(c.dim(`$ simplemon check ${target}    # the Nagios / Icinga plugin line`));
    out(check.output.trimEnd());
    out(c.dim(`(exit ${check.exitCode}: ${['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][check.exitCode]})`));
    out('');

    await cleanup();
    out(c.dim(`Servers stopped (${PRINTERS.length} printers, the vCenter replay, the mail server).`));
    if (opts.keep) {
      const cfg = `--config ${file}`;
      out(`Kept ${dir}: the config, the state, the history and the ${smtp.mails.length} emails in mail/ (NNN.eml).`);
      out('The simulated printers, vCenter and mail server are gone: these commands read what the demo saved,');
      out('while `poll` would now find every device unreachable.');
      out(`  simplemon status ${cfg}`);
      out(`  simplemon status --json ${cfg}`);
      out(`  simplemon history printer/${lowToner.name} ${cfg}`);
      out(`  simplemon events ${cfg}`);
      out(`  simplemon alerts history ${cfg}`);
      out(`  simplemon check ${target} ${cfg}    (UNKNOWN once the data is ${DEFAULT_STALE_AFTER_MS / 60_000} min old)`);
      out(`  rm -r ${dir}    # when done`);
    } else {
      out(`Folder ${dir} removed. Run \`simplemon demo --keep\` to keep it and try status, history, events, alerts and check on it.`);
    }
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return 0;
}

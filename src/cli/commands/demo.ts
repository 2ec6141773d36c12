// simplemon demo: simulated printers on loopback, two polls, the status table after each — the real
// config loader, collector, evaluation, state file and renderer, end to end, in a temp folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { transitionLines } from './poll.js';
import { startPrinterAgent, type DemoPrinter, type RunningAgent } from '../../demo/printer-agent.js';
import type { Config } from '../../config/types.js';

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
      { description: 'Yellow Toner', type: 3, cls: 3, max: 100, level: 12 },
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

function configYaml(agents: RunningAgent[]): string {
  const lines = ['# written by simplemon demo', 'state-file: state.json', 'defaults: { timeout: 1s, retries: 0 }', 'printers:'];
  PRINTERS.forEach((p, i) => lines.push(`  - { name: ${p.name}, address: 127.0.0.1, port: ${agents[i].port}, snmp: { version: 2c, community: ${agents[i].community} } }`));
  // nothing listens here: shows an unreachable printer, which costs one timeout and never delays the others
  lines.push('  - { name: basement, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: public } }');
  return lines.join('\n') + '\n';
}

async function pollOnce(config: Config, out: (s: string) => void, color: boolean): Promise<void> {
  const c = makeChalk(color);
  const r = await runPoll(config, {
    sources: SOURCES,
    openStore: () => openAppState(config.stateFile, { lockTimeoutMs: config.lockTimeoutMs, command: 'demo' }),
    now: () => new Date(),
    log: () => {},
  });
  out(c.dim(`$ simplemon poll        # ${r.readings.length} printers in ${r.durationMs} ms; what cron would mail:`));
  const lines = transitionLines(r.transitions, c);
  for (const l of lines) out(l);
  if (!lines.length) out('(nothing changed: poll is quiet)');
  const state = await readAppState(config.stateFile);
  out('');
  out(c.dim('$ simplemon status'));
  out(renderStatus(viewsOf(state, config, SOURCES, new Date()), state.checkedAt, { chalk: c, now: new Date(), width: outputWidth(process.stdout, process.env) }));
}

export async function demoCommand(g: GlobalOptions, opts: { keep?: boolean }): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'simplemon-demo-'));
  const color = useColor(process.stdout, process.env, g.color);
  const out = (s: string) => process.stdout.write(s + '\n');
  const agents: RunningAgent[] = [];
  try {
    for (const [i, p] of PRINTERS.entries()) agents.push(await startPrinterAgent(p, `demo${i}`));
    const file = join(dir, 'monitor.config.yaml');
    await writeFile(file, configYaml(agents), { mode: 0o600 });
    const config = loadConfig(file);
    out(`simplemon demo: ${PRINTERS.length} simulated printers on 127.0.0.1 (SNMP v2c) and one that does not answer; config ${file}\n`);
    await pollOnce(config, out, color);
    out('… the yellow toner is replaced and the warehouse jam cleared …\n');
    agents[0].setLevel(4, 100);
    agents[1].setErrors([0x00, 0x00], 2);
    await pollOnce(config, out, color);
    out(`Try: simplemon status --json --config ${file}${opts.keep ? '' : '   (re-run with --keep to keep the folder)'}`);
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
  return 0;
}

#!/usr/bin/env node
// npm run bench: every figure side by side with its reference, measured in the same run.
// These machines are shared and noisy: medians of several runs, and ratios.
// Parts: startup (status/--help vs bare node), printers (issue 2), vCenter (issue 3, when present), history
// (issue 12), state (issue 13: load + save of the state file at 1k/10k/50k devices), services (issue 11: HTTP checks concurrent vs curl sequential,
// and the whole `simplemon poll` with services, printers and vCenter in one poll).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchStartup } from './startup.mjs';
import { markdownTable } from './table.mjs';

const repoRoot = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const want = (name) => !only.length || only.includes(name);
const log = (line) => process.stderr.write(`  … ${line}\n`);

const parts = [['startup', () => benchStartup({ repoRoot, log })]];
if (existsSync(join(repoRoot, 'bench', 'printers.mjs'))) parts.push(['printers', async () => (await import('./printers.mjs')).benchPrinters({ repoRoot, log })]);
if (existsSync(join(repoRoot, 'bench', 'history.mjs'))) parts.push(['history', async () => (await import('./history.mjs')).benchHistory({ repoRoot, log })]);
if (existsSync(join(repoRoot, 'bench', 'vcenter.mjs'))) parts.push(['vcenter', async () => (await import('./vcenter.mjs')).benchVcenter({ repoRoot, log })]);
if (existsSync(join(repoRoot, 'bench', 'state.mjs'))) parts.push(['state', async () => (await import('./state.mjs')).benchState({ repoRoot, log })]);
if (existsSync(join(repoRoot, 'bench', 'services.mjs'))) parts.push(['services', async () => (await import('./services.mjs')).benchServices({ repoRoot, log })]);

let failed = false;
const table = [];
for (const [name, run] of parts) {
  if (!want(name)) continue;
  process.stdout.write(`\n## ${name}\n`);
  try {
    const lines = await run();
    process.stdout.write((Array.isArray(lines) ? lines.join('\n') : String(lines)) + '\n');
    if (lines?.table) table.push(...lines.table);
  } catch (e) {
    failed = true;
    process.stdout.write(`${name}: failed: ${e?.stack ?? e}\n`);
  }
}
if (table.length) {
  const { cpus, loadavg } = await import('node:os');
  process.stdout.write(`\n## summary\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg()[0].toFixed(1)} at the end\n\n${markdownTable(table)}\n`);
}
process.exitCode = failed ? 1 : 0;

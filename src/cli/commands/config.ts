// simplemon config validate | init
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { GlobalOptions } from '../main.js';
import { loadConfig } from '../../config/load.js';
import { RunError } from '../../util/errors.js';
import { SOURCES } from '../../sources/index.js';
import { packageFile } from '../../util/paths.js';

/** The commented sample shipped with the package (repo root / package root). */
export const SAMPLE_CONFIG = packageFile('monitor.config.yaml');

export async function configValidate(g: GlobalOptions): Promise<number> {
  const config = loadConfig(g.config); // throws ConfigError (exit 2) with every problem
  for (const w of config.warnings) g.stderr.write(`warning: ${w}\n`);
  // each source's configured devices, under the name of its first kind: "2 printer(s), 1 vcenter(s)"
  const parts = [...SOURCES].sort((a, b) => a.section.key.localeCompare(b.section.key)).map((s) => `${s.configured(config).length} ${s.kinds[0].kind}(s)`);
  if (config.email) parts.push(`email to ${config.email.recipients.length} recipient(s)`);
  if (config.maintenance.length) parts.push(`${config.maintenance.length} maintenance window(s)`);
  g.stdout.write(`${config.file}: ok — ${parts.join(', ')}; state file ${config.stateFile}\n`);
  return 0;
}

export async function configInit(g: GlobalOptions, file: string, opts: { force?: boolean }): Promise<number> {
  const target = resolve(file);
  if (existsSync(target) && !opts.force) throw new RunError(`${target} exists; use --force to overwrite it`);
  const made = await mkdir(dirname(target), { recursive: true }); // /etc/simplemon/ on a fresh machine
  await writeFile(target, await readFile(SAMPLE_CONFIG, 'utf8'), { mode: 0o600 });
  if (made) g.stdout.write(`created ${made}\n`);
  g.stdout.write(`wrote ${target}; edit it, then run: simplemon config validate --config ${file}\n`);
  return 0;
}

// simplemon jobs <printer>: a printer's job queue now, read over IPP — job, user, the host or IP it came
// from, name, state, age. Read-only, no lock: it asks the printer, not the state.
import Table from 'cli-table3';
import type { GlobalOptions } from '../main.js';
import { loadConfig } from '../../config/load.js';
import { clean } from '../../render/sanitize.js';
import { formatAge } from '../../render/status.js';
import { makeChalk, useColor } from '../../render/style.js';
import { ConfigError, RunError } from '../../util/errors.js';
import type { IppJob } from '../../protocols/ipp/client.js';

export interface JobsResult {
  printer: string;
  jobs: IppJob[];
  hidden: boolean;
}

/** The rows of the table, oldest first (pure). */
export function renderJobs(r: JobsResult, now: Date, opts: { color: boolean; json: boolean }): string {
  if (opts.json) return JSON.stringify({ printer: r.printer, hidden: r.hidden, jobs: r.jobs }, null, 2) + '\n';
  const c = makeChalk(opts.color);
  const lines: string[] = [];
  if (!r.jobs.length) lines.push(`${clean(r.printer)}: no jobs in the queue`);
  else {
    const table = new Table({ head: ['Job', 'User', 'From', 'Name', 'State', 'Age'].map((h) => c.bold(h)), style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    const jobs = [...r.jobs].sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
    for (const j of jobs) table.push([String(j.id), clean(j.user ?? '?'), clean(j.host ?? '?'), clean(j.name ?? '?'), clean(j.state ?? '?'), formatAge(j.createdAt, now)]);
    lines.push(`${clean(r.printer)}: ${r.jobs.length} job${r.jobs.length === 1 ? '' : 's'}`, table.toString());
  }
  if (r.hidden) lines.push("the printer withheld other users' job names, users and hosts (CUPS: JobPrivateValues none in its policy, or give ipp-user/ipp-password-file of an admin)");
  return lines.join('\n') + '\n';
}

export async function jobsCommand(g: GlobalOptions, name: string, opts: { json?: boolean; all?: boolean }): Promise<number> {
  const config = loadConfig(g.config);
  const p = config.printers.find((x) => x.name === name || x.id === name);
  if (!p) throw new ConfigError(`no printer "${name}" in ${config.file}: known are ${config.printers.map((x) => x.name).join(', ') || 'none'}`);
  if (!p.queue) throw new ConfigError(`printer ${p.name} has no job queue configured: add ipp: ipp://…/ipp/print to it in ${config.file}`);
  const { getJobs } = await import('../../protocols/ipp/client.js');
  const q = p.queue;
  let r;
  try {
    r = await getJobs(q.url, { timeoutMs: Math.max(5000, p.timeoutMs * (p.retries + 1)), user: q.user, password: q.password, ca: q.ca, insecure: q.insecure, whichJobs: opts.all ? 'all' : 'not-completed' });
  } catch (e) {
    throw new RunError(`${p.name}: ${(e as Error).message}`, { cause: e });
  }
  g.stdout.write(renderJobs({ printer: p.id, jobs: r.jobs, hidden: r.hidden }, g.now(), { color: useColor(g.stdout, g.env, g.color), json: Boolean(opts.json) }));
  return 0;
}

// Run the built CLI (node bin/simplemon) as a child process; never a TTY.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '..', '..');
export const BIN = join(repo, 'bin', 'simplemon');

/** Resolves with { code, stdout, stderr }. Only PATH and HOME are inherited, as under cron. */
export function cli(args, { env = {}, cwd = repo } = {}) {
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolveP({ code, stdout, stderr }));
  });
}

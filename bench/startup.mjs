// Start-up budget: `simplemon --help` and `simplemon status` (the commands a person types) against a
// bare `node -e ''` in the same run. Median wall time and peak RSS over N runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Run a command, return { ms, rssKB } (peak RSS from the kernel's rusage of the child). */
export function measure(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/env', ['bash', '-c', 'command "$@"; code=$?; exit $code', '_', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
      else resolve({ ms, code });
    });
  });
}

/** Peak RSS in KB via GNU time when present (apt: time), else null. */
export async function peakRss(cmd, args, opts = {}) {
  if (!(await import('node:fs')).existsSync('/usr/bin/time')) return null;
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      const m = /(\d+)\s*$/.exec(err.trim());
      resolve(m ? Number(m[1]) : null);
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

export async function benchStartup({ repoRoot, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-bench-start-'));
  const cfg = join(dir, 'c.yaml');
  writeFileSync(cfg, 'state-file: s.json\nprinters:\n' + Array.from({ length: 50 }, (_, i) => `  - { name: p${i}, address: 127.0.9.${i + 1}, snmp: { version: 2c, community: public } }`).join('\n') + '\n');
  const bin = join(repoRoot, 'bin', 'simplemon');
  const cases = [
    ['node -e "" (reference)', process.execPath, ['-e', '']],
    ['simplemon --help', process.execPath, [bin, '--help']],
    ['simplemon status (50 printers)', process.execPath, [bin, 'status', '--config', cfg]],
    ['simplemon status --json', process.execPath, [bin, 'status', '--json', '--config', cfg]],
  ];
  const N = 15;
  const rows = [];
  for (const [name, cmd, args] of cases) {
    log(`startup: ${name}`);
    const times = [];
    for (let i = 0; i < N; i++) times.push((await measure(cmd, args)).ms);
    const rss = await peakRss(cmd, args);
    rows.push({ name, ms: median(times), rss });
  }
  const ref = rows[0];
  return [
    `median of ${N} runs; ratio = against bare node start-up in the same run`,
    ...rows.map((r) => `${r.name.padEnd(34)} ${r.ms.toFixed(0).padStart(5)} ms  ×${(r.ms / ref.ms).toFixed(2)}   peak RSS ${r.rss === null ? 'n/a (apt-get install time)' : `${(r.rss / 1024).toFixed(1)} MB`}`),
  ];
}

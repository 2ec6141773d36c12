// Start-up at scale (issue 13): the commands a person types and the one Nagios runs, with 1,000 printers
// in the config (block style: 6,000 lines) and in the state (two polls' worth, written by the poll
// pipeline itself so that the state has the shape the code writes), each against a bare `node -e 0`
// measured interleaved in the same run. Median wall time of N runs, peak RSS (GNU time).
//
// `status` reads the compiled config that the first run leaves beside the state (config/cache.ts); the
// first run after a config change parses the YAML in full, and is shown on a row of its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { row } from './table.mjs';

/** Run a command, return { ms, code } (wall time, spawn to exit). */
export function measure(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
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
  if (!existsSync('/usr/bin/time')) return null;
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

const PRINTERS = 1000;

/** A site of 1,000 printers: the config, and a state written by two polls of the real pipeline. */
export async function makeSite(repoRoot, dir, n = PRINTERS) {
  const cfg = join(dir, 'monitor.config.yaml');
  const lines = ['state-file: state/simplemon.json', 'poll-interval: 5m', 'printers:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - name: floor${Math.floor(i / 40)}-printer-${String(i).padStart(4, '0')}`,
      `    address: 192.0.2.${(i % 250) + 1}`,
      '    port: 161',
      '    snmp: { version: 2c, community: public }',
      '    timeout: 2s',
      `    thresholds: { toner-low: { below: ${15 + (i % 3) * 5} } }`,
    );
  }
  writeFileSync(cfg, lines.join('\n') + '\n');
  mkdirSync(join(dir, 'state'), { recursive: true, mode: 0o700 });
  const dist = (p) => import(pathToFileURL(join(repoRoot, 'dist', ...p.split('/'))).href);
  const [{ parseConfig }, { runPoll }, { openAppState }, { printerSource }, { readFileSync }] = await Promise.all([
    dist('config/load.js'),
    dist('app/run-poll.js'),
    dist('app/state.js'),
    dist('sources/printers/index.js'),
    import('node:fs'),
  ]);
  const config = parseConfig(readFileSync(cfg, 'utf8'), cfg);
  const metrics = (i, poll) => ({
    sysName: `printer-${i}`,
    sysDescr: 'HP Color LaserJet MFP M479fdw',
    pageCount: 120_000 + i * 37 + poll * 12,
    supplies: ['Black', 'Cyan', 'Magenta', 'Yellow'].map((c, k) => {
      const pct = (i * 7 + k * 23 + 50 - poll) % 100;
      return { index: `1.${k + 1}`, description: `${c} Cartridge HP W2030A`, type: 'toner', class: 'supplyThatIsConsumed', unit: 'percent', maxCapacity: 100, level: pct, percent: pct };
    }),
    printerStatus: i % 11 ? 'idle' : 'printing',
    deviceStatus: i % 17 ? 'running' : 'warning',
    errors: i % 17 ? [] : ['lowToner'],
    alerts: [],
    console: [],
  });
  const fake = (poll) => ({
    ...printerSource,
    async collect(ctx) {
      return {
        readings: ctx.config.printers.map((p, i) => (i % 97 === 5 ? { id: p.id, kind: 'printer', name: p.name, target: `${p.address}:${p.port}`, reachable: false, error: 'timeout after 2s (1 retry)', metrics: {} } : { id: p.id, kind: 'printer', name: p.name, target: `${p.address}:${p.port}`, reachable: true, error: null, metrics: metrics(i, poll) })),
      };
    },
  });
  const t0 = Date.now() - 600_000;
  for (const poll of [0, 1]) {
    await runPoll(config, { sources: [fake(poll)], openStore: () => openAppState(config.stateFile, { lockTimeoutMs: 10_000, command: 'poll' }), now: () => new Date(t0 + poll * 300_000), log: () => {} }, []);
  }
  // the state is as old as a poll 5 minutes ago: fresh, not STALE
  return { cfg, state: config.stateFile };
}

export async function benchStartup({ repoRoot, log, runs = Number(process.env.BENCH_RUNS ?? 15) }) {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-bench-start-'));
  try {
    log(`startup: writing a site of ${PRINTERS} printers`);
    const { cfg, state } = await makeSite(repoRoot, dir);
    const bin = join(repoRoot, 'bin', 'simplemon');
    const node = process.execPath;
    const env = { ...process.env, COLUMNS: '120' };
    const cases = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: `status, ${PRINTERS} printers`, args: [bin, 'status', '--config', cfg], target: 1.5, allowFail: false },
      { name: `status --json, ${PRINTERS} printers`, args: [bin, 'status', '--json', '--config', cfg], target: 1.5 },
      { name: `check printers (Nagios, all ${PRINTERS})`, args: [bin, 'check', 'printers', '--config', cfg], target: 1.5, allowFail: true, expect: /^SIMPLEMON (OK|WARNING|CRITICAL) - /i },
      { name: 'check one printer (Nagios)', args: [bin, 'check', 'printer/floor0-printer-0001', '--config', cfg], target: 1.5, allowFail: true, expect: /^SIMPLEMON (OK|WARNING|CRITICAL) - /i },
      { name: '--help', args: [bin, '--help'], target: 1.5 },
    ];
    // the first status writes the compiled config; each case once, its output checked (a usage error is
    // fast too); then every case is measured interleaved
    await measure(node, cases[1].args, { env });
    for (const c of cases.slice(1)) {
      const out = await new Promise((resolve) => {
        const p = spawn(node, c.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let o = '';
        p.stdout.on('data', (d) => (o += d));
        p.on('close', (code) => resolve({ code, o }));
      });
      const ok = c.expect ? c.expect.test(out.o) : out.code === 0 && out.o.length > 0;
      if (!ok) throw new Error(`${c.name}: exit ${out.code}, output ${JSON.stringify(out.o.slice(0, 200))}`);
    }
    const times = cases.map(() => []);
    for (let i = 0; i < runs; i++) {
      if (i % 5 === 0) log(`startup: round ${i + 1}/${runs}`);
      for (const [k, c] of cases.entries()) times[k].push((await measure(node, c.args, { env, allowFail: c.allowFail })).ms);
    }
    // a status after a config change: the YAML parsed in full (and compiled again), median of 5
    const cold = [];
    for (let i = 0; i < 5; i++) {
      const t = new Date(Date.now() - 1000 * (i + 1));
      utimesSync(cfg, t, t);
      cold.push((await measure(node, cases[1].args, { env })).ms);
    }
    const rss = [];
    for (const c of cases) rss.push(await peakRss(node, c.args, { env }));
    const ms = times.map(median);
    const ref = { ms: ms[0], rssMB: rss[0] && rss[0] / 1024 };
    const { statSync } = await import('node:fs');
    const stateKB = statSync(state).size / 1024;
    const lines = [
      `${PRINTERS} printers: config ${(statSync(cfg).size / 1024).toFixed(0)} KB (6 lines each), state ${stateKB.toFixed(0)} KB; median of ${runs} interleaved runs, COLUMNS=120`,
      ...cases.map((c, k) => `${c.name.padEnd(34)} ${ms[k].toFixed(0).padStart(5)} ms  ×${(ms[k] / ms[0]).toFixed(2)}   peak RSS ${rss[k] === null ? 'n/a (apt-get install time)' : `${(rss[k] / 1024).toFixed(0)} MB`}`),
      `${'status after a config change'.padEnd(34)} ${median(cold).toFixed(0).padStart(5)} ms  ×${(median(cold) / ms[0]).toFixed(2)}   (the YAML parsed in full and compiled again; median of 5)`,
    ];
    lines.table = [
      ...cases.slice(1).map((c, k) => row({ work: c.name, ours: { ms: ms[k + 1], rssMB: rss[k + 1] && rss[k + 1] / 1024 }, refName: 'node -e 0', ref, target: { ratio: c.target } })),
      row({ work: `status after a config change, ${PRINTERS} printers (YAML parsed in full)`, ours: { ms: median(cold) }, refName: 'node -e 0', ref, note: 'once per config change' }),
    ];
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

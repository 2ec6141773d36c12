// Benchmark, vCenter part: simplemon reading 50 hosts × 5,000 VMs from the vcsim launcher, side by
// side in the same run with a govmomi reference client (test/vcsim/reference) that retrieves the same
// properties (one ContainerView, RetrievePropertiesEx + ContinueRetrievePropertiesEx, the counter
// catalogue, one QueryPerf), both with page size 1000.
//
//   import { benchVcenter } from './vcenter.mjs';
//   const lines = await benchVcenter({ repoRoot, log: console.error });
//
// Or alone: `node bench/vcenter.mjs` (BENCH_RUNS=1 for a quick look, BENCH_HOSTS / BENCH_VMS to resize).
//
// Measured per case, `runs` times (default 5), medians: wall time of the whole process (spawn to
// exit), SOAP round trips (counted by the launcher), peak RSS (GNU time's %M). Cases:
//   reference     govmomi client (Go)
//   collector     node + the built collector called directly (dist/), memory kept between runs
//   runPoll       node + the poll pipeline (config, collector, evaluate, state file) without the CLI
//   cli           node bin/simplemon poll hosts vms --config <tmp> — when the CLI has the vCenter source
// Targets (issue 3): ≤ 1.2 × the reference's wall time, round trips ≤ 4 + pages, peak RSS ≤ 200 MB.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '__TIME__ %M', cmd, ...args], { cwd: opts.cwd, env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const m = /__TIME__ (\d+)/.exec(stderr);
      resolve({ code, ms, rssKB: m ? Number(m[1]) : null, stdout, stderr: stderr.replace(/__TIME__.*\n?/, '') });
    });
  });
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function benchVcenter({ repoRoot, log = () => {}, runs = Number(process.env.BENCH_RUNS ?? 5), hosts = Number(process.env.BENCH_HOSTS ?? 50), vms = Number(process.env.BENCH_VMS ?? 5000) }) {
  const helpers = await import(pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'vcsim.mjs')).href);
  if (!existsSync(path.join(repoRoot, 'dist', 'collectors', 'vcenter', 'collect-vcenters.js'))) throw new Error('build first: npx tsc -p .');
  log(`vcenter: building the launcher and the govmomi reference`);
  helpers.buildVcsim();
  log(`vcenter: starting the simulator with ${hosts} hosts × ${vms} VMs`);
  const t0 = performance.now();
  const sim = await helpers.startVcsim({ hosts, vms, timeoutMs: 300_000 });
  const startS = ((performance.now() - t0) / 1000).toFixed(1);
  const dir = mkdtempSync(path.join(tmpdir(), 'simplemon-bench-vc-'));
  try {
    // the direct case: the collector in a fresh node process, its memory kept in a file like the state file
    const memFile = path.join(dir, 'memory.json');
    const script = path.join(dir, 'collect.mjs');
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { collectVcenter } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist', 'collectors', 'vcenter', 'collect-vcenters.js')).href)};
const vc = JSON.parse(process.env.VC);
const memory = existsSync(${JSON.stringify(memFile)}) ? JSON.parse(readFileSync(${JSON.stringify(memFile)}, 'utf8')) : {};
const r = await collectVcenter(vc, memory, new Set(['hosts', 'vms']));
writeFileSync(${JSON.stringify(memFile)}, JSON.stringify(memory));
if (!r.readings[0].reachable) { console.error(r.readings[0].error); process.exit(1); }
console.log(JSON.stringify({ ...r.stats, readings: r.readings.length }));
`,
    );
    const vc = helpers.vcConfig(sim, { timeoutMs: 120_000 });

    // the pipeline case: config → collector → evaluate → state file, as `poll` does, without the CLI
    // (measures the state store's share until the CLI has the vCenter source)
    const pipeScript = path.join(dir, 'pipeline.mjs');
    const dist = (p) => JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist', ...p.split('/'))).href);
    writeFileSync(
      pipeScript,
      `import { readFileSync } from 'node:fs';
import { runPoll } from ${dist('app/run-poll.js')};
import { openState } from ${dist('state/store.js')};
import { parseConfig } from ${dist('config/load.js')};
import { vcenterSource } from ${dist('sources/vcenter/index.js')};
const file = process.argv[2];
const config = parseConfig(readFileSync(file, 'utf8'), file);
await runPoll(config, { sources: [vcenterSource], openStore: () => openState(config.stateFile, { lockTimeoutMs: 60000, command: 'poll' }), now: () => new Date(), log: () => {} }, ['hosts', 'vms']);
`,
    );

    // the CLI case: a config file and a state file of its own
    const cfgFile = path.join(dir, 'monitor.config.yaml');
    writeFileSync(
      cfgFile,
      [`state-file: ${path.join(dir, 'state.json')}`, 'vcenters:', '  - name: bench', `    url: ${sim.url}`, `    username: ${sim.user}`, `    password: ${sim.pass}`, `    ca-file: ${sim.caFile}`, '    timeout: 120s', ''].join('\n'),
    );

    const cases = [
      { name: 'govmomi reference', cmd: helpers.VCREF_BIN, args: ['-url', sim.url, '-user', sim.user, '-pass', sim.pass, '-page-size', '1000'] },
      { name: 'simplemon collector', cmd: process.execPath, args: [script], env: { VC: JSON.stringify(vc) } },
      { name: 'simplemon runPoll (no CLI)', cmd: process.execPath, args: [pipeScript, cfgFile], cli: true },
      { name: 'simplemon poll hosts vms', cmd: process.execPath, args: [path.join(repoRoot, 'bin', 'simplemon'), 'poll', 'hosts', 'vms', '--config', cfgFile], cli: true },
    ];
    const rows = [];
    for (const c of cases) {
      const ms = [];
      const rss = [];
      const trips = [];
      let pages = null;
      let note = '';
      for (let i = 0; i < runs; i++) {
        await sim.resetStats();
        const r = await run(c.cmd, c.args, { cwd: repoRoot, env: c.env });
        const s = await sim.stats();
        // poll may exit 1 or 2 when devices have problems (the simulator has some); that is not a failure
        if (!s.calls.RetrievePropertiesEx || r.code > 2 || (r.code !== 0 && !c.cli)) {
          note = `failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ').slice(0, 200)}`;
          break;
        }
        ms.push(r.ms);
        rss.push(r.rssKB);
        trips.push(s.total);
        pages = (s.calls.RetrievePropertiesEx ?? 0) + (s.calls.ContinueRetrievePropertiesEx ?? 0);
        log(`vcenter: ${c.name} run ${i + 1}/${runs}: ${Math.round(r.ms)} ms, ${s.total} round trips, ${Math.round((r.rssKB ?? 0) / 1024)} MB`);
      }
      rows.push({ name: c.name, ms: median(ms), rssMB: median(rss) === null ? null : median(rss) / 1024, trips: median(trips), tripsFirst: trips[0] ?? null, pages, note, n: ms.length });
    }
    const ref = rows[0];
    const fmt = (r) => {
      if (r.note && !r.n) return `${r.name.padEnd(26)} ${r.note}`;
      const ratio = ref.ms && r.ms ? ` (${(r.ms / ref.ms).toFixed(2)}× ref)` : '';
      const tripsTxt = r.tripsFirst !== r.trips ? `${r.trips} (first run ${r.tripsFirst})` : `${r.trips}`;
      return `${r.name.padEnd(26)} wall ${String(Math.round(r.ms)).padStart(6)} ms${ratio.padEnd(13)}  round trips ${tripsTxt.padEnd(16)} pages ${r.pages}  peak RSS ${r.rssMB.toFixed(0).padStart(4)} MB`;
    };
    const lines = [
      `vCenter: ${hosts} hosts × ${vms} VMs in the govmomi simulator (started in ${startS} s), page size 1000, medians of ${runs} runs`,
      ...rows.map(fmt),
      `targets: wall ≤ 1.2 × reference, round trips ≤ 4 + pages, peak RSS ≤ 200 MB`,
    ];
    lines.rows = rows;
    return lines;
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const lines = await benchVcenter({ repoRoot, log: (l) => process.stderr.write(`  … ${l}\n`) });
  console.log(lines.join('\n'));
}

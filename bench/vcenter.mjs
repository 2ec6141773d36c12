// Benchmark, vCenter part: `simplemon poll hosts vms` reading 50 hosts × 5,000 VMs from the vcsim
// launcher, side by side in the same run with a govmomi reference client (test/vcsim/reference) that
// retrieves the same properties (one ContainerView, RetrievePropertiesEx + ContinueRetrievePropertiesEx,
// the counter catalogue, one QueryPerf), both with page size 1000, whole process to whole process.
//
//   import { benchVcenter } from './vcenter.mjs';
//   const lines = await benchVcenter({ repoRoot, log: console.error });   // lines.table: bench/table.mjs rows
//
// Or alone: `node bench/vcenter.mjs`, or `node bench/run.mjs vcenter` (BENCH_RUNS=3 for a quicker look,
// BENCH_HOSTS / BENCH_VMS to resize, BENCH_VC_COLLECTOR=1 to add the collector alone in node as a
// diagnostic case, BENCH_VC_PROF=<dir> to write a --cpu-prof of every CLI run there).
//
// Measured per case, `runs` times (default 5) after one unmeasured warm-up run each, the cases
// interleaved (ref, ours, ref, ours …) so that load on this shared machine falls on both alike;
// medians: wall time of the whole process (spawn to exit), SOAP round trips (counted by the launcher),
// peak RSS (GNU time's %M). Cases:
//   reference     govmomi client (Go)
//   cli           node bin/simplemon poll hosts vms --config <tmp> (config, collector, evaluate, state file)
//   collector     (diagnostic) node + the built collector called directly (dist/), memory kept in a file
// Targets (issue 13): ≤ 1.2 × the reference's wall time, round trips ≤ 4 + pages, peak RSS ≤ 200 MB.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { row } from './table.mjs';

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
  const collectJs = path.join(repoRoot, 'dist', 'sources', 'vcenter', 'collect.js');
  if (!existsSync(collectJs)) throw new Error('build first: npm run build');
  log(`vcenter: building the launcher and the govmomi reference`);
  helpers.buildVcsim();
  log(`vcenter: starting the simulator with ${hosts} hosts × ${vms} VMs`);
  const t0 = performance.now();
  const sim = await helpers.startVcsim({ hosts, vms, timeoutMs: 300_000 });
  const startS = ((performance.now() - t0) / 1000).toFixed(1);
  const dir = mkdtempSync(path.join(tmpdir(), 'simplemon-bench-vc-'));
  try {
    // the CLI case: a config file and a state file of its own
    const cfgFile = path.join(dir, 'monitor.config.yaml');
    writeFileSync(
      cfgFile,
      [`state-file: ${path.join(dir, 'state.json')}`, 'vcenters:', '  - name: bench', `    url: ${sim.url}`, `    username: ${sim.user}`, `    password: ${sim.pass}`, `    ca-file: ${sim.caFile}`, '    timeout: 120s', ''].join('\n'),
    );
    const prof = process.env.BENCH_VC_PROF;
    if (prof) mkdirSync(prof, { recursive: true });
    const cases = [
      { key: 'ref', name: 'govmomi reference', cmd: helpers.VCREF_BIN, args: ['-url', sim.url, '-user', sim.user, '-pass', sim.pass, '-page-size', '1000'] },
      {
        key: 'cli',
        name: 'simplemon poll hosts vms',
        cmd: process.execPath,
        args: [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), path.join(repoRoot, 'bin', 'simplemon'), 'poll', 'hosts', 'vms', '--config', cfgFile],
        cli: true,
      },
    ];
    if (process.env.BENCH_VC_COLLECTOR) {
      // the collector alone in a fresh node process, its memory kept in a file like the state file
      const memFile = path.join(dir, 'memory.json');
      const script = path.join(dir, 'collect.mjs');
      writeFileSync(
        script,
        `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { collectVcenter } from ${JSON.stringify(pathToFileURL(collectJs).href)};
const vc = JSON.parse(process.env.VC);
const memory = existsSync(${JSON.stringify(memFile)}) ? JSON.parse(readFileSync(${JSON.stringify(memFile)}, 'utf8')) : {};
const r = await collectVcenter(vc, memory, new Set(['hosts', 'vms']));
writeFileSync(${JSON.stringify(memFile)}, JSON.stringify(memory));
if (!r.readings[0].reachable) { console.error(r.readings[0].error); process.exit(1); }
console.log(JSON.stringify({ ...r.stats, readings: r.readings.length }));
`,
      );
      const vc = helpers.vcConfig(sim, { timeoutMs: 120_000 });
      cases.push({ key: 'collector', name: 'collector alone (diagnostic)', cmd: process.execPath, args: [script], env: { VC: JSON.stringify(vc) } });
    }

    const results = new Map(cases.map((c) => [c.key, { ms: [], rss: [], trips: [], pages: null, note: '' }]));
    // one warm-up each (the first CLI poll creates the state file; page cache, Go's first TLS), then
    // interleaved measured runs
    for (let i = -1; i < runs; i++) {
      for (const c of cases) {
        const acc = results.get(c.key);
        if (acc.note) continue;
        await sim.resetStats();
        const r = await run(c.cmd, c.args, { cwd: repoRoot, env: c.env });
        const s = await sim.stats();
        // poll may exit 1 or 2 when devices have problems (the simulator has some); that is not a failure
        if (!s.calls.RetrievePropertiesEx || r.code > 2 || (r.code !== 0 && !c.cli)) {
          acc.note = `failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ').slice(0, 200)}`;
          continue;
        }
        const pages = (s.calls.RetrievePropertiesEx ?? 0) + (s.calls.ContinueRetrievePropertiesEx ?? 0);
        log(`vcenter: ${c.name} ${i < 0 ? 'warm-up' : `run ${i + 1}/${runs}`}: ${Math.round(r.ms)} ms, ${s.total} round trips (${pages} pages), ${Math.round((r.rssKB ?? 0) / 1024)} MB`);
        if (i < 0) continue;
        acc.ms.push(r.ms);
        acc.rss.push(r.rssKB);
        acc.trips.push(s.total);
        acc.pages = pages;
      }
    }
    const rows = cases.map((c) => {
      const a = results.get(c.key);
      const rss = median(a.rss);
      return { key: c.key, name: c.name, ms: median(a.ms), rssMB: rss === null ? null : rss / 1024, trips: median(a.trips), pages: a.pages, note: a.note, n: a.ms.length, all: a.ms.map(Math.round) };
    });
    const ref = rows[0];
    const fmt = (r) => {
      if (r.note && !r.n) return `${r.name.padEnd(28)} ${r.note}`;
      const ratio = ref.ms && r.ms ? ` (${(r.ms / ref.ms).toFixed(2)}× ref)` : '';
      return `${r.name.padEnd(28)} wall ${String(Math.round(r.ms)).padStart(6)} ms${ratio.padEnd(13)}  round trips ${String(r.trips).padEnd(4)} pages ${r.pages}  peak RSS ${r.rssMB.toFixed(0).padStart(4)} MB  runs [${r.all.join(', ')}]`;
    };
    const lines = [
      `vCenter: ${hosts} hosts × ${vms} VMs in the govmomi simulator (started in ${startS} s), page size 1000, medians of ${runs} interleaved runs`,
      ...rows.map(fmt),
      `targets: wall ≤ 1.2 × reference, round trips ≤ 4 + pages, peak RSS ≤ 200 MB`,
    ];
    lines.rows = rows;
    const cli = rows.find((r) => r.key === 'cli');
    const vmsText = vms.toLocaleString('en-US');
    lines.table = cli.n && ref.n
      ? [
          row({
            work: `vCenter poll, ${hosts} hosts × ${vmsText} VMs (whole process)`,
            ours: { ms: cli.ms, rssMB: cli.rssMB },
            refName: 'govmomi client',
            ref: { ms: ref.ms, rssMB: ref.rssMB },
            target: { ratio: 1.2, rssMB: 200 },
            note: `${cli.trips} round trips for ${cli.pages} pages, govmomi ${ref.trips}`,
          }),
        ]
      : [];
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

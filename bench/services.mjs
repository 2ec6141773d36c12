// Benchmark, services part (issue 11): 200 HTTP checks against node HTTP servers on 127.0.0.1 — 140
// fast, 50 slow (300 ms), 10 hanging (never answer; timeout 2 s) — run by checkHttp() concurrently (at
// most 32 at once), against the slowest single check alone, and against `curl` run sequentially over
// the same 200 URLs (`curl -s -o /dev/null --max-time 2`), as a cron'd shell script would. Medians of
// `runs` runs (default 3); curl once (BENCH_CURL_RUNS to repeat it: its time is mostly fixed waits).
// Loopback only; every peer is a child process stopped at the end.
//
//   import { benchServices } from './services.mjs';
//   const lines = await benchServices({ repoRoot, log: console.error });
//
// Or alone: `node bench/services.mjs` (BENCH_RUNS=1 for a quick look).
//
// Then the whole CLI (issue 11's benchmark): `node bin/simplemon poll --config …` on a config with the
// same 200 services, 20 printers (one snmpsimd, 20 loopback endpoints 127.0.2.1 … 127.0.2.20, the
// colour-laser recording) and one vCenter (the govmomi simulator, VC_HOSTS hosts × VC_VMS VMs), all in
// one poll; beside `poll services` alone and `poll printers hosts vms` alone. Each run starts from a
// fresh state file (and history folder); the full poll is then run once more with that state kept (what
// cron sees from the second poll on: the hanging services, failed last time, start first). Cases are
// interleaved within each run, so a burst of load on the shared machine hits all of them alike.
// BENCH_SERVICES_POLL=0 leaves this part out.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TOTAL = 200;
const SLOW = 50;
const HANGING = 10;
const SLOW_MS = 300;
const TIMEOUT_MS = 2000;
const CONCURRENCY = 32;
const PRINTERS = 20;
const printerAddress = (i) => `127.0.2.${i + 1}`;
const RECORDING = 'colour-laser';
const VC_HOSTS = 10;
const VC_VMS = 200; // in all, spread over the hosts (the launcher's -vms)

/** The peer: one HTTP server per part of the list, in its own process so it never competes with the checks' event loop. */
function serve() {
  const server = http.createServer((req, res) => {
    const kind = req.url.split('/')[1];
    if (kind === 'hang') return; // never answers; the client hangs up
    const answer = () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('service OK\n'); };
    if (kind === 'slow') setTimeout(answer, SLOW_MS);
    else answer();
  });
  server.on('connection', (s) => s.on('error', () => {}));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.stdin.on('end', () => process.exit(0)); // the parent closes stdin: stop
  process.stdin.resume();
}

/** The 200 URLs, hanging and slow ones spread evenly through the list (as a config file would have them). */
function urls(port) {
  return Array.from({ length: TOTAL }, (_, i) => {
    const kind = i % (TOTAL / HANGING) === TOTAL / HANGING - 1 ? 'hang' : i % 4 === 1 ? 'slow' : 'fast';
    return `http://127.0.0.1:${port}/${kind}/${i}`;
  });
}

/** Run `fn` over `items`, at most `limit` at once; results in order. */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function curlOne(url) {
  return new Promise((resolve, reject) => {
    const c = spawn('curl', ['-s', '-o', '/dev/null', '--max-time', String(TIMEOUT_MS / 1000), url], { stdio: 'ignore' });
    c.once('error', reject);
    c.once('close', (code) => resolve(code));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Run a command under GNU time (when present): wall ms (our clock), peak RSS KiB, CPU ms (user + sys), exit code, output tails. */
function timed(cmd, args, { cwd, keep = 200_000 } = {}) {
  const gnuTime = existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = gnuTime
      ? spawn('/usr/bin/time', ['-f', '__TIME__ %M %U %S', cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-keep)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - t0;
      const m = /__TIME__ (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({ ms, rssKiB: m ? Number(m[1]) : null, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : null, code, stdout, stderr: stderr.replace(/__TIME__.*\n?/, '') });
    });
  });
}

/** The config of the whole poll: the 200 services, the printers, the vCenter; its state in `stateDir`. */
function pollYaml({ list, stateDir, snmpPort, vc }) {
  const q = JSON.stringify; // YAML accepts JSON strings
  const lines = [
    '# generated by bench/services.mjs',
    `state-file: ${q(path.join(stateDir, 'simplemon.json'))}`,
    'defaults:',
    '  timeout: 2s',
    '  retries: 1',
    `  concurrency: ${CONCURRENCY}`,
    'printers:',
  ];
  for (let i = 0; i < PRINTERS; i++) {
    lines.push(`  - { name: printer-${String(i + 1).padStart(2, '0')}, address: ${printerAddress(i)}, port: ${snmpPort}, snmp: { version: 2c, community: ${RECORDING} } }`);
  }
  lines.push('vcenters:', '  - name: bench', `    url: ${q(vc.url)}`, `    username: ${q(vc.user)}`, `    password: ${q(vc.pass)}`);
  if (vc.caFile) lines.push(`    ca-file: ${q(vc.caFile)}`);
  lines.push('    timeout: 60s', 'services:');
  list.forEach((url, i) => lines.push(`  - { name: web-${String(i + 1).padStart(3, '0')}, http: ${q(url)}, keyword: OK, timeout: ${TIMEOUT_MS / 1000}s }`));
  return lines.join('\n') + '\n';
}

/**
 * The whole CLI over the 200 services plus printers and vCenter; returns one row per case (median wall
 * and RSS of `runs`) and a line saying what the first full poll found.
 */
async function benchWholePoll({ repoRoot, list, runs, log }) {
  const { startSnmpsim } = await import(pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'snmpsim.mjs')).href);
  const { startVcsim } = await import(pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'vcsim.mjs')).href);
  const bin = path.join(repoRoot, 'bin', 'simplemon');
  const work = mkdtempSync(path.join(tmpdir(), 'simplemon-bench-svc-'));
  let sim = null;
  let vc = null;
  try {
    log(`services: starting snmpsimd (${PRINTERS} endpoints) and the vCenter simulator (${VC_HOSTS} hosts × ${VC_VMS} VMs)`);
    const t0 = performance.now();
    const started = await Promise.allSettled([
      startSnmpsim({ files: [path.join(repoRoot, 'test', 'fixtures', 'snmp', `${RECORDING}.snmprec`)], endpoints: Array.from({ length: PRINTERS }, (_, i) => printerAddress(i)), readyTimeoutMs: 60_000 }),
      startVcsim({ hosts: VC_HOSTS, vms: VC_VMS, timeoutMs: 120_000 }),
    ]);
    if (started[0].status === 'fulfilled') sim = started[0].value;
    if (started[1].status === 'fulfilled') vc = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    log(`services: simulators up in ${Math.round(performance.now() - t0)} ms`);

    const stateDir = path.join(work, 'state');
    const configFile = path.join(work, 'monitor.config.yaml');
    writeFileSync(configFile, pollYaml({ list, stateDir, snmpPort: sim.port, vc }));
    const fresh = () => rmSync(stateDir, { recursive: true, force: true });
    const poll = async (label, words) => {
      const r = await timed(process.execPath, [bin, 'poll', ...words, '--config', configFile], { cwd: work });
      // poll exits 1 or 2 when devices have problems (the hanging services are critical): not a failure
      if (r.code > 2) throw new Error(`${label}: exit ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
      return r;
    };
    const cases = {
      services: { label: `\`simplemon poll services\` alone (${TOTAL} services), fresh state`, times: [] },
      others: { label: `\`simplemon poll printers hosts vms\` alone (${PRINTERS} printers, ${VC_HOSTS} hosts, ${VC_VMS} VMs), fresh state`, times: [] },
      all: { label: '`simplemon poll`, all in one poll, fresh state', times: [] },
      kept: { label: '`simplemon poll`, all in one poll, second poll (state kept)', times: [] },
    };
    let found = '';
    for (let r = 0; r < runs; r++) {
      for (const [key, words] of [['services', ['services']], ['others', ['printers', 'hosts', 'vms']]]) {
        fresh();
        const x = await poll(key, words);
        cases[key].times.push(x);
        log(`services: ${key} alone (run ${r + 1}/${runs}): ${Math.round(x.ms)} ms, ${x.rssKiB ?? '?'} KiB, exit ${x.code}`);
      }
      fresh();
      const first = await poll('poll', []);
      cases.all.times.push(first);
      if (!found) found = await summarize(bin, configFile, work);
      const second = await poll('poll', []);
      cases.kept.times.push(second);
      log(`services: whole poll (run ${r + 1}/${runs}): first ${Math.round(first.ms)} ms, second ${Math.round(second.ms)} ms`);
    }
    return {
      rows: Object.values(cases).map((c) => ({ label: c.label, ms: median(c.times.map((t) => t.ms)), rssKiB: c.times.every((t) => t.rssKiB) ? median(c.times.map((t) => t.rssKiB)) : null, cpuMs: c.times.every((t) => t.cpuMs !== null) ? median(c.times.map((t) => t.cpuMs)) : null })),
      found,
    };
  } finally {
    await Promise.allSettled([sim?.stop(), vc?.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

/** What the first full poll found, from `status --json`: devices by kind and state. */
async function summarize(bin, configFile, cwd) {
  const r = await timed(process.execPath, [bin, 'status', '--json', '--config', configFile], { cwd, keep: 64 * 1024 * 1024 });
  try {
    const byKind = {};
    for (const d of JSON.parse(r.stdout).devices) {
      const k = (byKind[d.kind] ??= {});
      k[d.state] = (k[d.state] ?? 0) + 1;
    }
    return Object.entries(byKind)
      .map(([kind, states]) => `${kind} ${Object.entries(states).map(([s, n]) => `${n} ${s}`).join(', ')}`)
      .join('; ');
  } catch (e) {
    return `status --json unreadable (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`;
  }
}

export async function benchServices({ repoRoot, log = () => {}, runs = Number(process.env.BENCH_RUNS) || 3, curlRuns = Number(process.env.BENCH_CURL_RUNS) || 1 }) {
  const loadBefore = loadavg();
  const cpus = availableParallelism();
  const { checkHttp } = await import(pathToFileURL(path.join(repoRoot, 'dist', 'protocols', 'http', 'check-http.js')).href);
  const peer = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      peer.once('error', reject);
      peer.once('exit', (code) => reject(new Error(`bench peer exited ${code}`)));
      peer.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
    });
    const list = urls(port);
    const check = (url) => checkHttp({ url, keyword: 'OK', timeoutMs: TIMEOUT_MS });

    // As a poll with state does (the printers' trick): what failed last time starts first, so its wait
    // overlaps the rest instead of starting at the end of the list.
    const failedFirst = [...list.filter((u) => u.includes('/hang/')), ...list.filter((u) => !u.includes('/hang/'))];
    const concurrent = [];
    const concurrentFailedFirst = [];
    const single = [];
    let counts = null;
    for (let r = 0; r < runs; r++) {
      log(`services: 200 checks, concurrency ${CONCURRENCY} (run ${r + 1}/${runs})`);
      const t0 = performance.now();
      const results = await pool(list, CONCURRENCY, check);
      concurrent.push(performance.now() - t0);
      counts = { up: results.filter((x) => x.up).length, timedOut: results.filter((x) => /^timed out/.test(x.error ?? '')).length };
      log(`services: the same, hanging ones first (run ${r + 1}/${runs})`);
      const t2 = performance.now();
      await pool(failedFirst, CONCURRENCY, check);
      concurrentFailedFirst.push(performance.now() - t2);
      log('services: the slowest single check alone (a hanging one)');
      const t1 = performance.now();
      await check(list.find((u) => u.includes('/hang/')));
      single.push(performance.now() - t1);
    }

    let curl = null;
    const hasCurl = await curlOne(`http://127.0.0.1:${port}/fast/probe`).then(() => true, () => false);
    if (hasCurl) {
      const times = [];
      // one run by default: ~35 s of its ~40 s are the fixed waits (10 × 2 s timeouts, 50 × 300 ms), which
      // do not vary, and three runs would take two minutes of the part's three
      for (let r = 0; r < curlRuns; r++) {
        log(`services: curl over the 200 URLs, one after another (run ${r + 1}/${curlRuns}, ~40 s)`);
        const t0 = performance.now();
        for (const url of list) await curlOne(url);
        times.push(performance.now() - t0);
      }
      curl = median(times);
    }

    const c = median(concurrent);
    const cf = median(concurrentFailedFirst);
    const s = median(single);

    let whole = [];
    if (process.env.BENCH_SERVICES_POLL !== '0') {
      try {
        const { rows, found } = await benchWholePoll({ repoRoot, list, runs, log });
        const mib = (kib) => (kib == null ? '?' : `${Math.round(kib / 1024)} MiB`);
        whole = [
          '',
          `whole CLI, one poll: the same ${TOTAL} services + ${PRINTERS} printers (one snmpsimd, ${PRINTERS} loopback endpoints) + one vCenter (govmomi simulator, ${VC_HOSTS} hosts × ${VC_VMS} VMs); concurrency ${CONCURRENCY}, SNMP timeout 2 s / 1 retry; median of ${runs}`,
          `first full poll found: ${found}`,
          '',
          '| case | wall | CPU (user + sys) | peak RSS | vs slowest single check | vs curl sequential |',
          '| --- | --- | --- | --- | --- | --- |',
          `| slowest single check alone (hanging, timeout ${TIMEOUT_MS / 1000} s) | ${secs(s)} | | | 1.00× | ${curl ? `${(curl / s).toFixed(1)}× faster` : 'n/a'} |`,
          ...rows.map((r) => `| ${r.label} | ${secs(r.ms)} | ${r.cpuMs === null ? '?' : secs(r.cpuMs)} | ${mib(r.rssKiB)} | ${(r.ms / s).toFixed(2)}× | ${curl ? `${(curl / r.ms).toFixed(1)}× faster` : 'n/a'} |`),
          `| curl × ${TOTAL}, sequential (services only; ${curlRuns === 1 ? '1 run' : `median of ${curlRuns}`}) | ${curl ? secs(curl) : 'n/a (curl not installed)'} | | | ${curl ? `${(curl / s).toFixed(1)}×` : ''} | 1.00× |`,
          `the two parts one after another would take ${secs(rows[0].ms + rows[1].ms)}; in one poll: ${secs(rows[2].ms)} (fresh state), ${secs(rows[3].ms)} (state kept)`,
        ];
      } catch (e) {
        process.exitCode = 1;
        whole = ['', `whole CLI, one poll: failed: ${e?.stack ?? e}`];
      }
    }
    return [
      `${TOTAL} HTTP checks on 127.0.0.1: ${TOTAL - SLOW - HANGING} fast, ${SLOW} slow (${SLOW_MS} ms), ${HANGING} hanging (timeout ${TIMEOUT_MS / 1000} s); keyword searched; median of ${runs} (curl: ${curlRuns === 1 ? '1 run' : `median of ${curlRuns}`})`,
      `results of the last concurrent run: ${counts.up} up, ${counts.timedOut} timed out`,
      '',
      '| case | wall | vs slowest single check | vs curl sequential |',
      '| --- | --- | --- | --- |',
      `| slowest single check alone (hanging, timeout ${TIMEOUT_MS / 1000} s) | ${secs(s)} | 1.00× | |`,
      `| checkHttp × ${TOTAL}, concurrency ${CONCURRENCY}, in list order (hanging spread, the last at #${TOTAL}) | ${secs(c)} | ${(c / s).toFixed(2)}× | ${curl ? `${(curl / c).toFixed(1)}× faster` : 'n/a'} |`,
      `| checkHttp × ${TOTAL}, concurrency ${CONCURRENCY}, hanging ones started first | ${secs(cf)} | ${(cf / s).toFixed(2)}× | ${curl ? `${(curl / cf).toFixed(1)}× faster` : 'n/a'} |`,
      `| curl × ${TOTAL}, sequential (${curlRuns === 1 ? '1 run' : `median of ${curlRuns}`}) | ${curl ? secs(curl) : 'n/a (curl not installed)'} | ${curl ? `${(curl / s).toFixed(1)}×` : ''} | 1.00× |`,
      ...whole,
      `load average (1, 5, 15 min) at the start: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}; at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (${cpus} cores)`,
    ];
  } finally {
    peer.stdin.end();
    if (peer.exitCode === null) await new Promise((r) => { peer.once('exit', r); setTimeout(() => { peer.kill('SIGKILL'); r(); }, 2000).unref(); });
  }
}

if (process.argv[2] === '--serve') serve();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const lines = await benchServices({ repoRoot, log: (l) => process.stderr.write(`  … ${l}\n`) });
  process.stdout.write(lines.join('\n') + '\n');
}

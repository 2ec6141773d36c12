// Benchmark, services part (issue 11): 200 HTTP checks against node HTTP servers on 127.0.0.1 — 140
// fast, 50 slow (300 ms), 10 hanging (never answer; timeout 2 s) — run by checkHttp() concurrently (at
// most 32 at once), against the slowest single check alone, and against `curl` run sequentially over
// the same 200 URLs (`curl -s -o /dev/null --max-time 2`), as a cron'd shell script would. Medians of
// `runs` runs (default 3). Loopback only; every peer is a child process stopped at the end.
//
//   import { benchServices } from './services.mjs';
//   const lines = await benchServices({ repoRoot, log: console.error });
//
// Or alone: `node bench/services.mjs` (BENCH_RUNS=1 for a quick look).
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TOTAL = 200;
const SLOW = 50;
const HANGING = 10;
const SLOW_MS = 300;
const TIMEOUT_MS = 2000;
const CONCURRENCY = 32;

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

export async function benchServices({ repoRoot, log = () => {}, runs = Number(process.env.BENCH_RUNS) || 3 }) {
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
      for (let r = 0; r < runs; r++) {
        log(`services: curl over the 200 URLs, one after another (run ${r + 1}/${runs}, ~40 s)`);
        const t0 = performance.now();
        for (const url of list) await curlOne(url);
        times.push(performance.now() - t0);
      }
      curl = median(times);
    }

    const c = median(concurrent);
    const cf = median(concurrentFailedFirst);
    const s = median(single);
    return [
      `${TOTAL} HTTP checks on 127.0.0.1: ${TOTAL - SLOW - HANGING} fast, ${SLOW} slow (${SLOW_MS} ms), ${HANGING} hanging (timeout ${TIMEOUT_MS / 1000} s); keyword searched; median of ${runs}`,
      `results of the last concurrent run: ${counts.up} up, ${counts.timedOut} timed out`,
      '',
      '| case | wall | vs slowest single check | vs curl sequential |',
      '| --- | --- | --- | --- |',
      `| slowest single check alone (hanging, timeout ${TIMEOUT_MS / 1000} s) | ${secs(s)} | 1.00× | |`,
      `| checkHttp × ${TOTAL}, concurrency ${CONCURRENCY}, in list order (hanging spread, the last at #${TOTAL}) | ${secs(c)} | ${(c / s).toFixed(2)}× | ${curl ? `${(curl / c).toFixed(1)}× faster` : 'n/a'} |`,
      `| checkHttp × ${TOTAL}, concurrency ${CONCURRENCY}, hanging ones started first | ${secs(cf)} | ${(cf / s).toFixed(2)}× | ${curl ? `${(curl / cf).toFixed(1)}× faster` : 'n/a'} |`,
      `| curl × ${TOTAL}, sequential | ${curl ? secs(curl) : 'n/a (curl not installed)'} | ${curl ? `${(curl / s).toFixed(1)}×` : ''} | 1.00× |`,
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

// Start and stop simplemon's vcsim launcher (test/vcsim/main.go, govmomi's simulator) for tests and
// the benchmark, and read the same objects with the govmomi reference reader.
//
//   const sim = await startVcsim({ hosts: 20, vms: 500 });
//   await sim.op({ op: 'host-power', host: 'DC0_C0_H3', state: 'poweredOff' });
//   await sim.op({ op: 'host-health', host: 'DC0_C0_H0', storage: [{ name: 'Disk 3', status: 'Red' }] });
//   await sim.op({ op: 'gpu-perf', host: 'DC0_C0_H1', gpu: 0, temperature: 91 });
//   const { calls, sessions } = await sim.stats();
//   await sim.stop();
//
// Readiness is the launcher's first stdout line (JSON with url, control, caFile), never a fixed sleep.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:https';
import { request as httpRequest } from 'node:http';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VCSIM_BIN = join(ROOT, '.gopath', 'bin', 'simplemon-vcsim');
export const VCREF_BIN = join(ROOT, '.gopath', 'bin', 'simplemon-vcref');

let built = false;
/** Build the launcher and the reference reader (idempotent; skips when up to date). */
export function buildVcsim() {
  if (!built) {
    execFileSync('bash', [join(ROOT, 'test', 'vcsim', 'build.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  return VCSIM_BIN;
}

const running = new Set();
process.once('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
});

const insecureAgent = new Agent({ rejectUnauthorized: false });

/** POST (or GET without body) JSON to the launcher's control endpoint. */
function control(url, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const data = body ? JSON.stringify(body) : null;
    const fn = u.protocol === 'https:' ? request : httpRequest;
    const req = fn(u, { method: data ? 'POST' : 'GET', agent: u.protocol === 'https:' ? insecureAgent : undefined, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        try {
          const json = JSON.parse(text);
          if (res.statusCode !== 200) reject(new Error(`vcsim ${body?.op}: ${json.error ?? text}`));
          else resolve(json);
        } catch (e) {
          reject(new Error(`vcsim control answered ${res.statusCode}: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(data ?? undefined);
  });
}

/**
 * Start a launcher. Options: hosts, vms, datastores, http (plain http), pageSize (server-side page
 * cap), user, pass, listen (loopback address:port), timeoutMs for start-up.
 */
export async function startVcsim(opts = {}) {
  buildVcsim();
  const args = ['-hosts', String(opts.hosts ?? 4), '-vms', String(opts.vms ?? 20), '-datastores', String(opts.datastores ?? 2)];
  if (opts.http) args.push('-http');
  if (opts.pageSize) args.push('-page-size', String(opts.pageSize));
  if (opts.user) args.push('-user', opts.user);
  if (opts.pass) args.push('-pass', opts.pass);
  if (opts.listen) args.push('-listen', opts.listen);
  const child = spawn(VCSIM_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vcsim did not start within ${opts.timeoutMs ?? 120000} ms: ${stderr}`)), opts.timeoutMs ?? 120000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`vcsim: unexpected first line ${line} ${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vcsim exited with ${code}: ${stderr}`));
    });
  });
  let stopped = false;
  return {
    ...info,
    pid: child.pid,
    child,
    op: (body) => control(info.control, body),
    stats: () => control(info.control, null),
    resetStats: () => control(info.control, { op: 'reset-stats' }),
    /** Stop the launcher (closing stdin ends it; SIGKILL after 3 s). */
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      running.delete(child);
    },
  };
}

/** Read the same objects with govmomi; resolves with the reference reader's JSON. */
export function referenceRead(sim, { pageSize = 1000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(VCREF_BIN, ['-url', sim.url, '-user', sim.user, '-pass', sim.pass, '-page-size', String(pageSize)], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`vcref: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** A VcenterConfig (the validated shape) for a launcher. */
export function vcConfig(sim, over = {}) {
  return {
    name: 'vc1',
    id: 'vcenter/vc1',
    url: sim.url,
    username: sim.user,
    password: sim.pass,
    caFile: sim.caFile || null,
    insecure: false,
    keepSession: false,
    pageSize: 1000,
    timeoutMs: 10000,
    thresholds: {},
    ...over,
  };
}

// Start and stop a real snmpsimd (Debian snmpsim 0.4.5) on loopback for tests and the benchmark.
//
//   const sim = await startSnmpsim({ files: ['test/fixtures/snmp/colour-laser.snmprec'] });
//   …  community = file name without .snmprec (and the SNMPv3 context name)
//   await sim.stop();
//
// Many endpoints: `endpoints: ['127.0.2.1', …]` — all on one port, options passed with
// --args-from-file. As root, snmpsimd must drop to nobody/nogroup and its cache dir must be theirs.
// Readiness is polled with a real SNMP GET, never a fixed sleep.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import snmp from 'net-snmp';

/** SNMPv3 users every simulator gets (the same as the printers README). */
export const V3_USERS = {
  authPriv: { user: 'simplemon-authpriv', auth: { protocol: 'sha', key: 'simplemon-auth-key' }, priv: { protocol: 'aes', key: 'simplemon-priv-key' } },
  authNoPriv: { user: 'simplemon-authnopriv', auth: { protocol: 'sha', key: 'simplemon-auth-key' }, priv: null },
  noAuthNoPriv: { user: 'simplemon-noauth', auth: null, priv: null },
  /** MD5/DES: Node 20's OpenSSL 3 refuses DES without --openssl-legacy-provider. */
  md5Des: { user: 'simplemon-md5des', auth: { protocol: 'md5', key: 'simplemon-auth-key' }, priv: { protocol: 'des', key: 'simplemon-priv-key' } },
};

const V3_ARGS = [
  '--v3-user=simplemon-authpriv', '--v3-auth-key=simplemon-auth-key', '--v3-auth-proto=SHA', '--v3-priv-key=simplemon-priv-key', '--v3-priv-proto=AES',
  '--v3-user=simplemon-authnopriv', '--v3-auth-key=simplemon-auth-key', '--v3-auth-proto=SHA',
  '--v3-user=simplemon-noauth',
  '--v3-user=simplemon-md5des', '--v3-auth-key=simplemon-auth-key', '--v3-auth-proto=MD5', '--v3-priv-key=simplemon-priv-key', '--v3-priv-proto=DES',
];

const running = new Set();
process.once('exit', () => {
  // last resort if a test forgot stop(): never leave a simulator behind
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
});

/** Is this UDP port free on every one of these addresses? */
async function udpPortFree(port, hosts) {
  for (const host of hosts) {
    const ok = await new Promise((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, host, () => s.close(() => resolve(true)));
    });
    if (!ok) return false;
  }
  return true;
}

async function freePort(hosts) {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (await udpPortFree(port, hosts)) return port;
  }
  throw new Error('no free UDP port found');
}

function snmpGet(host, port, community, timeoutMs) {
  return new Promise((resolve) => {
    const s = snmp.createSession(host, community, { port, version: snmp.Version2c, timeout: timeoutMs, retries: 0 });
    s.on('error', () => {});
    s.get(['1.3.6.1.2.1.1.1.0'], (err) => {
      s.close();
      // any answer, even an error PDU, means the agent is up
      resolve(!err || err.name !== 'RequestTimedOutError');
    });
  });
}

/**
 * @param {{ files: string[], endpoints?: string[], port?: number, readyTimeoutMs?: number }} opts
 * @returns {Promise<{ port: number, host: string, endpoints: string[], dataDir: string, communities: string[], pid: number, stop: () => Promise<void> }>}
 */
export async function startSnmpsim({ files, endpoints = ['127.0.0.1'], port, readyTimeoutMs = 30_000 }) {
  if (!files?.length) throw new Error('startSnmpsim: give at least one .snmprec file');
  for (const e of endpoints) if (!/^127\.\d+\.\d+\.\d+$/.test(e)) throw new Error(`startSnmpsim: loopback addresses only, got ${e}`);
  const root = mkdtempSync(join(tmpdir(), 'simplemon-snmpsim-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const cacheDir = join(root, 'cache');
  mkdirSync(dataDir, { mode: 0o755 });
  mkdirSync(cacheDir, { mode: 0o755 });
  const communities = [];
  for (const f of files) {
    const dest = join(dataDir, basename(f));
    copyFileSync(f, dest);
    chmodSync(dest, 0o644);
    communities.push(basename(f).replace(/\.snmprec$/, ''));
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const gid = Number(execFileSync('getent', ['group', 'nogroup']).toString().split(':')[2]);
    chownSync(cacheDir, uid, gid);
  }

  const maxAttempts = port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    const p = port ?? (await freePort(endpoints));
    const logFile = join(root, `snmpsimd-${attempt}.log`);
    // snmpsimd reads only endpoints and --v3-* options from --args-from-file; the rest stays on the command line
    const fileArgs = [...endpoints.map((e) => `--agent-udpv4-endpoint=${e}:${p}`), ...V3_ARGS];
    const argsFile = join(root, `args-${attempt}.txt`);
    writeFileSync(argsFile, fileArgs.join('\n') + '\n');
    const args = [
      `--data-dir=${dataDir}`,
      `--cache-dir=${cacheDir}`,
      ...(asRoot ? ['--process-user=nobody', '--process-group=nogroup'] : []),
      `--logging-method=file:${logFile}`,
      `--args-from-file=${argsFile}`,
    ];
    const child = spawn('snmpsimd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let dead = null;
    exited.then((x) => (dead = x));

    const deadline = Date.now() + readyTimeoutMs;
    let ready = false;
    // the last endpoint is bound last: when it answers, all do
    const probe = endpoints[endpoints.length - 1];
    while (!dead && Date.now() < deadline) {
      if (await snmpGet(probe, p, communities[0], 250)) {
        ready = true;
        break;
      }
    }
    const stop = async () => {
      if (!dead) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      running.delete(child);
      rmSync(root, { recursive: true, force: true });
    };
    if (ready) return { port: p, host: endpoints[0], endpoints, dataDir, communities, pid: child.pid, stop };

    if (!dead) {
      child.kill('SIGKILL');
      await exited;
    }
    running.delete(child);
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    if (attempt >= maxAttempts) {
      rmSync(root, { recursive: true, force: true });
      throw new Error(`snmpsimd did not answer on ${probe}:${p} (${dead ? `exited ${dead.code ?? dead.signal}` : 'timeout'})\n${output}\n${log}`);
    }
    // most likely the port was taken between the check and the bind: try another
  }
}

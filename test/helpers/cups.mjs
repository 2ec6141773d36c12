// Start and stop a private CUPS scheduler (Debian cups-daemon 2.4) on a free loopback port for tests.
//
//   const cups = await startCups({ queues: ['office'], jobPrivateValues: 'default' });
//   const id = await cups.holdJob({ queue: 'office', user: 'alice', title: 'report.pdf' });          // lp -H indefinite
//   const id2 = await cups.holdJob({ queue: 'office', user: 'bob', title: 'x', host: 'pc-accounting-7' }); // ipptool Print-Job
//   cups.uri('office')  → ipp://127.0.0.1:PORT/printers/office
//   await cups.stop();
//
// Everything lives in one temp folder (see ../../../shared/docs/peers-notes.md): cups-files.conf points
// every path there, cupsd.conf listens on 127.0.0.1 only, the queue is written straight into
// printers.conf with DeviceURI file:///dev/null. Readiness is polled with a real IPP request (lpstat),
// never a fixed sleep. `host` is only a string attribute (job-originating-host-name) that cupsd keeps
// because the request comes from localhost: no traffic leaves 127.0.0.1.
import { spawn, execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// cron-like PATHs (/usr/bin:/bin) lack /usr/sbin
const CUPSD = existsSync('/usr/sbin/cupsd') ? '/usr/sbin/cupsd' : 'cupsd';
const running = new Set();
process.once('exit', () => {
  // last resort if a test forgot stop(): never leave a scheduler behind
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
});

/** A free TCP port on 127.0.0.1: bind port 0, read it, close. (Raced by nothing in practice; retried on failure.) */
export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function writeConf(root, port, queues, jobPrivateValues) {
  const p = (x) => join(root, x);
  for (const d of ['spool', 'spool/tmp', 'cache', 'state', 'log', 'ppd', 'ssl']) mkdirSync(p(d), { recursive: true, mode: 0o755 });
  for (const d of ['spool', 'spool/tmp', 'cache', 'state', 'log', 'ppd', 'ssl']) chmodSync(p(d), 0o755);
  const files = [
    `ServerRoot ${root}`,
    `RequestRoot ${p('spool')}`,
    `TempDir ${p('spool/tmp')}`,
    `CacheDir ${p('cache')}`,
    `StateDir ${p('state')}`,
    `AccessLog ${p('log/access_log')}`,
    `ErrorLog ${p('log/error_log')}`,
    `PageLog ${p('log/page_log')}`,
    `Printcap ${p('printcap')}`,
    `ServerKeychain ${p('ssl')}`,
    'FileDevice Yes',
    'SystemGroup root',
    '',
  ].join('\n');
  const conf = [
    `Listen 127.0.0.1:${port}`,
    'LogLevel info',
    'Browsing No',
    'WebInterface No',
    'PreserveJobHistory Yes',
    'PreserveJobFiles No',
    'MaxJobs 1000',
    'DefaultAuthType Basic',
    '<Location />',
    '  Order allow,deny',
    '  Allow from 127.0.0.0/8',
    '</Location>',
    '<Policy default>',
    `  JobPrivateAccess default`,
    `  JobPrivateValues ${jobPrivateValues}`,
    '  SubscriptionPrivateAccess default',
    '  SubscriptionPrivateValues default',
    '  <Limit All>',
    '    Order deny,allow',
    '  </Limit>',
    '</Policy>',
    '',
  ].join('\n');
  const printers = queues
    .map((q) =>
      [
        `<Printer ${q}>`,
        `Info ${q} (simplemon test queue)`,
        'DeviceURI file:///dev/null',
        'State Idle',
        'StateTime 0',
        'Accepting Yes',
        'Shared No',
        'JobSheets none none',
        'QuotaPeriod 0',
        'PageLimit 0',
        'KLimit 0',
        'OpPolicy default',
        'ErrorPolicy stop-printer',
        '</Printer>',
      ].join('\n'),
    )
    .join('\n');
  writeFileSync(p('cups-files.conf'), files, { mode: 0o644 });
  writeFileSync(p('cupsd.conf'), conf, { mode: 0o644 });
  writeFileSync(p('printers.conf'), printers + '\n', { mode: 0o600 });
}

/**
 * @param {{ queues?: string[], jobPrivateValues?: string, readyTimeoutMs?: number }} [opts]
 *   jobPrivateValues: CUPS' policy value, `default` (CUPS' own default: other users' job-name,
 *   job-originating-user-name and job-originating-host-name are withheld) or `none` (all visible).
 */
export async function startCups({ queues = ['office'], jobPrivateValues = 'default', readyTimeoutMs = 20_000 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'simplemon-cups-'));
  chmodSync(root, 0o755);
  const doc = join(root, 'doc.txt');
  writeFileSync(doc, 'simplemon test page\n', { mode: 0o644 });
  const testFile = join(root, 'print-job.test');
  // ipptool test: a held Print-Job whose job-originating-host-name is the one given
  writeFileSync(
    testFile,
    [
      '{',
      '  NAME "Print-Job held, from another host"',
      '  OPERATION Print-Job',
      '  GROUP operation-attributes-tag',
      '  ATTR charset attributes-charset utf-8',
      '  ATTR naturalLanguage attributes-natural-language en',
      '  ATTR uri printer-uri $uri',
      '  ATTR name requesting-user-name $owner',
      '  ATTR name job-name $title',
      '  ATTR mimeMediaType document-format application/octet-stream',
      '  GROUP job-attributes-tag',
      '  ATTR name job-originating-host-name $origin',
      '  ATTR keyword job-hold-until $hold',
      '  FILE $filename',
      '  STATUS successful-ok',
      '  EXPECT job-id OF-TYPE integer',
      '  DISPLAY job-id',
      '}',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );

  for (let attempt = 1; ; attempt++) {
    const port = await freeTcpPort();
    writeConf(root, port, queues, jobPrivateValues);
    const args = ['-f', '-c', join(root, 'cupsd.conf'), '-s', join(root, 'cups-files.conf')];
    // its own process group (detached), so that stop() reaches any helper it started
    const child = spawn(CUPSD, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let dead = null;
    exited.then((x) => (dead = x));

    const server = `127.0.0.1:${port}`;
    const env = { ...process.env, CUPS_SERVER: server, LANG: 'C' };
    const ready = async () => {
      try {
        const r = await run('lpstat', ['-h', server, '-p', queues[0]], { env, timeout: 3000 });
        return r.stdout.includes(queues[0]);
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + readyTimeoutMs;
    let ok = false;
    while (!dead && Date.now() < deadline) {
      if (await ready()) {
        ok = true;
        break;
      }
      await sleep(50);
    }

    const stop = async () => {
      if (!dead) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {}
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {}
        }, 3000);
        await exited;
        clearTimeout(t);
      }
      running.delete(child);
      rmSync(root, { recursive: true, force: true });
    };

    if (ok) {
      const uri = (queue = queues[0]) => `ipp://127.0.0.1:${port}/printers/${queue}`;
      return {
        port,
        host: '127.0.0.1',
        root,
        pid: child.pid,
        uri,
        env,
        /** The scheduler's error log (for failure messages). */
        log: () => (existsSync(join(root, 'log/error_log')) ? readFileSync(join(root, 'log/error_log'), 'utf8') : ''),
        /**
         * Queue a job that stays held (job-hold-until=indefinite). Without `host` it goes through
         * `lp` (originating host: localhost); with `host`, through an ipptool Print-Job carrying
         * job-originating-host-name. Resolves to the job id.
         */
        async holdJob({ queue = queues[0], user, title, host = null, hold = 'indefinite' }) {
          if (host === null) {
            const r = await run('lp', ['-h', server, '-d', queue, '-U', user, '-t', title, '-H', hold, doc], { env, timeout: 10_000 });
            const m = /request id is \S+-(\d+)/.exec(r.stdout);
            if (!m) throw new Error(`lp gave no job id: ${r.stdout} ${r.stderr}`);
            return Number(m[1]);
          }
          const r = await run(
            'ipptool',
            ['-d', `owner=${user}`, '-d', `title=${title}`, '-d', `origin=${host}`, '-d', `hold=${hold}`, '-f', doc, uri(queue), testFile],
            { env, timeout: 10_000 },
          );
          const m = /job-id \(integer\) = (\d+)|^\s*(\d+)\s*$/m.exec(r.stdout);
          if (!m) throw new Error(`ipptool gave no job id: ${r.stdout} ${r.stderr}`);
          return Number(m[1] ?? m[2]);
        },
        /** Cancel a job (as root, the admin: cupsd lets it). */
        async cancel(jobId) {
          await run('cancel', ['-h', server, '-U', 'root', String(jobId)], { env, timeout: 10_000 });
        },
        /** Release a held job so that it prints (to /dev/null) and completes. */
        async release(jobId) {
          await run('lp', ['-h', server, '-U', 'root', '-i', String(jobId), '-H', 'resume'], { env, timeout: 10_000 });
        },
        /** lpstat's view of the queue, for polling until a job reached a state. */
        async lpstat(args) {
          const r = await run('lpstat', ['-h', server, ...args], { env, timeout: 10_000 });
          return r.stdout;
        },
        stop,
      };
    }
    const log = existsSync(join(root, 'log/error_log')) ? readFileSync(join(root, 'log/error_log'), 'utf8').split('\n').slice(-20).join('\n') : '';
    await stop().catch(() => {});
    if (attempt >= 3) throw new Error(`cupsd did not answer on 127.0.0.1:${port} (${dead ? `exited ${dead.code ?? dead.signal}` : 'timeout'})\n${output}\n${log}`);
    // most likely the port was taken between the check and the bind: try another (stop() removed root)
    mkdirSync(root, { recursive: true, mode: 0o755 });
    chmodSync(root, 0o755);
    writeFileSync(doc, 'simplemon test page\n', { mode: 0o644 });
  }
}

// The IPP client against real peers on loopback: a private Debian cupsd (held jobs from different
// users and originating hosts, CUPS' default private policy, a wrong queue, completed and cancelled
// jobs), and node's own HTTP(S) servers for what a CUPS cannot be made to do on demand: trickle bytes
// past the deadline, stream a huge body, ask for a login, speak only IPP 1.1, send garbage, and serve
// ipps:// with a private CA made here by openssl (trusted with `ca`, refused without it, refused for
// the wrong host name).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { startCups } from '../helpers/cups.mjs';
import { getJobs, getPrinterAttributes, IppError } from '../../dist/protocols/ipp/client.js';
import { encodeMessage, decodeMessage, TAG } from '../../dist/protocols/ipp/encoding.js';
import { collectQueue } from '../../dist/sources/printers/queue-collect.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value (no fixed sleeps for readiness). */
async function waitFor(fn, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function rejectsWith(promise, check) {
  const e = await promise.then(
    (v) => assert.fail(`expected a failure, got ${JSON.stringify(v)}`),
    (err) => err,
  );
  assert.ok(e instanceof IppError, `${e?.name}: ${e?.message}`);
  check(e);
  return e;
}

describe('getJobs against a real cupsd (JobPrivateValues none)', () => {
  let cups;
  let seededAt;
  const ids = {};
  before(async () => {
    cups = await startCups({ queues: ['office', 'annex'], jobPrivateValues: 'none' });
    seededAt = Date.now();
    ids.alice = await cups.holdJob({ queue: 'office', user: 'alice', title: 'report.pdf' });
    ids.bob = await cups.holdJob({ queue: 'office', user: 'bob', title: 'ledger.xlsx', host: 'pc-accounting-7' });
    ids.carol = await cups.holdJob({ queue: 'office', user: 'carol', title: 'poster.png', host: '10.1.2.3' });
  });
  after(async () => {
    await cups?.stop();
  });

  test('lists the held jobs with user, originating host, name, state and creation time; nothing hidden', async () => {
    const r = await getJobs(cups.uri('office'), { timeoutMs: 5000 });
    assert.equal(r.status, 'successful-ok');
    assert.equal(r.hidden, false);
    const byId = Object.fromEntries(r.jobs.map((j) => [j.id, j]));
    assert.deepEqual(Object.keys(byId).map(Number).sort(), [ids.alice, ids.bob, ids.carol].sort());
    const pick = (j) => [j.user, j.host, j.name, j.state, j.stateReasons.includes('job-hold-until-specified'), j.impressionsCompleted];
    assert.deepEqual(pick(byId[ids.alice]), ['alice', 'localhost', 'report.pdf', 'pending-held', true, 0]);
    assert.deepEqual(pick(byId[ids.bob]), ['bob', 'pc-accounting-7', 'ledger.xlsx', 'pending-held', true, 0]);
    assert.deepEqual(pick(byId[ids.carol]), ['carol', '10.1.2.3', 'poster.png', 'pending-held', true, 0]);
    for (const j of r.jobs) {
      const t = Date.parse(j.createdAt);
      // CUPS counts up-time in whole seconds
      assert.ok(t >= seededAt - 2000 && t <= Date.now() + 1000, `createdAt ${j.createdAt}`);
    }
  });

  test('printer attributes: name, state and the queued job count', async () => {
    const p = await getPrinterAttributes(cups.uri('office'), { timeoutMs: 5000 });
    assert.equal(p.name, 'office');
    assert.equal(p.state, 'idle');
    assert.equal(p.queuedJobCount, 3);
  });

  test('a wrong queue is a clear error, not a crash', async () => {
    await rejectsWith(getJobs(cups.uri('nope'), { timeoutMs: 5000 }), (e) => {
      assert.equal(e.kind, 'ipp');
      assert.equal(e.ippStatus, 'client-error-not-found');
      assert.match(e.message, /^IPP client-error-not-found: no such queue \/printers\/nope on 127\.0\.0\.1:\d+$/);
    });
  });

  test('limit: the server returns at most that many jobs', async () => {
    const r = await getJobs(cups.uri('office'), { timeoutMs: 5000, limit: 1 });
    assert.equal(r.jobs.length, 1);
  });

  test('an empty queue: no jobs', async () => {
    const r = await getJobs(cups.uri('annex'), { timeoutMs: 5000 });
    assert.deepEqual(r, { status: 'successful-ok', jobs: [], hidden: false });
  });

  test('collectQueue: metrics by originating host from the real queue, held jobs not stuck', async () => {
    const r = await collectQueue(cups.uri('office'), { timeoutMs: 5000, stuckAfterMs: 1 }, new Date(Date.now() + 3600_000));
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(r.metrics.jobsByHost, { localhost: 1, 'pc-accounting-7': 1, '10.1.2.3': 1 });
    assert.equal(r.metrics.jobs, 3);
    assert.equal(r.metrics.held, 3);
    assert.equal(r.metrics.stuck, false);
    assert.equal(r.metrics.hidden, false);
    assert.ok(r.metrics.oldestJobAgeSeconds >= 3599);
    const down = await collectQueue('ipp://127.0.0.1:9/printers/x', { timeoutMs: 2000 }, new Date(), r.memory);
    assert.equal(down.ok, false);
    assert.match(down.error, /connection refused by 127\.0\.0\.1:9/);
    assert.equal(down.memory, r.memory);
  });

  test('which-jobs completed: a released job completes, a cancelled one is listed as canceled; not-completed shrinks', async () => {
    await cups.cancel(ids.carol);
    await cups.release(ids.alice);
    const done = await waitFor(async () => {
      const r = await getJobs(cups.uri('office'), { whichJobs: 'completed', timeoutMs: 5000 });
      const states = Object.fromEntries(r.jobs.map((j) => [j.id, j.state]));
      return states[ids.alice] === 'completed' && states[ids.carol] === 'canceled' ? r : null;
    }, 'the two jobs to finish');
    assert.deepEqual(done.jobs.map((j) => j.id).sort(), [ids.alice, ids.carol].sort());
    const carol = done.jobs.find((j) => j.id === ids.carol);
    assert.deepEqual([carol.user, carol.host, carol.name], ['carol', '10.1.2.3', 'poster.png']);
    const open = await getJobs(cups.uri('office'), { timeoutMs: 5000 });
    assert.deepEqual(
      open.jobs.map((j) => j.id),
      [ids.bob],
    );
    const all = await getJobs(cups.uri('office'), { whichJobs: 'all', timeoutMs: 5000 });
    assert.equal(all.jobs.length, 3);
    // the pages of finished jobs, per host, counted once across polls
    const first = await collectQueue(cups.uri('office'), { timeoutMs: 5000 }, new Date());
    assert.ok(first.ok);
    assert.deepEqual(Object.keys(first.metrics.pagesByHost).sort(), ['10.1.2.3', 'localhost']);
    assert.equal(first.memory.pages.counted.length, 2);
    const second = await collectQueue(cups.uri('office'), { timeoutMs: 5000 }, new Date(), first.memory);
    assert.deepEqual(second.metrics.pagesByHost, first.metrics.pagesByHost);
  });
});

describe("getJobs against a cupsd with CUPS' default private policy", () => {
  let cups;
  let bobJob;
  before(async () => {
    cups = await startCups({ queues: ['office'], jobPrivateValues: 'default' });
    await cups.holdJob({ queue: 'office', user: 'alice', title: 'secret-salaries.pdf', host: 'pc-hr-2' });
    bobJob = await cups.holdJob({ queue: 'office', user: 'bob', title: 'ledger.xlsx', host: 'pc-accounting-7' });
  });
  after(async () => {
    await cups?.stop();
  });

  test('other users\' names, users and hosts are withheld: hidden is true, the jobs still count', async () => {
    const r = await getJobs(cups.uri('office'), { timeoutMs: 5000 });
    assert.equal(r.hidden, true);
    assert.equal(r.jobs.length, 2);
    for (const j of r.jobs) {
      assert.deepEqual([j.name, j.user, j.host, j.state], [null, null, null, 'pending-held']);
      assert.ok(j.createdAt);
    }
    const q = await collectQueue(cups.uri('office'), { timeoutMs: 5000 }, new Date());
    assert.ok(q.ok);
    assert.equal(q.metrics.hidden, true);
    assert.deepEqual(q.metrics.jobsByHost, { '(unknown)': 2 });
  });

  test('the owner (requesting-user-name) sees their own job in full', async () => {
    const r = await getJobs(cups.uri('office'), { timeoutMs: 5000, requestingUserName: 'bob' });
    const bob = r.jobs.find((j) => j.id === bobJob);
    assert.deepEqual([bob.name, bob.user, bob.host], ['ledger.xlsx', 'bob', 'pc-accounting-7']);
    assert.equal(r.hidden, true, "alice's job is still withheld");
  });
});

// ---------------------------------------------------------------------------------------------
// node's own servers on loopback

const servers = [];
async function listen(server) {
  servers.push(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

/** A Get-Jobs answer with one job, encoded by the encoder under test's sibling. */
function okAnswer(requestId, version = [2, 0], code = 0) {
  return Buffer.from(
    encodeMessage({
      version,
      code,
      requestId,
      groups: [
        { name: 'operation', tag: 1, attributes: [{ name: 'attributes-charset', tag: TAG.charset, values: ['utf-8'] }, { name: 'attributes-natural-language', tag: TAG.naturalLanguage, values: ['en'] }] },
        ...(code === 0
          ? [
              {
                name: 'job',
                tag: 2,
                attributes: [
                  { name: 'job-id', tag: TAG.integer, values: [7] },
                  { name: 'job-state', tag: TAG.enum, values: [3] },
                  { name: 'job-name', tag: TAG.nameWithoutLanguage, values: ['x.pdf'] },
                  { name: 'job-originating-user-name', tag: TAG.nameWithoutLanguage, values: ['dave'] },
                ],
              },
            ]
          : []),
      ],
    }),
  );
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function makePki(d) {
  const run = (...args) => execFileSync('openssl', args, { cwd: d, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=simplemon IPP test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name, san) => {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(d, `${name}.cnf`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth\n`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.cnf`);
    return { key: readFileSync(join(d, `${name}.key`)), cert: readFileSync(join(d, `${name}.pem`)) };
  };
  return { ca: readFileSync(join(d, 'ca.pem'), 'utf8'), good: leaf('printer', 'IP:127.0.0.1,DNS:localhost'), wrongHost: leaf('other', 'DNS:printer.example.test') };
}

describe('deadline, size limit, login, versions and garbage, against node servers on loopback', () => {
  after(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections?.();
      await new Promise((r) => s.close(r));
    }
  });

  test('a server that trickles one byte every 0.5 s fails at the deadline (whole operation, not idle time)', async (t) => {
    let bytesSent = 0;
    const server = http.createServer(async (req, res) => {
      await readBody(req);
      res.writeHead(200, { 'Content-Type': 'application/ipp' });
      const body = okAnswer(1);
      let i = 0;
      const t = setInterval(() => {
        res.write(body.subarray(i % body.length, (i % body.length) + 1));
        bytesSent++;
        i++;
      }, 500);
      res.on('close', () => clearInterval(t));
    });
    const port = await listen(server);
    const t0 = Date.now();
    await rejectsWith(getJobs(`ipp://127.0.0.1:${port}/ipp/print`, { timeoutMs: 2000 }), (e) => {
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port} did not complete within 2s \\(\\d+ bytes received\\)`));
    });
    const elapsed = Date.now() - t0;
    t.diagnostic(`timeout 2 s: failed after ${elapsed} ms, ${bytesSent} bytes trickled`);
    assert.ok(elapsed >= 1900 && elapsed <= 3000, `failed after ${elapsed} ms`);
    assert.ok(bytesSent >= 2, 'the server did trickle');
  });

  test('a server that accepts and never answers: "no answer from host:port within …"', async () => {
    const sockets = [];
    const server = net.createServer((s) => sockets.push(s));
    const port = await listen(server);
    const t0 = Date.now();
    await rejectsWith(getJobs(`ipp://127.0.0.1:${port}/printers/x`, { timeoutMs: 1500 }), (e) => {
      assert.equal(e.kind, 'timeout');
      assert.equal(e.message, `no answer from 127.0.0.1:${port} within 1.5s`);
    });
    assert.ok(Date.now() - t0 <= 2500);
    // the caller's AbortSignal ends it sooner
    const ac = new AbortController();
    const pending = getJobs(`ipp://127.0.0.1:${port}/printers/x`, { timeoutMs: 60_000, signal: ac.signal });
    await waitFor(() => sockets.length >= 2, 'the second connection');
    ac.abort(new Error('poll cancelled'));
    await rejectsWith(pending, (e) => {
      assert.equal(e.kind, 'aborted');
      assert.equal(e.cause?.message, 'poll cancelled');
    });
    for (const s of sockets) s.destroy();
  });

  test('a server streaming a huge body fails on the size limit at once, with bounded memory', async (t) => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const server = http.createServer(async (req, res) => {
      await readBody(req);
      res.writeHead(200, { 'Content-Type': 'application/ipp' });
      let open = true;
      res.on('close', () => (open = false));
      // honour backpressure, so that the server itself holds little memory
      while (open && sent < 2 * 1024 ** 3) {
        sent += chunk.length;
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r));
      }
      res.end();
    });
    const port = await listen(server);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    await rejectsWith(getJobs(`ipp://127.0.0.1:${port}/printers/x`, { timeoutMs: 20_000, maxBytes: 1024 * 1024 }), (e) => {
      assert.equal(e.kind, 'too-large');
      assert.equal(e.message, `response larger than 1 MiB from 127.0.0.1:${port}`);
    });
    const elapsed = Date.now() - t0;
    const grew = process.memoryUsage().rss - rss0;
    assert.ok(elapsed < 3000, `aborted after ${elapsed} ms`);
    // what the server got out before the client hung up: the limit plus socket buffers, not gigabytes
    t.diagnostic(`limit 1 MiB: aborted after ${elapsed} ms; the server got ${(sent / 1024 / 1024).toFixed(1)} MiB out; rss grew ${(grew / 1024 / 1024).toFixed(1)} MiB`);
    assert.ok(sent < 64 * 1024 * 1024, `server sent ${sent} bytes`);
    assert.ok(grew < 64 * 1024 * 1024, `rss grew by ${(grew / 1024 / 1024).toFixed(1)} MiB`);
  });

  test('a declared Content-Length over the limit fails before reading the body; the default limit is 8 MiB', async () => {
    const server = http.createServer(async (req, res) => {
      await readBody(req);
      res.writeHead(200, { 'Content-Type': 'application/ipp', 'Content-Length': String(9 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const port = await listen(server);
    await rejectsWith(getJobs(`ipp://127.0.0.1:${port}/printers/x`, { timeoutMs: 5000 }), (e) => {
      assert.equal(e.kind, 'too-large');
      assert.equal(e.message, `response larger than 8 MiB (Content-Length 9437184) from 127.0.0.1:${port}`);
    });
  });

  test('HTTP Basic login: 401 without one, refused with a wrong password (never shown), accepted with the right one', async () => {
    const PASSWORD = 'Pr1nter-S3cret!';
    const seen = [];
    const server = http.createServer(async (req, res) => {
      const body = await readBody(req);
      seen.push(req.headers.authorization ?? null);
      if (req.headers.authorization !== `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="CUPS"' });
        return res.end();
      }
      assert.equal(req.headers['content-type'], 'application/ipp');
      const reqMsg = decodeMessage(body);
      res.writeHead(200, { 'Content-Type': 'application/ipp' });
      res.end(okAnswer(reqMsg.requestId));
    });
    const port = await listen(server);
    const uri = `ipp://127.0.0.1:${port}/printers/office`;
    await rejectsWith(getJobs(uri, { timeoutMs: 5000 }), (e) => {
      assert.equal(e.message, 'HTTP 401: the server wants a login (set ipp-user and ipp-password-file)');
      assert.equal(e.httpStatus, 401);
    });
    const wrong = 'wrong-' + PASSWORD;
    const e = await rejectsWith(getJobs(uri, { timeoutMs: 5000, user: 'admin', password: wrong }), (err) => {
      assert.equal(err.kind, 'auth');
      assert.match(err.message, /refused the login of user "admin"/);
    });
    const everything = inspect(e, { depth: 10, showHidden: true }) + JSON.stringify(e) + e.stack;
    for (const secret of [wrong, Buffer.from(`admin:${wrong}`).toString('base64')]) assert.ok(!everything.includes(secret), 'the password is in the error');
    const ok = await getJobs(uri, { timeoutMs: 5000, user: 'admin', password: PASSWORD });
    assert.deepEqual(
      ok.jobs.map((j) => [j.id, j.state, j.user]),
      [[7, 'pending', 'dave']],
    );
    assert.deepEqual(seen.slice(0, 1), [null]);
  });

  test('a printer that speaks only IPP 1.1 is asked again in 1.1 within the same deadline', async () => {
    const versions = [];
    const server = http.createServer(async (req, res) => {
      const m = decodeMessage(await readBody(req));
      versions.push(m.version.join('.'));
      res.writeHead(200, { 'Content-Type': 'application/ipp' });
      res.end(m.version[0] === 2 ? okAnswer(m.requestId, [1, 1], 0x0503) : okAnswer(m.requestId, [1, 1]));
    });
    const port = await listen(server);
    const r = await getJobs(`ipp://127.0.0.1:${port}/ipp/print`, { timeoutMs: 5000 });
    assert.deepEqual(versions, ['2.0', '1.1']);
    assert.equal(r.jobs.length, 1);
  });

  test('garbage instead of IPP, an HTML error page and a refused port are clear errors', async () => {
    const server = http.createServer(async (req, res) => {
      await readBody(req);
      if (req.url === '/garbage') {
        res.writeHead(200, { 'Content-Type': 'application/ipp' });
        return res.end(Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 0x02, 0x21, 0xff, 0xff]));
      }
      res.writeHead(500, 'Internal Server Error', { 'Content-Type': 'text/html' });
      res.end('<h1>oops</h1>');
    });
    const port = await listen(server);
    await rejectsWith(getJobs(`ipp://127.0.0.1:${port}/garbage`, { timeoutMs: 5000 }), (e) => {
      assert.equal(e.kind, 'decode');
      assert.match(e.message, /sent an answer that is not valid IPP \(malformed IPP response at byte 12: attribute name: needs 65535 bytes/);
      assert.equal(e.cause?.name, 'IppDecodeError');
    });
    await rejectsWith(getJobs(`ipp://127.0.0.1:${port}/html`, { timeoutMs: 5000 }), (e) => {
      assert.equal(e.message, `HTTP 500 Internal Server Error from 127.0.0.1:${port}`);
    });
    const closed = await listen(net.createServer());
    await new Promise((r) => servers.pop().close(r));
    await rejectsWith(getJobs(`ipp://127.0.0.1:${closed}/printers/x`, { timeoutMs: 5000 }), (e) => {
      assert.equal(e.kind, 'network');
      assert.equal(e.message, `connection refused by 127.0.0.1:${closed}`);
      assert.equal(e.cause?.code, 'ECONNREFUSED');
    });
  });

  test('a URI carrying a password is refused without echoing it; other schemes are refused', async () => {
    await rejectsWith(getJobs('ipp://admin:hunter2@127.0.0.1:9/printers/x'), (e) => {
      assert.equal(e.kind, 'usage');
      assert.ok(!e.message.includes('hunter2'));
    });
    await rejectsWith(getJobs('lpd://127.0.0.1/queue'), (e) => assert.match(e.message, /unsupported scheme "lpd:"/));
  });
});

describe('ipps:// with a private CA made by openssl', () => {
  let dir;
  let pki;
  const tlsServers = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'simplemon-ipps-'));
    pki = makePki(dir);
  });
  after(async () => {
    for (const s of tlsServers) {
      s.closeAllConnections?.();
      await new Promise((r) => s.close(r));
    }
    rmSync(dir, { recursive: true, force: true });
  });
  async function ippsServer(cert) {
    const server = https.createServer({ ...cert }, async (req, res) => {
      const m = decodeMessage(await readBody(req));
      res.writeHead(200, { 'Content-Type': 'application/ipp' });
      res.end(okAnswer(m.requestId));
    });
    tlsServers.push(server);
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return server.address().port;
  }

  test('accepted with `ca` (system CAs stay trusted beside it), and with insecure', async () => {
    const port = await ippsServer(pki.good);
    const r = await getJobs(`ipps://127.0.0.1:${port}/ipp/print`, { timeoutMs: 5000, ca: pki.ca });
    assert.deepEqual(
      r.jobs.map((j) => j.id),
      [7],
    );
    const r2 = await getJobs(`ipps://127.0.0.1:${port}/ipp/print`, { timeoutMs: 5000, insecure: true });
    assert.equal(r2.jobs.length, 1);
  });

  test('refused without `ca`: the certificate is not trusted', async () => {
    const port = await ippsServer(pki.good);
    await rejectsWith(getJobs(`ipps://127.0.0.1:${port}/ipp/print`, { timeoutMs: 5000 }), (e) => {
      assert.equal(e.kind, 'tls');
      assert.match(e.message, new RegExp(`^the certificate of 127\\.0\\.0\\.1:${port} is not trusted \\(\\w+\\): give its CA as ca-file$`));
      assert.ok(e.cause);
    });
  });

  test('refused for a certificate made out to another host name, even with the right CA', async () => {
    const port = await ippsServer(pki.wrongHost);
    await rejectsWith(getJobs(`ipps://127.0.0.1:${port}/ipp/print`, { timeoutMs: 5000, ca: pki.ca }), (e) => {
      assert.equal(e.kind, 'tls');
      assert.match(e.message, new RegExp(`^the certificate of 127\\.0\\.0\\.1:${port} is not for 127\\.0\\.0\\.1`));
    });
  });
});

// A misbehaving vCenter for fault tests: a raw node http server on loopback in front of the real
// simulator (test/vcsim, plain http). Every SOAP call is passed through, except the method (or every
// method, '*') given to `misbehave()`, which it answers the chosen bad way:
//
//   trickle   the simulator's real answer, one byte every `intervalMs`
//   close     the headers and half of the real answer, then the connection is closed
//   truncate  the first half of the real answer as a complete HTTP answer (a malformed document)
//   fault500  HTTP 500 with a SOAP fault (`body` replaces the default one)
//   html      HTTP 502 with an HTML page
//   huge      HTTP 200 and an endless SOAP body (as fast as the client reads): counts bytes sent
//   silent    reads the request and never answers
//
// With `{ nth: k }` only the k-th call of the method (counted from misbehave()) misbehaves; more rules
// for other calls are added with `andMisbehave()`. `log` lists every exchange: method, when it arrived
// and when its answer was sent (ms, performance.timeOrigin + now(): comparable across processes), and
// whether the client closed it before an answer.
//
//   const fake = await startFakeVcenter(sim.url);   // sim = await startVcsim({ http: true })
//   fake.misbehave('RetrievePropertiesEx', 'trickle', { intervalMs: 500 });
//   fake.url … fake.calls … fake.log … fake.bytesSent … await fake.stop();
//
// startFakeVcenterProcess() runs the same server in a child process (the same API, async): it answers
// and timestamps requests while the test's own process is busy, e.g. reading a page.
import { createServer, request } from 'node:http';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const clock = () => performance.timeOrigin + performance.now();

const SIM_FAULT = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>The session is not authorized to perform this operation: inventory service busy</faultstring><detail><SystemErrorFault xmlns="urn:vim25" xsi:type="SystemError"><reason>busy</reason></SystemErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;

function methodOf(body) {
  return /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1] ?? '';
}

/** Forward one request to the simulator; resolves with { status, headers, body (Buffer) }. */
function forward(upstream, req, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(upstream);
    const headers = { ...req.headers, host: u.host, 'content-length': Buffer.byteLength(body) };
    const out = request(u, { method: req.method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export async function startFakeVcenter(upstream) {
  let rules = []; // { method, kind, opts, seen }
  const calls = [];
  const log = [];
  const sockets = new Set();
  const timers = new Set();
  const state = { bytesSent: 0 };
  const later = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = methodOf(body);
      calls.push(method);
      const entry = { method, arrived: clock(), answered: null, closedEarly: false };
      log.push(entry);
      res.once('finish', () => (entry.answered = clock()));
      res.once('close', () => {
        if (entry.answered === null) entry.closedEarly = true;
      });
      let r = null;
      for (const rule of rules) {
        if (rule.method !== '*' && rule.method !== method) continue;
        rule.seen++;
        if (!r && (!rule.opts.nth || rule.opts.nth === rule.seen)) r = rule;
      }
      try {
        if (!r) {
          const up = await forward(upstream, req, body);
          res.writeHead(up.status, up.headers);
          return res.end(up.body);
        }
        switch (r.kind) {
          case 'silent':
            return; // the socket stays open until the client gives up
          case 'fault500':
            res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' });
            return res.end(r.opts.body ?? SIM_FAULT);
          case 'html':
            res.writeHead(502, { 'content-type': 'text/html' });
            return res.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
          case 'huge': {
            res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
            res.write(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><${method}Response xmlns="urn:vim25"><returnval>`);
            const filler = Buffer.alloc(256 * 1024, 'x');
            const pump = () => {
              while (!res.destroyed && state.bytesSent < (r.opts.maxBytes ?? 5 * 2 ** 30)) {
                state.bytesSent += filler.length;
                if (!res.write(filler)) return res.once('drain', pump);
              }
              if (!res.destroyed) res.end();
            };
            return pump();
          }
        }
        const up = await forward(upstream, req, body);
        const headers = { ...up.headers, 'content-length': String(up.body.length) };
        delete headers['transfer-encoding'];
        if (r.kind !== 'truncate') res.writeHead(up.status, headers);
        if (r.kind === 'truncate') {
          const half = up.body.subarray(0, up.body.length >> 1);
          res.writeHead(up.status, { ...headers, 'content-length': String(half.length) });
          return res.end(half);
        }
        if (r.kind === 'close') {
          res.write(up.body.subarray(0, up.body.length >> 1));
          return later(() => res.socket?.destroy(), 50);
        }
        if (r.kind === 'trickle') {
          let i = 0;
          const drip = () => {
            if (res.destroyed) return;
            if (i >= up.body.length) return res.end();
            res.write(up.body.subarray(i, i + 1));
            i++;
            later(drip, r.opts.intervalMs ?? 500);
          };
          return drip();
        }
        throw new Error(`unknown kind ${r.kind}`);
      } catch (e) {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(e));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const u = new URL(upstream);
  return {
    url: `http://127.0.0.1:${server.address().port}${u.pathname}`,
    calls,
    log,
    get bytesSent() {
      return state.bytesSent;
    },
    misbehave(method, kind, opts = {}) {
      rules = [{ method, kind, opts, seen: 0 }];
      state.bytesSent = 0;
    },
    andMisbehave(method, kind, opts = {}) {
      rules.push({ method, kind, opts, seen: 0 });
    },
    behave() {
      rules = [];
    },
    clearLog() {
      log.length = 0;
      calls.length = 0;
    },
    /** Connections the client still holds open (a hung client keeps one). */
    get openSockets() {
      return sockets.size;
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The fake in a child process: `{ url, misbehave, andMisbehave, behave, clearLog, log(), stop }`, all async. */
export async function startFakeVcenterProcess(upstream) {
  const child = fork(fileURLToPath(import.meta.url), ['--child', upstream], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  const ready = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake vCenter process exited with ${code}`)));
    child.on('message', (m) => {
      if (m.ready) return resolve(m.url);
      waiting.get(m.id)?.(m.result);
      waiting.delete(m.id);
    });
  });
  const url = await ready;
  const ask = (cmd, ...args) =>
    new Promise((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      child.send({ id, cmd, args });
    });
  return {
    url,
    misbehave: (...a) => ask('misbehave', ...a),
    andMisbehave: (...a) => ask('andMisbehave', ...a),
    behave: () => ask('behave'),
    clearLog: () => ask('clearLog'),
    log: () => ask('log'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask('stop');
      child.disconnect();
      await exited;
    },
  };
}

if (process.argv[2] === '--child' && process.send) {
  const fake = await startFakeVcenter(process.argv[3]);
  process.on('message', async ({ id, cmd, args }) => {
    let result = null;
    if (cmd === 'log') result = fake.log;
    else if (cmd === 'stop') await fake.stop();
    else fake[cmd](...args);
    process.send({ id, result });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true, url: fake.url });
}

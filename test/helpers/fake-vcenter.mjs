// A misbehaving vCenter for fault tests: a raw node http server on loopback in front of the real
// simulator (test/vcsim, plain http). Every SOAP call is passed through, except the method (or every
// method, '*') given to `misbehave()`, which it answers the chosen bad way:
//
//   trickle  the simulator's real answer, one byte every `intervalMs`
//   close    the headers and half of the real answer, then the connection is closed
//   fault500 HTTP 500 with a SOAP fault (`body` replaces the default one)
//   html     HTTP 502 with an HTML page
//   huge     HTTP 200 and an endless SOAP body (as fast as the client reads): counts bytes sent
//   silent   reads the request and never answers
//
//   const fake = await startFakeVcenter(sim.url);   // sim = await startVcsim({ http: true })
//   fake.misbehave('RetrievePropertiesEx', 'trickle', { intervalMs: 500 });
//   fake.url … fake.calls … fake.bytesSent … await fake.stop();
import { createServer, request } from 'node:http';

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
  let rule = null; // { method, kind, opts }
  const calls = [];
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
      const r = rule && (rule.method === '*' || rule.method === method) ? rule : null;
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
        res.writeHead(up.status, headers);
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
    get bytesSent() {
      return state.bytesSent;
    },
    misbehave(method, kind, opts = {}) {
      rule = { method, kind, opts };
      state.bytesSent = 0;
    },
    behave() {
      rule = null;
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

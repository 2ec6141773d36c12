// A vCenter for `simplemon demo` that needs no Go: an HTTP server on loopback that answers each SOAP
// request with the body recorded from govmomi's simulator (demo/vcenter-replay/recording.json.gz,
// written by test/vcsim/record-demo.mjs), chosen by the SOAP operation and, for
// ContinueRetrievePropertiesEx, by the page token. The real collector talks to it over real HTTP and
// SOAP, so the demo runs the same code as a poll of a real vCenter.
//
// What a recording cannot give, the server does itself:
//   | request                                   | answer                                                |
//   |-------------------------------------------|-------------------------------------------------------|
//   | RetrieveServiceContent                    | recorded body, no session needed                      |
//   | Login                                     | recorded body + a fresh vmware_soap_session cookie    |
//   | anything else without a live cookie       | NotAuthenticated fault (as real vCenter)              |
//   | Logout                                    | recorded body; the session ends                       |
//   | ContinueRetrievePropertiesEx, known token | the recorded page for that token                      |
//   | ContinueRetrievePropertiesEx, other token | InvalidArgument fault (as the simulator)              |
//   | an operation never recorded, not SOAP     | NotSupported fault / HTTP 400                         |
// and `setProperty()` rewrites one property of one object in the recorded inventory pages — how the
// demo makes a VM go hot between two polls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { packageFile } from '../util/paths.js';

export interface RecordedExchange {
  op: string;
  /** The page token the request carried (ContinueRetrievePropertiesEx), else null. */
  token: string | null;
  status: number;
  contentType: string;
  body: string;
}

export interface Recording {
  recorded: string;
  source: string;
  exchanges: RecordedExchange[];
}

export const RECORDING_FILE = packageFile('demo/vcenter-replay/recording.json.gz');

export function loadRecording(file = RECORDING_FILE): Recording {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const rec = JSON.parse(text) as Recording;
  if (!Array.isArray(rec.exchanges)) throw new Error(`${file}: no exchanges`);
  return rec;
}

const OP = /<(?:[A-Za-z0-9_]+:)?Body[^>]*>\s*<(?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+)/;
const TOKEN = /<(?:[A-Za-z0-9_]+:)?token[^>]*>([^<]*)</;

/** The SOAP operation of a request (the first element in the Body) and its page token, if any. */
export function requestKey(body: string): { op: string | null; token: string | null } {
  const op = OP.exec(body)?.[1] ?? null;
  const token = op === 'ContinueRetrievePropertiesEx' || op === 'CancelRetrievePropertiesEx' ? (TOKEN.exec(body)?.[1]?.trim() ?? null) : null;
  return { op, token };
}

export interface ReplayAnswer {
  status: number;
  contentType: string;
  body: string;
}

function xmlEscape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A vSphere fault as vCenter writes it (faultcode, faultstring, detail with xsi:type). */
export function soapFault(type: string, message: string): ReplayAnswer {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${xmlEscape(message)}</faultstring>` +
    `<detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}"></${type}Fault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
  return { status: 500, contentType: 'text/xml; charset=utf-8', body };
}

/** Operations that need no session (everything else does, as on real vCenter). */
const OPEN_OPS = new Set(['RetrieveServiceContent', 'Login']);

/**
 * The whole request → answer decision, without sockets: `sessions` holds the live cookies' values.
 * Returns the answer and, for Login, the cookie to set.
 */
export function answerRequest(rec: Recording, sessions: Set<string>, body: string, cookieHeader: string | undefined): ReplayAnswer & { setCookie?: string } {
  const { op, token } = requestKey(body);
  if (!op) return { status: 400, contentType: 'text/plain; charset=utf-8', body: 'not a SOAP request\n' };
  const cookie = /vmware_soap_session="?([^";]+)"?/.exec(cookieHeader ?? '')?.[1] ?? null;
  if (!OPEN_OPS.has(op) && !(cookie && sessions.has(cookie))) return soapFault('NotAuthenticated', 'The session is not authenticated.');
  const found = rec.exchanges.find((e) => e.op === op && (e.token ?? null) === (op === 'ContinueRetrievePropertiesEx' ? token : null));
  if (!found) {
    if (op === 'ContinueRetrievePropertiesEx') return soapFault('InvalidArgument', `invalid token ${token ?? '(none)'}`);
    return soapFault('NotSupported', `simplemon demo: no recorded answer for ${op}`);
  }
  const answer: ReplayAnswer & { setCookie?: string } = { status: found.status, contentType: found.contentType, body: found.body };
  if (op === 'Login' && found.status === 200) {
    const id = randomUUID();
    sessions.add(id);
    // real vCenter quotes the value; the client sends it back verbatim
    answer.setCookie = `vmware_soap_session="${id}"; Path=/; HttpOnly`;
  }
  if (op === 'Logout' && cookie) sessions.delete(cookie);
  return answer;
}

const RESULT_OPS = new Set(['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);

/** The `<objects>` element of the named object (by its `name` property) in one answer, as [start, end). */
function objectSpan(body: string, type: string, name: string): [number, number] | null {
  let from = 0;
  for (;;) {
    const start = body.indexOf('<objects>', from);
    if (start < 0) return null;
    const end = body.indexOf('</objects>', start);
    if (end < 0) return null;
    const chunk = body.slice(start, end);
    if (chunk.includes(`<obj type="${type}">`) && new RegExp(`<propSet><name>name</name><val[^>]*>${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</val>`).test(chunk)) return [start, end];
    from = end;
  }
}

function propRe(path: string): RegExp {
  return new RegExp(`(<propSet><name>${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</name><val[^>]*>)([^<]*)(</val>)`);
}

/** One property's text in the recorded inventory, or null. */
export function getProperty(rec: Recording, type: string, name: string, path: string): string | null {
  for (const e of rec.exchanges) {
    if (!RESULT_OPS.has(e.op)) continue;
    const span = objectSpan(e.body, type, name);
    if (!span) continue;
    const m = propRe(path).exec(e.body.slice(span[0], span[1]));
    if (m) return m[2];
  }
  return null;
}

/** Rewrite one property of one object in the recorded inventory; throws when it is not there. */
export function setProperty(rec: Recording, type: string, name: string, path: string, value: string | number): void {
  for (const e of rec.exchanges) {
    if (!RESULT_OPS.has(e.op)) continue;
    const span = objectSpan(e.body, type, name);
    if (!span) continue;
    const chunk = e.body.slice(span[0], span[1]);
    const re = propRe(path);
    if (!re.test(chunk)) continue;
    e.body = e.body.slice(0, span[0]) + chunk.replace(re, (_m, a: string, _v: string, b: string) => `${a}${xmlEscape(String(value))}${b}`) + e.body.slice(span[1]);
    return;
  }
  throw new Error(`the recording has no ${type} "${name}" with ${path}`);
}

export interface RunningReplay {
  url: string;
  port: number;
  /** Calls answered, by operation (faults included). */
  calls: Record<string, number>;
  recording: Recording;
  close(): Promise<void>;
}

/** Serve a recording on loopback (http, /sdk). The recording is copied: rewrites stay with this server. */
export async function startVcenterReplay(recording: Recording = loadRecording(), host = '127.0.0.1'): Promise<RunningReplay> {
  const rec: Recording = structuredClone(recording);
  const sessions = new Set<string>();
  const calls: Record<string, number> = {};
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/sdk')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const a = answerRequest(rec, sessions, body, req.headers.cookie);
      const op = requestKey(body).op ?? '(none)';
      calls[op] = (calls[op] ?? 0) + 1;
      const headers: Record<string, string> = { 'content-type': a.contentType, 'content-length': String(Buffer.byteLength(a.body)) };
      if (a.setCookie) headers['set-cookie'] = a.setCookie;
      res.writeHead(a.status, headers).end(a.body);
    });
  });
  // idle keep-alive sockets must not hold close() up
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}/sdk`,
    port,
    calls,
    recording: rec,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

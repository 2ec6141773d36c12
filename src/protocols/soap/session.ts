// A vSphere SOAP session: hand-built vim25 requests (envelope.ts) as HTTPS POSTs over one keep-alive
// agent, answers read by xml.ts (small ones, faults) and scan.ts (inventory pages). It carries the
// session cookie on every call, verifies TLS unless told not to, counts round trips, bounds every answer's
// size and the whole poll's time, turns every failure into one clear sentence, and logs out in `close()`
// — which the collector calls in a `finally`. With keep-session, the cookie and the service content are
// kept in the collector's memory (the state file, mode 0600) and reused until vCenter expires the session.
//
// No SOAP library: the `soap` package cost 190–230 ms and ~30 MB of RSS per poll just to load itself and
// the trimmed WSDL (import 133–176 ms + createClient 34–67 ms, measured on these 2-core machines), a
// third of what the whole govmomi client takes for 5,000 VMs; for eight fixed requests that a page of
// envelope.ts writes, it bought nothing else (its answers were already read by xml.ts).
import { maskSecrets } from '../../util/secrets.js';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SecureContext } from 'node:tls';
import { el, envelope, mor, VIM_VERSION, type Mor } from './envelope.js';
import { isRetrieveResult, parseXml, type XmlObject, type XmlValue } from './xml.js';
import { pageToken } from './scan.js';

export { mor, type Mor } from './envelope.js';

/** Where and how to reach one vCenter (a source's config entry fits it). */
export interface VimEndpoint {
  name: string;
  url: string;
  username: string;
  password: string;
  caFile: string | null;
  insecure: boolean;
  keepSession: boolean;
  pageSize: number;
  timeoutMs: number;
}

/** What simplemon needs from RetrieveServiceContent; kept in memory between polls. */
export interface ContentRefs {
  rootFolder: Mor;
  propertyCollector: Mor;
  viewManager: Mor;
  sessionManager: Mor;
  perfManager: Mor;
  version: string | null;
  apiVersion: string | null;
  fetchedAt: number;
}

/** The per-vCenter memory kept in the state file (see Collector.memory). */
export interface VcenterMemory {
  url?: string;
  username?: string;
  content?: ContentRefs;
  /** Only with keep-session: the vmware_soap_session cookie. */
  cookie?: string | null;
  /** Device ids seen on the last good poll, so that a failed poll can report them as blocked. */
  devices?: string[];
  /** The id of each object (moref → id) at the last good poll: ids stay with their objects (map.ts). */
  ids?: Record<string, string>;
}

/** The service content is re-read at most this often (version changes on upgrade; morefs never do). */
const CONTENT_MAX_AGE_MS = 6 * 3600_000;

/**
 * Logout after the poll's deadline (or after any failure) gets at most this long more: a session left
 * behind expires by itself on vCenter, while a poll that hangs holds the state lock.
 */
export const LOGOUT_GRACE_MS = 2000;

/**
 * The largest SOAP answer read: 64 KiB per object of a page (a VM with many disks and addresses is a
 * few KiB, a host with its PCI list tens of KiB), and never less than 32 MiB (the counter catalogue
 * rides on the first page). An answer that grows past it is cut off as it arrives, so memory stays
 * bounded whatever the server sends.
 */
export function responseLimit(pageSize: number): number {
  return Math.max(32 * 2 ** 20, pageSize * 64 * 2 ** 10);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;
}

/** A failure of one vCenter: the message is what the vcenter device shows. */
export class VcenterError extends Error {
  constructor(
    message: string,
    readonly faultType: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VcenterError';
  }
}

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer unknown',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name',
};

/** The text of a parsed element: a string, or `{ $value }` when it has attributes (xml:lang). */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (Array.isArray(v)) return textOf(v[0]);
  const inner = (v as { $value?: unknown } | null)?.$value;
  return typeof inner === 'string' ? inner.trim() : '';
}

function faultOf(e: unknown): { type: string | null; message: string } | null {
  const fault = (e as { root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } } })?.root?.Envelope?.Body?.Fault;
  if (!fault) return null;
  let type: string | null = null;
  const detail = fault.detail as Record<string, unknown> | undefined;
  if (detail && typeof detail === 'object') {
    for (const [k, v] of Object.entries(detail)) {
      if (k === 'attributes') continue;
      const attrs = (v as { attributes?: Record<string, unknown> })?.attributes ?? {};
      // the type attribute's prefix varies (xsi:, XMLSchema-instance:): match the local name
      const t = Object.entries(attrs).find(([a]) => a === 'type' || a.endsWith(':type'))?.[1];
      type = typeof t === 'string' ? t.replace(/^.*:/, '') : k.replace(/Fault$/, '');
      break;
    }
  }
  // SOAP 1.1 faultstring; SOAP 1.2 Reason/Text (gateways in front of vCenter speak it); when both are
  // empty (the simulator, some proxies), the reason in the fault's detail, else the fault code
  const reason = (fault.Reason as Record<string, unknown> | undefined)?.Text;
  let text = textOf(fault.faultstring) || textOf(reason);
  if (!text && detail && typeof detail === 'object') {
    for (const [k, v] of Object.entries(detail)) if (k !== 'attributes' && (text = textOf((v as Record<string, unknown>)?.reason) || textOf((v as Record<string, unknown>)?.message))) break;
  }
  if (!text && !type) text = textOf(fault.faultcode) || textOf((fault.Code as Record<string, unknown> | undefined)?.Value);
  return { type, message: text.trim() };
}

/** One sentence for whatever went wrong on the wire. */
export function describeError(
  e: unknown,
  ctx: { url: string; timeoutMs: number; username: string; password?: string; lastBody?: unknown; lastHeaders?: Record<string, unknown> | null; maxBytes?: number },
): VcenterError {
  if (e instanceof VcenterError) return e;
  // text from vCenter or a library (fault messages, bodies, URLs) may echo the password: masked here, where it
  // enters; our own words around it ("wrong user name or password") are never masked
  const lib = (t: string) => maskSecrets(t, [ctx.password]);
  const err = e as NodeJS.ErrnoException & { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown }; body?: unknown; cause?: NodeJS.ErrnoException };
  const code = err?.code ?? err?.cause?.code;
  const host = new URL(ctx.url).host;
  const f = faultOf(e);
  if (f) {
    if (f.type === 'InvalidLogin') return new VcenterError(`login failed for ${ctx.username}: wrong user name or password`, f.type, { cause: e });
    if (f.type === 'NotAuthenticated') return new VcenterError('session not authenticated (expired or logged out)', f.type, { cause: e });
    return new VcenterError(`SOAP fault ${f.type ?? 'unknown'}${f.message ? `: ${lib(f.message)}` : ''}`, f.type, { cause: e });
  }
  if (code && TLS_CODES[code]) return new VcenterError(`untrusted TLS certificate (${TLS_CODES[code]}) at ${host}: give its CA in ca-file, or set insecure: true`, null, { cause: e });
  if (code === 'ECONNREFUSED') return new VcenterError(`connection refused by ${host}`, null, { cause: e });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new VcenterError(`cannot resolve ${new URL(ctx.url).hostname}`, null, { cause: e });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new VcenterError(`${host} unreachable`, null, { cause: e });
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(err?.message ?? '')) return new VcenterError(`no answer from ${host} within ${Math.round(ctx.timeoutMs / 100) / 10}s`, null, { cause: e });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_BAD_RESPONSE' || /socket hang up|aborted|premature close|stream has been aborted/i.test(err?.message ?? ''))
    return new VcenterError(`connection to ${host} closed mid-response`, null, { cause: e });
  const headers = err?.response?.headers ?? ctx.lastHeaders ?? {};
  const ctype = String(headers['content-type'] ?? '');
  const body = typeof err?.body === 'string' ? err.body : typeof ctx.lastBody === 'string' ? ctx.lastBody : '';
  const status = err?.response?.status;
  if (status && status >= 300 && status < 400) {
    const to = String(err?.response?.headers?.location ?? headers.location ?? '');
    return new VcenterError(`${host} redirects${to ? ` to ${lib(to)}` : ''}: give the SDK endpoint (https://<vcenter>/sdk) as url`, null, { cause: e });
  }
  if (/html/i.test(ctype) || /^\s*<(!doctype html|html)/i.test(body))
    return new VcenterError(`${host} answered with an HTML page, not SOAP (status ${status ?? "?"}): is the URL the vCenter /sdk endpoint?`, null, { cause: e });
  if (status && status >= 400) return new VcenterError(`HTTP ${status} from ${host}`, null, { cause: e });
  const msg = typeof err?.message === 'string' && err.message ? err.message : null;
  if (!msg || /Cannot parse response|Unexpected|Non-whitespace|Text data outside/i.test(msg)) {
    const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 80);
    return new VcenterError(`${host} answered with something that is not SOAP${status ? ` (status ${status})` : ''}${snippet ? `: "${lib(snippet)}"` : ''}`, null, { cause: e });
  }
  return new VcenterError(lib(msg), null, { cause: e });
}

export interface SessionOptions {
  log?: (line: string) => void;
  now?: () => number;
  /** The largest SOAP answer read (default: responseLimit(page-size)). */
  maxResponseBytes?: number;
}

/**
 * TLS options that trust ca-file next to the CAs node trusts by default. `ca: [...rootCertificates, ca]`
 * says that too, but parses all ~140 root PEMs again on every poll (30–45 ms here); a default context
 * already holds them parsed, and node's addCACert copies that store before adding to it. The native
 * handle is not documented API: without it, the list it is.
 */
async function trustWithCa(ca: string): Promise<{ secureContext: SecureContext } | { ca: string[] }> {
  const { createSecureContext, rootCertificates } = await import('node:tls');
  const ctx = createSecureContext({});
  const native = (ctx as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return { ca: [...rootCertificates, ca] };
  native.addCACert(ca);
  return { secureContext: ctx };
}

/** One HTTP exchange: the answer as it came (status, headers, body text). */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A request on the wire that can be cancelled (the next inventory page while this one is read). */
interface InFlight {
  method: string;
  answer: Promise<Answer>;
  /** Resolves once the request is written to the socket (or has failed): from then on the server works on it. */
  sent: Promise<void>;
  cancel(): void;
}

/** Thrown into a request cancelled by the poll itself (never shown: the poll already failed). */
class Cancelled extends Error {}

const SOAP_ACTION = `"urn:vim25/${VIM_VERSION}"`;

/**
 * One vCenter session for one poll. `open()` logs in (or revives a kept session), `call()` runs one
 * SOAP method, `retrieve()` reads a RetrievePropertiesEx result page by page, `close()` logs out unless
 * the session is kept — and always releases the agent.
 */
export class VimSession {
  roundTrips = 0;
  /** Round-trip time of the first call of this poll. */
  latencyMs: number | null = null;
  content!: ContentRefs;
  private agent!: HttpsAgent | HttpAgent;
  private secure = false;
  private cookie: string | null = null;
  private loggedIn = false;
  /**
   * The whole poll of this vCenter shares one deadline (its `timeout`): every SOAP exchange carries
   * this signal, which aborts the request in flight — also one that trickles bytes, which a per-read
   * timeout never ends.
   */
  private readonly budget = new AbortController();
  private budgetTimer: NodeJS.Timeout | null = null;
  private readonly maxBytes: number;
  private readonly host: string;

  constructor(
    readonly vc: VimEndpoint,
    private readonly memory: VcenterMemory,
    private readonly opts: SessionOptions = {},
  ) {
    this.maxBytes = opts.maxResponseBytes ?? responseLimit(vc.pageSize);
    this.host = new URL(vc.url).host;
  }

  /** Has the poll's deadline passed? */
  get expired(): boolean {
    return this.budget.signal.aborted;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /**
   * POST one envelope and read the whole answer (bounded by maxBytes, cut off as it arrives). Failures
   * of the exchange itself (network, TLS, deadline, size) reject with a VcenterError; what the answer
   * says is for the caller.
   */
  private exchange(method: string, body: string, signal: AbortSignal, onSent?: () => void): Promise<Answer> {
    if (signal.aborted) {
      onSent?.();
      return Promise.reject(this.abortError(method, signal));
    }
    this.roundTrips++;
    const t0 = performance.now();
    return new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string | number> = {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: SOAP_ACTION,
        accept: 'text/xml',
        'user-agent': 'simplemon',
        'content-length': Buffer.byteLength(body),
      };
      if (this.cookie) headers.cookie = this.cookie;
      const req = (this.secure ? httpsRequest : httpRequest)(this.vc.url, { method: 'POST', agent: this.agent, headers });
      let settled = false;
      // the request is handed to the socket on a later tick: `onSent` says when it is on its way
      if (onSent) req.once('finish', onSent);
      const finish = (e: unknown, answer?: Answer) => {
        if (settled) return;
        settled = true;
        onSent?.();
        signal.removeEventListener('abort', onAbort);
        if (e === undefined) {
          if (this.latencyMs === null) this.latencyMs = Math.round(performance.now() - t0);
          resolve(answer!);
          return;
        }
        req.destroy();
        reject(e);
      };
      const onAbort = () => finish(this.abortError(method, signal));
      signal.addEventListener('abort', onAbort, { once: true });
      const tooBig = () => new VcenterError(`answer from ${this.host} larger than ${mib(this.maxBytes)} (the limit for its page-size): cut off`);
      req.on('error', (e) => finish(describeError(e, this.errorContext())));
      req.on('response', (res) => {
        const declared = Number(res.headers['content-length']);
        if (declared > this.maxBytes) return finish(tooBig());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) return finish(tooBig());
          chunks.push(c);
        });
        res.on('end', () => {
          if (!res.complete) return finish(describeError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), this.errorContext()));
          let text = Buffer.concat(chunks, size).toString('utf8');
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, text });
        });
        res.on('error', (e) => finish(describeError(e, this.errorContext())));
        res.on('close', () => {
          if (!res.complete) finish(describeError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), this.errorContext()));
        });
      });
      req.end(body);
    });
  }

  private errorContext() {
    return { url: this.vc.url, timeoutMs: this.vc.timeoutMs, username: this.vc.username, password: this.vc.password, maxBytes: this.maxBytes };
  }

  private abortError(method: string, signal: AbortSignal): Error {
    if (signal.reason instanceof Cancelled) return signal.reason;
    // the poll's deadline (also through a page's combined signal), or a signal of its own (Logout's grace)
    const budget = this.budget.signal;
    return this.deadlineError(method, signal === budget || (budget.aborted && signal.reason === budget.reason) ? budget : signal);
  }

  /**
   * What a SOAP answer says: the method's result (the content of `<MethodResponse>`), or a VcenterError
   * for a fault (any status), a redirect, an HTML page, an HTTP error or something that is not SOAP.
   */
  private result(method: string, a: Answer): XmlValue | undefined {
    const status = a.status;
    const fail = (message: string, root?: unknown) =>
      describeError(Object.assign(new Error(message), { response: { status, headers: a.headers }, body: a.text, ...(root ? { root } : {}) }), { ...this.errorContext(), lastBody: a.text, lastHeaders: a.headers as Record<string, unknown> });
    if (status >= 300 && status < 400) throw fail(`HTTP ${status}`);
    let doc: XmlObject | null = null;
    if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*:)?Envelope[\s>]/.test(a.text)) {
      try {
        doc = parseXml(a.text);
      } catch {
        doc = null;
      }
    }
    const env = doc?.Envelope as XmlObject | undefined;
    const body = env && typeof env === 'object' ? (env.Body as XmlObject | undefined) : undefined;
    if (body && typeof body === 'object' && body.Fault !== undefined) throw fail(`SOAP fault`, doc);
    if (!body || typeof body !== 'object' || status !== 200) throw fail(status === 200 ? 'Cannot parse response' : `HTTP ${status}`);
    const res = body[`${method}Response`];
    if (res === undefined) throw fail('Cannot parse response');
    return typeof res === 'object' && !Array.isArray(res) ? (res as XmlObject).returnval as XmlValue | undefined : undefined;
  }

  /** Run one SOAP method on `self` (parameters after _this in `inner`); resolves with its returnval. */
  async call(method: string, self: Mor, inner = '', signal: AbortSignal = this.budget.signal): Promise<XmlValue | undefined> {
    const a = await this.exchange(method, envelope(method, self, inner), signal);
    return this.result(method, a);
  }

  /** Send one request without waiting for it; cancel() aborts it (awaiting `answer` then rejects). */
  private start(method: string, body: string): InFlight {
    const own = new AbortController();
    const signal = AbortSignal.any([this.budget.signal, own.signal]);
    let onSent!: () => void;
    const sent = new Promise<void>((resolve) => (onSent = resolve));
    const answer = this.exchange(method, body, signal, onSent);
    // awaited later (or settled in retrieve()'s clean-up); never an unhandled rejection meanwhile
    answer.catch(() => undefined);
    return { method, answer, sent, cancel: () => own.abort(new Cancelled(`${method} cancelled`)) };
  }

  /** A page's text, or the error its answer stands for (fault, HTML, HTTP error, another answer …). */
  private pageText(method: string, a: Answer): string {
    if (a.status === 200 && isRetrieveResult(a.text)) return a.text;
    // the quick look at the head was not sure: the generic reader decides (and throws unless it is one)
    this.result(method, a);
    return a.text;
  }

  /**
   * RetrievePropertiesEx with `specSet` (the PropertyFilterSpec elements), then
   * ContinueRetrievePropertiesEx while there is a token — one round trip per page, pipelined: the next
   * page is asked for as soon as this page's token is known (pageToken() finds it without reading the
   * page), and `readPage` reads this page while vCenter prepares the next. `readPage` returns the token
   * its full read found; it decides when the quick look could not (a token not first in the page).
   * On any failure, the page still in flight is cancelled and settled before the error is thrown: no
   * request outlives the poll. Resolves with the number of pages.
   */
  async retrieve(specSet: string, maxObjects: number, readPage: (xml: string, page: number) => string | null): Promise<number> {
    const pc = this.content.propertyCollector;
    let next: InFlight | null = this.start('RetrievePropertiesEx', envelope('RetrievePropertiesEx', pc, `${specSet}<options>${el('maxObjects', maxObjects)}</options>`));
    const follow = (token: string) => this.start('ContinueRetrievePropertiesEx', envelope('ContinueRetrievePropertiesEx', pc, el('token', token)));
    let pages = 0;
    try {
      while (next) {
        const current: InFlight = next;
        next = null;
        const text = this.pageText(current.method, await current.answer);
        pages++;
        const early = pageToken(text);
        if (early) {
          next = follow(early);
          // reading the page is synchronous: let the request leave first, so that vCenter works meanwhile
          await next.sent;
        }
        const token = readPage(text, pages);
        if (early === undefined || early === null) {
          if (token) next = follow(token);
        } else if (token !== early) {
          throw new VcenterError(`page ${pages} has two tokens (${early} first, ${token ?? 'none'} in full)`);
        }
      }
      return pages;
    } finally {
      if (next) {
        const pending: InFlight = next;
        pending.cancel();
        await pending.answer.catch(() => undefined);
      }
    }
  }

  private deadlineError(method: string, signal: AbortSignal, cause?: unknown): VcenterError {
    const why = signal === this.budget.signal ? 'timeout, for the whole poll of this vCenter' : 'the grace after the poll';
    const ms = signal === this.budget.signal ? this.vc.timeoutMs : Math.min(LOGOUT_GRACE_MS, this.vc.timeoutMs);
    return new VcenterError(`no answer from ${this.host} within ${Math.round(ms / 100) / 10}s (${why}): ${method} unfinished`, null, { cause: cause ?? signal.reason });
  }

  /** Start the poll's deadline (open() does it; the timer is cleared by close()). */
  private startBudget(): void {
    if (this.budgetTimer || this.budget.signal.aborted) return;
    this.budgetTimer = setTimeout(() => this.budget.abort(new Error(`deadline of ${this.vc.timeoutMs} ms`)), this.vc.timeoutMs);
  }

  async open(): Promise<void> {
    const vc = this.vc;
    this.secure = vc.url.startsWith('https:');
    if (this.secure) {
      let ca: string | undefined;
      if (vc.caFile && !vc.insecure) {
        try {
          ca = readFileSync(vc.caFile, 'utf8');
        } catch (e) {
          throw new VcenterError(`cannot read ca-file ${vc.caFile}: ${(e as Error).message}`, null, { cause: e });
        }
      }
      this.agent = new HttpsAgent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: !vc.insecure, ...(ca ? await trustWithCa(ca) : {}) });
    } else {
      this.agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    }
    this.startBudget();

    const mem = this.memory;
    if (mem.url !== vc.url || mem.username !== vc.username) {
      // another vCenter or user under this name: nothing kept applies
      mem.content = undefined;
      mem.cookie = null;
    }
    mem.url = vc.url;
    mem.username = vc.username;

    if (!mem.content || this.now() - mem.content.fetchedAt > CONTENT_MAX_AGE_MS) await this.retrieveContent();
    this.content = mem.content!;
    if (!vc.keepSession && mem.cookie) {
      // keep-session was turned off: end the session kept until now instead of leaving it to expire
      this.cookie = mem.cookie;
      mem.cookie = null;
      await this.call('Logout', this.content.sessionManager).catch(() => undefined);
    }
    if (vc.keepSession && mem.cookie) {
      this.cookie = mem.cookie;
      this.loggedIn = true; // to be proven by the first call; see withSession()
      return;
    }
    await this.login();
  }

  private async retrieveContent(): Promise<void> {
    const sc = (await this.call('RetrieveServiceContent', mor('ServiceInstance', 'ServiceInstance'))) as Record<string, unknown> | undefined;
    if (!sc || typeof sc !== 'object' || !sc.rootFolder || !sc.propertyCollector) throw new VcenterError('RetrieveServiceContent returned no service content (is this a vCenter /sdk endpoint?)');
    if (!sc.viewManager || !sc.sessionManager || !sc.perfManager) throw new VcenterError('this endpoint has no ViewManager/SessionManager/PerformanceManager (an ESXi host or an old vCenter?)');
    const about = (sc.about ?? {}) as Record<string, unknown>;
    const ref = (v: unknown): Mor => {
      const o = v as { attributes?: { type?: unknown }; $value?: unknown };
      return mor(String(o?.attributes?.type ?? ''), String(o?.$value ?? ''));
    };
    this.memory.content = {
      rootFolder: ref(sc.rootFolder),
      propertyCollector: ref(sc.propertyCollector),
      viewManager: ref(sc.viewManager),
      sessionManager: ref(sc.sessionManager),
      perfManager: ref(sc.perfManager),
      version: typeof about.version === 'string' ? about.version : null,
      apiVersion: typeof about.apiVersion === 'string' ? about.apiVersion : null,
      fetchedAt: this.now(),
    };
  }

  private async login(): Promise<void> {
    this.cookie = null;
    const body = envelope('Login', this.content.sessionManager, el('userName', this.vc.username) + el('password', this.vc.password));
    const a = await this.exchange('Login', body, this.budget.signal);
    this.result('Login', a);
    const setCookie = a.headers['set-cookie'];
    const list = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
    // real vCenter quotes the value: send the name=value pair back verbatim
    const pair = list.map((c: string) => c.split(';')[0].trim()).find((c: string) => c.startsWith('vmware_soap_session='));
    if (!pair) throw new VcenterError('login answered without a vmware_soap_session cookie');
    this.cookie = pair;
    this.loggedIn = true;
    if (this.vc.keepSession) this.memory.cookie = pair;
  }

  /**
   * Run `fn`; when a kept session turns out to be expired (NotAuthenticated), log in again once
   * and run it again.
   */
  async withSession<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof VcenterError) || e.faultType !== 'NotAuthenticated' || !this.vc.keepSession || !this.memory.cookie) throw e;
      this.opts.log?.(`[vcenter ${this.vc.name}] kept session expired; logging in again`);
      this.memory.cookie = null;
      await this.login();
      return await fn();
    }
  }

  /** True when the session stays open after this poll (keep-session). */
  get kept(): boolean {
    return this.vc.keepSession && this.loggedIn && Boolean(this.memory.cookie);
  }

  /**
   * Log out unless the session is kept; never throws. Always releases the sockets. Logout has a grace
   * of its own (LOGOUT_GRACE_MS), also after the deadline: best effort, never a hang. Calling it again
   * returns the same promise (the collector starts it before mapping and awaits it in a finally).
   */
  close(): Promise<void> {
    return (this.closing ??= this.logoutAndRelease());
  }

  private closing: Promise<void> | null = null;

  private async logoutAndRelease(): Promise<void> {
    if (this.budgetTimer) clearTimeout(this.budgetTimer);
    try {
      if (this.loggedIn && !this.vc.keepSession) {
        try {
          await this.call('Logout', this.content.sessionManager, '', AbortSignal.timeout(Math.min(LOGOUT_GRACE_MS, this.vc.timeoutMs)));
        } catch (e) {
          this.opts.log?.(`[vcenter ${this.vc.name}] logout failed: ${(e as Error).message}`);
        }
        this.loggedIn = false;
      }
    } finally {
      this.agent?.destroy();
    }
  }
}

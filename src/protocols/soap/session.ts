// A vSphere SOAP session: the only file that loads the `soap` package (dynamically, so that `status`
// and `--help` never pay for it). It carries the session cookie on every call (the soap package has
// no cookie jar), verifies TLS unless told not to, keeps one keep-alive agent for the poll, counts
// round trips, turns every failure into one clear sentence, and logs out in `close()` — which the
// collector calls in a `finally`. With keep-session, the cookie and the service content are kept in the
// collector's memory (the state file, mode 0600) and reused until vCenter expires the session.
import { maskSecrets } from '../../util/secrets.js';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Client } from 'soap';
import { envelopeContent, isRetrieveResult } from './xml.js';
import { packageFile } from '../../util/paths.js';

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

/** A managed object reference as the soap package reads and writes it. */
export interface Mor {
  attributes: { type: string };
  $value: string;
}

export function mor(type: string, value: string): Mor {
  return { attributes: { type }, $value: value };
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

const WSDL = packageFile('wsdl/vim25/vimService.wsdl');

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

interface SoapModule {
  createClientAsync(url: string, options?: Record<string, unknown>): Promise<Client>;
}

/**
 * The inventory answer is the one big document of a poll (15 MB for 5,000 VMs in the simulator).
 * The soap package reads it with sax and a schema lookup per element (~100 ms per MB); xml.ts reads
 * it several times faster into the same shapes. Only non-fault RetrievePropertiesEx and
 * ContinueRetrievePropertiesEx answers take this path; the soap package still builds every request,
 * does the HTTP, and reads every other answer, fault and error page.
 */
function useFastRetrieveReader(client: Client): void {
  const wsdl = (client as unknown as { wsdl?: { xmlToObject: (xml: unknown, cb?: unknown) => unknown; simplemonFastReader?: boolean } }).wsdl;
  if (!wsdl || wsdl.simplemonFastReader) return;
  const original = wsdl.xmlToObject.bind(wsdl);
  wsdl.xmlToObject = (xml: unknown, cb?: unknown) => {
    if (typeof xml === 'string' && cb === undefined && isRetrieveResult(xml)) return envelopeContent(xml);
    return original(xml, cb);
  };
  wsdl.simplemonFastReader = true;
}

let soapModule: Promise<SoapModule> | null = null;
function loadSoap(): Promise<SoapModule> {
  soapModule ??= import('soap').then((m) => ((m as unknown as { default?: SoapModule }).default ?? (m as unknown as SoapModule)));
  return soapModule;
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
  if (/maxContentLength size of \d+ exceeded/.test(err?.message ?? ''))
    return new VcenterError(`answer from ${host} larger than ${mib(ctx.maxBytes ?? 0)} (the limit for its page-size): cut off`, null, { cause: e });
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
 * One vCenter session for one poll. `open()` logs in (or revives a kept session), `call()` runs one
 * SOAP method, `close()` logs out unless the session is kept — and always releases the agent.
 */
export class VimSession {
  roundTrips = 0;
  /** Round-trip time of the first call of this poll. */
  latencyMs: number | null = null;
  content!: ContentRefs;
  private client!: Client;
  private agent!: HttpsAgent | HttpAgent;
  private loggedIn = false;
  private reqOptions: Record<string, unknown> = {};
  /**
   * The whole poll of this vCenter shares one deadline (its `timeout`): every SOAP exchange carries
   * this signal, which aborts the request in flight — also one that trickles bytes, which a per-read
   * timeout never ends.
   */
  private readonly budget = new AbortController();
  private budgetTimer: NodeJS.Timeout | null = null;
  private readonly maxBytes: number;

  constructor(
    readonly vc: VimEndpoint,
    private readonly memory: VcenterMemory,
    private readonly opts: SessionOptions = {},
  ) {
    this.maxBytes = opts.maxResponseBytes ?? responseLimit(vc.pageSize);
  }

  /** Has the poll's deadline passed? */
  get expired(): boolean {
    return this.budget.signal.aborted;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** Run one SOAP method; failures become a VcenterError with a clear message. */
  async call<T = Record<string, unknown>>(method: string, args: Record<string, unknown>, signal: AbortSignal = this.budget.signal): Promise<T> {
    const fn = (this.client as unknown as Record<string, (a: unknown, o: unknown) => Promise<[T]>>)[`${method}Async`];
    if (typeof fn !== 'function') throw new VcenterError(`method ${method} is not in the WSDL`);
    if (signal.aborted) throw this.deadlineError(method, signal);
    this.roundTrips++;
    const t0 = performance.now();
    try {
      const [res] = await fn.call(this.client, args, { ...this.reqOptions, signal });
      if (this.latencyMs === null) this.latencyMs = Math.round(performance.now() - t0);
      const location = (this.client as unknown as { lastResponseHeaders?: Record<string, unknown> | null }).lastResponseHeaders?.location;
      if (location) throw new VcenterError(`${new URL(this.vc.url).host} redirects to ${String(location)}: give the SDK endpoint (https://<vcenter>/sdk) as url`);
      return (res ?? {}) as T;
    } catch (e) {
      if (signal.aborted) throw this.deadlineError(method, signal, e);
      const c = this.client as unknown as { lastResponse?: unknown; lastResponseHeaders?: Record<string, unknown> | null };
      throw describeError(e, { url: this.vc.url, timeoutMs: this.vc.timeoutMs, username: this.vc.username, password: this.vc.password, lastBody: c.lastResponse, lastHeaders: c.lastResponseHeaders, maxBytes: this.maxBytes });
    }
  }

  private deadlineError(method: string, signal: AbortSignal, cause?: unknown): VcenterError {
    const host = new URL(this.vc.url).host;
    const why = signal === this.budget.signal ? 'timeout, for the whole poll of this vCenter' : 'the grace after the poll';
    const ms = signal === this.budget.signal ? this.vc.timeoutMs : Math.min(LOGOUT_GRACE_MS, this.vc.timeoutMs);
    return new VcenterError(`no answer from ${host} within ${Math.round(ms / 100) / 10}s (${why}): ${method} unfinished`, null, { cause: cause ?? signal.reason });
  }

  /** Start the poll's deadline (open() does it; the timer is cleared by close()). */
  private startBudget(): void {
    if (this.budgetTimer || this.budget.signal.aborted) return;
    this.budgetTimer = setTimeout(() => this.budget.abort(new Error(`deadline of ${this.vc.timeoutMs} ms`)), this.vc.timeoutMs);
  }

  private setCookie(cookie: string | null): void {
    this.client.clearHttpHeaders();
    if (cookie) this.client.addHttpHeader('Cookie', cookie);
  }

  async open(): Promise<void> {
    const vc = this.vc;
    const secure = vc.url.startsWith('https:');
    if (secure) {
      let ca: string | undefined;
      if (vc.caFile && !vc.insecure) {
        try {
          ca = readFileSync(vc.caFile, 'utf8');
        } catch (e) {
          throw new VcenterError(`cannot read ca-file ${vc.caFile}: ${(e as Error).message}`, null, { cause: e });
        }
      }
      // the system CAs stay trusted next to ca-file (tls.rootCertificates is the default list)
      const { rootCertificates } = await import('node:tls');
      this.agent = new HttpsAgent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: !vc.insecure, ...(ca ? { ca: [...rootCertificates, ca] } : {}) });
    } else {
      this.agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    }
    // `timeout` is axios' per-read timer; the deadline (the signal in call()) bounds the whole exchange
    this.reqOptions = { timeout: vc.timeoutMs, httpsAgent: this.agent, httpAgent: this.agent, maxRedirects: 0, maxContentLength: this.maxBytes, maxBodyLength: Infinity };
    const soap = await loadSoap();
    this.client = await soap.createClientAsync(WSDL, { endpoint: vc.url, disableCache: false, returnFault: true, escapeXML: true, wsdl_options: {} });
    useFastRetrieveReader(this.client);
    // the deadline covers the network, not loading the soap package and the WSDL (local, bounded work
    // that the first poll of a process pays, slower on a loaded machine whatever vCenter does)
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
      this.setCookie(mem.cookie);
      mem.cookie = null;
      await this.call('Logout', { _this: this.content.sessionManager }).catch(() => undefined);
    }
    if (vc.keepSession && mem.cookie) {
      this.setCookie(mem.cookie);
      this.loggedIn = true; // to be proven by the first call; see withSession()
      return;
    }
    await this.login();
  }

  private async retrieveContent(): Promise<void> {
    const res = await this.call<{ returnval?: Record<string, unknown> }>('RetrieveServiceContent', { _this: mor('ServiceInstance', 'ServiceInstance') });
    const sc = res.returnval;
    if (!sc || !sc.rootFolder || !sc.propertyCollector) throw new VcenterError('RetrieveServiceContent returned no service content (is this a vCenter /sdk endpoint?)');
    if (!sc.viewManager || !sc.sessionManager || !sc.perfManager) throw new VcenterError('this endpoint has no ViewManager/SessionManager/PerformanceManager (an ESXi host or an old vCenter?)');
    const about = (sc.about ?? {}) as Record<string, unknown>;
    this.memory.content = {
      rootFolder: sc.rootFolder as Mor,
      propertyCollector: sc.propertyCollector as Mor,
      viewManager: sc.viewManager as Mor,
      sessionManager: sc.sessionManager as Mor,
      perfManager: sc.perfManager as Mor,
      version: typeof about.version === 'string' ? about.version : null,
      apiVersion: typeof about.apiVersion === 'string' ? about.apiVersion : null,
      fetchedAt: this.now(),
    };
  }

  private async login(): Promise<void> {
    this.setCookie(null);
    await this.call('Login', { _this: this.content.sessionManager, userName: this.vc.username, password: this.vc.password });
    const setCookie = (this.client as unknown as { lastResponseHeaders?: Record<string, unknown> }).lastResponseHeaders?.['set-cookie'];
    const list = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
    // real vCenter quotes the value: send the name=value pair back verbatim
    const pair = list.map((c: string) => c.split(';')[0].trim()).find((c: string) => c.startsWith('vmware_soap_session='));
    if (!pair) throw new VcenterError('login answered without a vmware_soap_session cookie');
    this.setCookie(pair);
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
   * of its own (LOGOUT_GRACE_MS), also after the deadline: best effort, never a hang.
   */
  async close(): Promise<void> {
    if (this.budgetTimer) clearTimeout(this.budgetTimer);
    try {
      if (this.loggedIn && !this.vc.keepSession) {
        try {
          await this.call('Logout', { _this: this.content.sessionManager }, AbortSignal.timeout(Math.min(LOGOUT_GRACE_MS, this.vc.timeoutMs)));
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

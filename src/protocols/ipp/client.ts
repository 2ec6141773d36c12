// A small IPP client (RFC 8011 operations over RFC 8010 encoding, IPP over HTTP POST) for reading
// printer job queues. simplemon has its own because the npm IPP packages are unmaintained: they
// declare Node < 4 and have neither timeouts nor a size limit.
//
// Every request has:
//   - a deadline for the WHOLE operation (connect, TLS, send, headers, body): one timer destroys the
//     request, so a server that trickles a byte every half second still fails on time (a socket idle
//     timeout would never fire);
//   - a size limit: a Content-Length over it, or the body growing past it, aborts at once, so memory
//     stays bounded by the limit plus one chunk;
//   - TLS verification for ipps:// (system CAs plus an optional private CA) unless `insecure`;
//   - HTTP Basic auth when `user` is given; the password never appears in an error.
// Failures are IppError with one clear sentence and the underlying error as `cause`.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { decodeResponse, encodeRequest, IppDecodeError, isSuccess, OPERATIONS, findAttribute, type IppResponse, type WhichJobs } from './encoding.js';
import { JOB_ATTRIBUTES, PRINTER_ATTRIBUTES, jobsFromResponse, printerFromResponse, type IppJob, type IppPrinterInfo } from './jobs.js';

export type { IppJob, IppJobState, IppPrinterInfo } from './jobs.js';

export type IppErrorKind = 'usage' | 'timeout' | 'too-large' | 'network' | 'tls' | 'http' | 'auth' | 'ipp' | 'decode' | 'aborted';

export class IppError extends Error {
  constructor(
    message: string,
    readonly kind: IppErrorKind,
    options?: { cause?: unknown; httpStatus?: number; ippStatus?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IppError';
    this.httpStatus = options?.httpStatus ?? null;
    this.ippStatus = options?.ippStatus ?? null;
  }
  readonly httpStatus: number | null;
  readonly ippStatus: string | null;
}

export const IPP_DEFAULTS = { timeoutMs: 10_000, maxBytes: 8 * 1024 * 1024, requestingUserName: 'simplemon' };

export interface IppOptions {
  /** Deadline for the whole operation (default 10 s). */
  timeoutMs?: number;
  /** Largest response accepted (default 8 MiB). */
  maxBytes?: number;
  /** HTTP Basic login. */
  user?: string | null;
  password?: string | null;
  /** A PEM CA trusted for ipps:// in addition to the system CAs. */
  ca?: string | Buffer | null;
  /** Do not verify the server's certificate. */
  insecure?: boolean;
  /** requesting-user-name (default: `user`, else "simplemon"). */
  requestingUserName?: string | null;
  /** IPP version to speak first (default 2.0; a server that refuses it is asked again in 1.1). */
  version?: '2.0' | '1.1';
  signal?: AbortSignal;
}

export interface GetJobsOptions extends IppOptions {
  /** default `not-completed` */
  whichJobs?: WhichJobs;
  limit?: number | null;
}

export interface GetJobsResult {
  /** the IPP status name, e.g. successful-ok */
  status: string;
  jobs: IppJob[];
  /** true when the server withheld other users' job names, users and hosts */
  hidden: boolean;
}

export interface PrinterAttributesResult extends IppPrinterInfo {
  status: string;
}

interface Target {
  tls: boolean;
  host: string;
  port: number;
  path: string;
  /** host:port as messages show it */
  where: string;
  /** The printer-uri sent inside the request (ipp: or ipps:). */
  printerUri: string;
}

/** ipp://host[:631]/path → http, ipps:// → https (default port 631 for both, RFC 8010 §4 / RFC 7472). */
export function parsePrinterUri(printerUri: string): Target {
  let u: URL;
  try {
    u = new URL(printerUri);
  } catch (e) {
    throw new IppError(`not a printer URI: ${JSON.stringify(printerUri)} (expected ipp://host/path or ipps://host/path)`, 'usage', { cause: e });
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!['ipp', 'ipps', 'http', 'https'].includes(scheme)) throw new IppError(`unsupported scheme "${scheme}:" in a printer URI (use ipp:// or ipps://)`, 'usage');
  // never echo a URI carrying a password
  if (u.username || u.password) throw new IppError('the printer URI carries a login: give it as ipp-user and ipp-password-file instead', 'usage');
  if (!u.hostname) throw new IppError(`no host in printer URI ${JSON.stringify(printerUri)}`, 'usage');
  const tls = scheme === 'ipps' || scheme === 'https';
  const defaultPort = scheme === 'http' ? 80 : scheme === 'https' ? 443 : 631;
  const port = u.port ? Number(u.port) : defaultPort;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const path = (u.pathname || '/') + (u.search || '');
  const ippScheme = tls ? 'ipps' : 'ipp';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { tls, host, port, path, where: `${hostPart}:${port}`, printerUri: `${ippScheme}://${hostPart}${port === 631 ? '' : `:${port}`}${path}` };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / 1024 / 1024).toFixed(1))} MiB` : `${Number((bytes / 1024).toFixed(1))} KiB`;
}

const TLS_UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

/** A network or TLS error → one sentence (the password is in no node error: it only travels in a header). */
function networkError(e: NodeJS.ErrnoException, t: Target): IppError {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return new IppError(`connection refused by ${t.where}`, 'network', { cause: e });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new IppError(`host name ${t.host} not found`, 'network', { cause: e });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new IppError(`${t.where} is unreachable`, 'network', { cause: e });
  if (code === 'ECONNRESET' || code === 'EPIPE') return new IppError(`${t.where} closed the connection before answering`, 'network', { cause: e });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new IppError(`the certificate of ${t.where} is not for ${t.host}: ${e.message}`, 'tls', { cause: e });
  if (code === 'CERT_HAS_EXPIRED') return new IppError(`the certificate of ${t.where} has expired`, 'tls', { cause: e });
  if (TLS_UNTRUSTED.has(code)) return new IppError(`the certificate of ${t.where} is not trusted (${code}): give its CA as ca-file`, 'tls', { cause: e });
  if (/ssl|tls|certificate/i.test(`${code} ${e.message}`)) return new IppError(`TLS with ${t.where} failed: ${e.message}`, 'tls', { cause: e });
  return new IppError(`request to ${t.where} failed: ${e.message}`, 'network', { cause: e });
}

function httpError(res: IncomingMessage, t: Target, o: IppOptions): IppError {
  const status = res.statusCode ?? 0;
  if (status === 401) {
    return o.user
      ? new IppError(`HTTP 401: ${t.where} refused the login of user "${o.user}" (check ipp-user and ipp-password-file)`, 'auth', { httpStatus: 401 })
      : new IppError('HTTP 401: the server wants a login (set ipp-user and ipp-password-file)', 'auth', { httpStatus: 401 });
  }
  if (status === 403) return new IppError(`HTTP 403: ${t.where} forbids access to ${t.path}`, 'auth', { httpStatus: 403 });
  if (status === 404) return new IppError(`HTTP 404: no IPP service at ${t.path} on ${t.where}`, 'http', { httpStatus: 404 });
  if (status === 426) return new IppError(`HTTP 426: ${t.where} requires encryption: use ipps://`, 'http', { httpStatus: 426 });
  return new IppError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} from ${t.where}`, 'http', { httpStatus: status });
}

/**
 * POST one IPP message and read the whole answer, within the deadline and the size limit.
 * Resolves to the raw body of an HTTP 200 answer.
 */
function post(t: Target, body: Uint8Array, o: IppOptions, deadline: number): Promise<Buffer> {
  const maxBytes = o.maxBytes ?? IPP_DEFAULTS.maxBytes;
  const timeoutMs = o.timeoutMs ?? IPP_DEFAULTS.timeoutMs;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    let received = 0;
    let answered = false;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/ipp',
      'Content-Length': body.length,
      Accept: 'application/ipp',
    };
    if (o.user) headers.Authorization = `Basic ${Buffer.from(`${o.user}:${o.password ?? ''}`, 'utf8').toString('base64')}`;
    const common = { host: t.host, port: t.port, path: t.path, method: 'POST', headers, agent: false as const };
    const req = t.tls
      ? httpsRequest({ ...common, rejectUnauthorized: !o.insecure, ...(o.ca ? { ca: [...rootCerts(), o.ca.toString()] } : {}) })
      : httpRequest(common);

    const finish = (err: IppError | null, value?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const timer = setTimeout(
      () =>
        finish(
          answered
            ? new IppError(`the answer from ${t.where} did not complete within ${seconds(timeoutMs)} (${received} bytes received)`, 'timeout')
            : new IppError(`no answer from ${t.where} within ${seconds(timeoutMs)}`, 'timeout'),
        ),
      Math.max(0, deadline - Date.now()),
    );
    const onAbort = (): void => finish(new IppError(`request to ${t.where} aborted`, 'aborted', { cause: o.signal?.reason }));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (e) => finish(networkError(e, t)));
    req.on('response', (res) => {
      answered = true;
      if (res.statusCode !== 200) return finish(httpError(res, t, o));
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) return finish(new IppError(`response larger than ${mib(maxBytes)} (Content-Length ${declared}) from ${t.where}`, 'too-large'));
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        received += c.length;
        if (received > maxBytes) return finish(new IppError(`response larger than ${mib(maxBytes)} from ${t.where}`, 'too-large'));
        chunks.push(c);
      });
      res.on('end', () => finish(null, Buffer.concat(chunks, received)));
      res.on('error', (e) => finish(networkError(e, t)));
      res.on('close', () => {
        if (!res.complete) finish(new IppError(`${t.where} closed the connection in the middle of its answer (${received} bytes received)`, 'network'));
      });
    });
    req.end(body);
  });
}

let tlsRoots: string[] | null = null;
/** The system CAs (node's default list): kept trusted next to a private `ca`. */
function rootCerts(): string[] {
  return tlsRoots ?? [];
}
async function loadRootCerts(): Promise<void> {
  if (!tlsRoots) tlsRoots = [...(await import('node:tls')).rootCertificates];
}

let nextRequestId = 1;

/**
 * One IPP operation against a printer URI: encode, POST, decode, and turn an IPP error status into
 * an IppError. A server that answers server-error-version-not-supported to 2.0 is asked again in 1.1,
 * within the same deadline.
 */
export async function ippOperation(
  printerUri: string,
  operationId: number,
  spec: { whichJobs?: WhichJobs | null; requestedAttributes?: string[]; limit?: number | null },
  o: IppOptions,
): Promise<IppResponse> {
  const t = parsePrinterUri(printerUri);
  const timeoutMs = o.timeoutMs ?? IPP_DEFAULTS.timeoutMs;
  if (!(timeoutMs > 0)) throw new IppError(`timeout must be positive, got ${timeoutMs}`, 'usage');
  const deadline = Date.now() + timeoutMs;
  if (t.tls && o.ca) await loadRootCerts();
  let version = o.version ?? '2.0';
  for (;;) {
    const requestId = nextRequestId;
    nextRequestId = nextRequestId >= 0x7fffffff ? 1 : nextRequestId + 1;
    const body = encodeRequest({
      version,
      operationId,
      requestId,
      printerUri: t.printerUri,
      requestingUserName: o.requestingUserName ?? o.user ?? IPP_DEFAULTS.requestingUserName,
      whichJobs: spec.whichJobs ?? null,
      requestedAttributes: spec.requestedAttributes ?? null,
      limit: spec.limit ?? null,
    });
    const raw = await post(t, body, o, deadline);
    let resp: IppResponse;
    try {
      resp = decodeResponse(raw);
    } catch (e) {
      if (e instanceof IppDecodeError) throw new IppError(`${t.where} sent an answer that is not valid IPP (${e.message})`, 'decode', { cause: e });
      throw e;
    }
    if (resp.code === 0x0503 && version === '2.0') {
      version = '1.1';
      continue;
    }
    if (!isSuccess(resp.code)) throw statusError(resp, t);
    return resp;
  }
}

function statusError(resp: IppResponse, t: Target): IppError {
  const op = resp.groups.find((g) => g.name === 'operation');
  const msgValue = findAttribute(op, 'status-message')?.values[0];
  const serverSays = typeof msgValue === 'string' ? msgValue : typeof msgValue === 'object' && msgValue && 'text' in msgValue ? String(msgValue.text) : null;
  const name = resp.statusName;
  const opts = { ippStatus: name };
  switch (name) {
    case 'client-error-not-found':
      return new IppError(`IPP client-error-not-found: no such queue ${t.path} on ${t.where}`, 'ipp', opts);
    case 'client-error-not-authenticated':
      return new IppError(`IPP client-error-not-authenticated: ${t.where} wants a login (set ipp-user and ipp-password-file)`, 'auth', opts);
    case 'client-error-not-authorized':
    case 'client-error-forbidden':
      return new IppError(`IPP ${name}: ${t.where} does not let this user read ${t.path}${serverSays ? ` (${serverSays})` : ''}`, 'auth', opts);
    default:
      return new IppError(`IPP ${name} from ${t.where}${serverSays ? `: ${serverSays}` : ''}`, 'ipp', opts);
  }
}

/** Get-Jobs (RFC 8011 §4.2.6): the jobs of one queue, default the not-completed ones. */
export async function getJobs(printerUri: string, opts: GetJobsOptions = {}): Promise<GetJobsResult> {
  const whichJobs = opts.whichJobs ?? 'not-completed';
  if (!['not-completed', 'completed', 'all'].includes(whichJobs)) throw new IppError(`which-jobs must be not-completed, completed or all, got ${JSON.stringify(whichJobs)}`, 'usage');
  const resp = await ippOperation(printerUri, OPERATIONS['Get-Jobs'], { whichJobs, requestedAttributes: JOB_ATTRIBUTES, limit: opts.limit ?? null }, opts);
  const { jobs, hidden } = jobsFromResponse(resp, new Date());
  return { status: resp.statusName, jobs, hidden };
}

/** Get-Printer-Attributes (RFC 8011 §4.2.5): name, state, state reasons and message, queued-job-count. */
export async function getPrinterAttributes(printerUri: string, opts: IppOptions = {}): Promise<PrinterAttributesResult> {
  const resp = await ippOperation(printerUri, OPERATIONS['Get-Printer-Attributes'], { requestedAttributes: PRINTER_ATTRIBUTES }, opts);
  return { status: resp.statusName, ...printerFromResponse(resp) };
}

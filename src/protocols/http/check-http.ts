// HTTP(S) check: status code, keyword, redirects, response time and the TLS certificate's days left.
//
// node:http/node:https rather than fetch, because the check needs the peer certificate and the TLS
// verification error even when it refuses the certificate. Each hop opens its own connection: for
// https, the TLS handshake is made first (always with rejectUnauthorized: false, so that an expired or
// untrusted certificate can still be read), verified here, and only a verified connection (or one the
// caller marked insecure) is handed to http.request — so no request, header or credential is ever sent
// to a peer whose certificate was refused.
//
// One timer bounds the whole check (every hop, handshake and body read): a peer that trickles a byte at
// a time, or a long redirect chain, still ends at the deadline. The promise never rejects.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { describeNetError, formatDuration, hostPort } from '../net-errors.js';

export interface HttpCheckOptions {
  url: string;
  method?: 'GET' | 'HEAD';
  /** Accepted status codes; when absent or empty, 200–399. */
  expectStatus?: readonly number[];
  /** The body must contain this text (GET only: a HEAD response has no body). */
  keyword?: string;
  /** The body must not contain this text (GET only). */
  keywordAbsent?: string;
  /** Redirects followed, each hop counted (default 5; 0 follows none). */
  maxRedirects?: number;
  /** Whole-operation deadline, every hop included. */
  timeoutMs: number;
  /** Bytes of body read for the keyword search (default 1 MiB); reading stops there. */
  maxBytes?: number;
  /** Extra trusted CA certificates (PEM), on top of the system ones. */
  ca?: string;
  /** Accept any certificate: still read and reported (tlsError, certDaysLeft), but not a failure. */
  insecure?: boolean;
  /** Extra request headers; never echoed in results. Dropped when a redirect leaves the origin. */
  headers?: Readonly<Record<string, string>>;
  userAgent?: string;
  /** The clock for certificate days (ms since the epoch); Date.now by default. */
  now?: () => number;
}

export interface HttpResult {
  up: boolean;
  /** The final response's status code; null when no response came. */
  statusCode: number | null;
  /** From the start of the check to the final response's headers (or to the end of the body read for a keyword). */
  latencyMs: number | null;
  /** Redirects followed. */
  redirects: number;
  /** The URL of the last request made, with any password replaced by ***. */
  finalUrl: string;
  /** Whether `keyword` (else `keywordAbsent`) was found in the body; null when not searched. */
  keywordFound: boolean | null;
  /** Days until the leaf certificate of the last https hop expires (one decimal, negative once expired). */
  certDaysLeft: number | null;
  certSubject: string | null;
  certIssuer: string | null;
  /** Why the certificate failed verification; reported also with insecure (then not a failure). */
  tlsError: string | null;
  /** Why the check is not up (network failure, timeout, status, keyword, TLS); null when up. */
  error: string | null;
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BYTES = 1024 * 1024;
const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The URL without its password, for results and messages. */
export function redactUrl(u: URL | string): string {
  let url: URL;
  try {
    url = new URL(String(u));
  } catch {
    return String(u).replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
  if (url.password) url.password = '***';
  return url.href;
}

export function checkHttp(opts: HttpCheckOptions): Promise<HttpResult> {
  const now = opts.now ?? Date.now;
  const maxRedirects = opts.maxRedirects ?? 5;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const expect = opts.expectStatus && opts.expectStatus.length ? opts.expectStatus : null;
  const searchBody = (opts.keyword ?? '') !== '' || (opts.keywordAbsent ?? '') !== '';

  const result: HttpResult = {
    up: false, statusCode: null, latencyMs: null, redirects: 0, finalUrl: redactUrl(opts.url), keywordFound: null,
    certDaysLeft: null, certSubject: null, certIssuer: null, tlsError: null, error: null,
  };

  let first: URL;
  try {
    first = new URL(opts.url);
  } catch (e) {
    return Promise.resolve({ ...result, error: `invalid URL ${redactUrl(opts.url)}: ${(e as Error).message}` });
  }
  if (first.protocol !== 'http:' && first.protocol !== 'https:') {
    return Promise.resolve({ ...result, error: `unsupported URL scheme ${first.protocol} in ${redactUrl(first)} (http or https)` });
  }

  // OpenSSL skips text that is not a certificate without a word: say so rather than report "untrusted".
  if (opts.ca !== undefined && !/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(opts.ca)) {
    return Promise.resolve({ ...result, error: 'the ca given holds no PEM certificate (-----BEGIN CERTIFICATE-----)' });
  }

  return new Promise<HttpResult>((resolve) => {
    const t0 = performance.now();
    let settled = false;
    let socket: net.Socket | null = null;
    let req: http.ClientRequest | null = null;
    let phase = `connecting to ${first.host}`;
    const visited = new Set<string>();

    const finish = (error: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      socket?.destroy();
      result.error = error;
      result.up = error === null;
      resolve(result);
    };

    const timer = setTimeout(() => finish(`timed out after ${formatDuration(opts.timeoutMs)} ${phase}`), Math.max(0, opts.timeoutMs));

    const hop = (url: URL, method: 'GET' | 'HEAD', sendHeaders: Record<string, string>): void => {
      result.finalUrl = redactUrl(url);
      visited.add(url.href);
      const isHttps = url.protocol === 'https:';
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port) || (isHttps ? 443 : 80);
      const target = hostPort(host, port);
      phase = `connecting to ${target}`;

      // Kept for the socket's life (never removed), so that an error on it is never unhandled; an
      // error from an earlier hop's socket is ignored.
      const onSocketError = (s: net.Socket) => (err: Error): void => {
        if (socket === s) finish(describeNetError(err, target));
      };
      try {
        connect();
      } catch (e) {
        finish(`cannot connect to ${target}: ${(e as Error).message}`);
      }
      function connect(): void {
        if (isHttps) {
          const s = tls.connect({
            host, port,
            servername: net.isIP(host) ? undefined : host,
            secureContext: opts.ca ? contextWithCa(opts.ca) : undefined,
            rejectUnauthorized: false, // verified below, so that a refused certificate can still be read
            ALPNProtocols: ['http/1.1'],
          });
          socket = s;
          s.on('error', onSocketError(s));
          s.once('connect', () => { phase = `in the TLS handshake with ${target}`; });
          s.once('secureConnect', () => {
            const refused = inspectCertificate(s, host, result, now());
            if (refused && !opts.insecure) return finish(refused);
            request(url, method, sendHeaders, s, target);
          });
        } else {
          const s = net.connect({ host, port });
          socket = s;
          s.on('error', onSocketError(s));
          s.once('connect', () => {
            request(url, method, sendHeaders, s, target);
          });
        }
      }
    };

    const request = (url: URL, method: 'GET' | 'HEAD', sendHeaders: Record<string, string>, s: net.Socket, target: string): void => {
      phase = `waiting for the response from ${target}`;
      let r: http.ClientRequest;
      try {
        r = http.request({
        createConnection: () => s,
        method,
        path: `${url.pathname}${url.search}`,
        setHost: false,
        headers: { host: url.host, ...sendHeaders },
        auth: url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        });
      } catch (e) {
        // An invalid header name or value: the message names the header, never its value.
        return finish(`invalid request to ${redactUrl(url)}: ${(e as Error).message}`);
      }
      req = r;
      r.on('error', (err) => {
        if (req === r) finish(describeNetError(err, target));
      });
      r.once('response', (res) => {
        const status = res.statusCode ?? 0;
        result.statusCode = status;
        const location = res.headers.location;
        // maxRedirects 0: a redirect is the final answer (for expect-status 301, say).
        if (REDIRECT_CODES.has(status) && location && maxRedirects > 0) {
          res.resume();
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            return finish(`status ${status} with an invalid Location from ${redactUrl(url)}`);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            return finish(`redirect to unsupported scheme ${next.protocol} from ${redactUrl(url)}`);
          }
          if (result.redirects >= maxRedirects) {
            const loop = visited.has(next.href) ? ': a redirect loop' : '';
            return finish(`too many redirects (more than ${maxRedirects})${loop}, last to ${redactUrl(next)}`);
          }
          result.redirects++;
          r.destroy();
          s.destroy();
          // 303 turns a GET into a GET (and a HEAD stays a HEAD); credentials stay on their origin.
          const headersNext = next.origin === url.origin ? sendHeaders : dropSensitive(sendHeaders);
          return hop(next, method, headersNext);
        }

        const judge = (): void => {
          result.latencyMs = round1(performance.now() - t0);
          if (expect ? !expect.includes(status) : status < 200 || status > 399) {
            return finish(`status ${status}, expected ${expect ? expect.join(', ') : '200–399'}`);
          }
          if (opts.keyword && result.keywordFound === false) {
            return finish(`keyword "${opts.keyword}" not found${bytesNote(bodyBytes, maxBytes)}`);
          }
          if (opts.keywordAbsent && absentFound) return finish(`unwanted keyword "${opts.keywordAbsent}" found`);
          finish(null);
        };

        let bodyBytes = 0;
        let absentFound = false;
        if (!searchBody || method === 'HEAD') {
          res.destroy();
          return judge();
        }
        phase = `reading the body from ${target}`;
        const want = opts.keyword ? Buffer.from(opts.keyword) : null;
        const avoid = opts.keywordAbsent ? Buffer.from(opts.keywordAbsent) : null;
        const keep = Math.max(want?.length ?? 0, avoid?.length ?? 0) - 1;
        let tail = Buffer.alloc(0);
        let wantFound = false;
        let bodyDone = false;
        const done = (): void => {
          if (bodyDone) return;
          bodyDone = true; // before destroy(), which makes the response emit 'aborted'
          result.keywordFound = want ? wantFound : absentFound;
          res.destroy();
          judge();
        };
        res.on('data', (chunk: Buffer) => {
          if (settled || bodyDone) return;
          const room = maxBytes - bodyBytes;
          const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
          bodyBytes += part.length;
          // Search the seam between chunks too: the kept tail is one byte shorter than the longest keyword.
          const window = tail.length ? Buffer.concat([tail, part]) : part;
          if (want && !wantFound && window.includes(want)) wantFound = true;
          if (avoid && !absentFound && window.includes(avoid)) absentFound = true;
          tail = keep > 0 ? Buffer.from(window.subarray(Math.max(0, window.length - keep))) : Buffer.alloc(0);
          const decided = (!want || wantFound) && (!avoid || absentFound);
          if (decided || bodyBytes >= maxBytes) done();
        });
        res.once('end', done);
        res.on('error', (err) => { if (!bodyDone) finish(`${describeNetError(err, target)} while reading the body`); });
        res.once('aborted', () => { if (!bodyDone) finish(`connection closed by ${target} while reading the body`); });
      });
      r.end();
    };

    const headers: Record<string, string> = { 'user-agent': opts.userAgent ?? 'simplemon', accept: '*/*', ...lowerKeys(opts.headers ?? {}) };
    hop(first, opts.method ?? 'GET', headers);
  });
}

// A `ca` option replaces node's trust store, so the system roots go in with it; parsing ~140 roots
// costs milliseconds, so one context per distinct CA is kept for the life of the process.
const contexts = new Map<string, tls.SecureContext>();
function contextWithCa(ca: string): tls.SecureContext {
  let ctx = contexts.get(ca);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
    if (contexts.size >= 32) contexts.clear();
    contexts.set(ca, ctx);
  }
  return ctx;
}

/**
 * Fill the certificate fields of `result` from a finished handshake; return why the certificate is
 * refused, or null when it verified.
 */
function inspectCertificate(s: tls.TLSSocket, host: string, result: HttpResult, nowMs: number): string | null {
  const cert = s.getPeerCertificate();
  if (!cert || !cert.valid_to) {
    result.certDaysLeft = result.certSubject = result.certIssuer = null;
    result.tlsError = 'no certificate from the server';
    return result.tlsError;
  }
  const validTo = Date.parse(cert.valid_to);
  result.certDaysLeft = Number.isFinite(validTo) ? round1((validTo - nowMs) / 86_400_000) : null;
  result.certSubject = formatName(cert.subject);
  result.certIssuer = formatName(cert.issuer);
  result.tlsError = null;
  if (s.authorized) return null;

  const code = String(s.authorizationError ?? 'unknown');
  let reason: string;
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      reason = `certificate has expired on ${isoDay(validTo, cert.valid_to)}`;
      break;
    case 'CERT_NOT_YET_VALID':
      reason = `certificate is not valid before ${isoDay(Date.parse(cert.valid_from), cert.valid_from)}`;
      break;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      reason = `self-signed/untrusted certificate (issuer: ${result.certIssuer ?? 'unknown'})`;
      break;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      reason = `certificate is for ${certNames(cert) || 'another host'}, not ${host}`;
      break;
    default:
      reason = `certificate not accepted (${code})`;
  }
  result.tlsError = reason;
  return reason;
}

function certNames(cert: tls.PeerCertificate): string {
  const san = cert.subjectaltname;
  if (san) {
    return san.split(/,\s*/).map((p) => p.replace(/^(DNS|IP Address):/, '')).join(', ');
  }
  const cn = cert.subject?.CN;
  return Array.isArray(cn) ? cn.join(', ') : (cn ?? '');
}

function formatName(name: tls.Certificate | undefined): string | null {
  if (!name) return null;
  const parts: string[] = [];
  for (const key of ['CN', 'O', 'OU', 'C'] as const) {
    const v = name[key];
    if (v) parts.push(`${key}=${Array.isArray(v) ? v.join('+') : v}`);
  }
  return parts.length ? parts.join(', ') : null;
}

function isoDay(ms: number, fallback: string): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : fallback;
}

function bytesNote(read: number, max: number): string {
  return read >= max ? ` in the first ${max} bytes` : '';
}

function lowerKeys(h: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function dropSensitive(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!SENSITIVE_HEADERS.has(k)) out[k] = v;
  return out;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

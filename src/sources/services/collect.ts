// Run the services' checks: one Reading per service, never an exception. Every check runs at once (at
// most `concurrency` in flight), each bounded by its own timeout, so a hanging service costs its timeout
// once, in parallel with the rest. The protocol modules are imported only for the types configured.
import { readFile } from 'node:fs/promises';
import type { Reading } from '../../core/types.js';
import type { HttpCheckConfig, ServiceConfig } from './config.js';
import type { ServiceMetrics } from './metrics.js';
import { SERVICE_KIND } from './rules.js';

export interface CollectServicesOptions {
  /** Checks run at the same time (config `defaults.concurrency`). */
  concurrency: number;
  /** One line per service, for --verbose. */
  log?: (line: string) => void;
  /** The clock for certificate days (ms since the epoch). */
  now?: () => number;
}

/** What one check found, or why it could not run (`ran: false`: the service becomes unknown). */
type Outcome = { ran: true; metrics: ServiceMetrics } | { ran: false; error: string };

/**
 * Failures that mean the check did not run, rather than that the service failed it: no ping program
 * or no permission to use it, and inputs the check refused before touching the network.
 */
const NOT_RUN = /^(ping not found|ping: permission denied|ping could not be started|invalid host for ping|invalid ping count|invalid URL|unsupported URL scheme|the ca given holds no PEM|invalid DNS server)/;

/** A guard past the check's own deadline: the protocol checks end by themselves; this only catches a bug. */
const GUARD_MS = 1000;

/** The protocol checks, loaded once per poll for the types configured. */
interface Checks {
  http?: typeof import('../../protocols/http/check-http.js').checkHttp;
  tcp?: typeof import('../../protocols/tcp/check-tcp.js').checkTcp;
  ping?: typeof import('../../protocols/ping/check-ping.js').checkPing;
  dns?: typeof import('../../protocols/dns/check-dns.js').checkDns;
}

/**
 * Load the modules before any check starts: loading one (node:tls, c-ares) blocks the event loop, and
 * would be counted in the latency of every check already under way.
 */
async function loadChecks(types: Set<string>): Promise<Checks> {
  const [http, tcp, ping, dns] = await Promise.all([
    types.has('http') ? import('../../protocols/http/check-http.js') : null,
    types.has('tcp') ? import('../../protocols/tcp/check-tcp.js') : null,
    types.has('ping') ? import('../../protocols/ping/check-ping.js') : null,
    types.has('dns') ? import('../../protocols/dns/check-dns.js') : null,
  ]);
  return { http: http?.checkHttp, tcp: tcp?.checkTcp, ping: ping?.checkPing, dns: dns?.checkDns };
}

export async function collectServices(services: ServiceConfig[], opts: CollectServicesOptions): Promise<Reading[]> {
  const checks = await loadChecks(new Set(services.map((s) => s.check.type)));
  const results: Reading[] = new Array(services.length);
  let next = 0;
  const worker = async () => {
    while (next < services.length) {
      const i = next++;
      results[i] = await checkService(services[i]!, checks, opts);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency, services.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  settled.forEach((s) => s.status === 'rejected' && opts.log?.(`[services] internal error: ${String(s.reason)}`));
  return services.map((s, i) => results[i] ?? notRun(s, 'not checked (internal error)'));
}

function notRun(s: ServiceConfig, error: string): Reading {
  return { id: s.id, kind: SERVICE_KIND, name: s.name, target: s.target, reachable: false, error, metrics: {} };
}

async function checkService(s: ServiceConfig, checks: Checks, opts: CollectServicesOptions): Promise<Reading> {
  const started = Date.now();
  let guard: NodeJS.Timeout | undefined;
  let outcome: Outcome;
  try {
    const timedOut = new Promise<Outcome>((resolve) => {
      guard = setTimeout(() => resolve({ ran: false, error: `check did not end within ${s.timeoutMs + GUARD_MS} ms` }), s.timeoutMs + GUARD_MS);
    });
    outcome = await Promise.race([runCheck(s, checks, opts), timedOut]);
  } catch (e) {
    outcome = { ran: false, error: `check failed to run: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(guard);
  }
  const ms = Date.now() - started;
  if (!outcome.ran) {
    opts.log?.(`[service ${s.name}] ${outcome.error} (${ms} ms)`);
    return notRun(s, outcome.error);
  }
  const m = outcome.metrics;
  opts.log?.(`[service ${s.name}] ${m.up ? 'up' : m.error} (${ms} ms)`);
  return { id: s.id, kind: SERVICE_KIND, name: s.name, target: s.target, reachable: true, error: null, metrics: { ...m } };
}

const blank = (s: ServiceConfig): ServiceMetrics => ({
  type: s.check.type, target: s.target, up: false, statusCode: null, latencyMs: null, certDaysLeft: null, keywordFound: null,
  lossPercent: null, rttAvgMs: null, rttMaxMs: null, redirects: null, answer: null, error: null,
});

function judged(s: ServiceConfig, metrics: ServiceMetrics): Outcome {
  if (!metrics.up && metrics.error && NOT_RUN.test(metrics.error)) return { ran: false, error: metrics.error };
  return { ran: true, metrics };
}

async function runCheck(s: ServiceConfig, checks: Checks, opts: CollectServicesOptions): Promise<Outcome> {
  const c = s.check;
  switch (c.type) {
    case 'http': {
      const ca = await readCa(c);
      if (ca && !ca.ok) return { ran: false, error: ca.error };
      const checkHttp = checks.http!;
      const r = await checkHttp({
        url: c.url, method: c.method, expectStatus: c.expectStatus, keyword: c.keyword ?? undefined, keywordAbsent: c.keywordAbsent ?? undefined,
        maxRedirects: c.maxRedirects, timeoutMs: s.timeoutMs, ca: ca?.pem, insecure: c.insecure, now: opts.now,
      });
      return judged(s, { ...blank(s), up: r.up, statusCode: r.statusCode, latencyMs: r.latencyMs, certDaysLeft: r.certDaysLeft, keywordFound: r.keywordFound, redirects: r.redirects, error: r.error });
    }
    case 'tcp': {
      const checkTcp = checks.tcp!;
      const r = await checkTcp({ host: c.host, port: c.port, timeoutMs: s.timeoutMs });
      return judged(s, { ...blank(s), up: r.up, latencyMs: r.latencyMs, error: r.error });
    }
    case 'ping': {
      const checkPing = checks.ping!;
      const r = await checkPing({ host: c.host, count: c.count, timeoutMs: s.timeoutMs });
      // the average round trip is the ping's latency, so that latency-ms watches it like any other check
      return judged(s, { ...blank(s), up: r.up, latencyMs: r.rttAvgMs, lossPercent: r.lossPercent, rttAvgMs: r.rttAvgMs, rttMaxMs: r.rttMaxMs, error: r.error });
    }
    case 'dns': {
      const checkDns = checks.dns!;
      const r = await checkDns({ name: c.name, server: c.server ?? undefined, port: c.port, type: c.recordType, expect: c.expect, timeoutMs: s.timeoutMs });
      return judged(s, { ...blank(s), up: r.up, latencyMs: r.latencyMs, answer: r.answer, error: r.error });
    }
  }
}

/** The ca-file, read at each poll (a renewed CA is picked up without a restart). */
async function readCa(c: HttpCheckConfig): Promise<{ ok: true; pem: string } | { ok: false; error: string } | null> {
  if (!c.caFile || c.insecure) return null;
  try {
    return { ok: true, pem: await readFile(c.caFile, 'utf8') };
  } catch (e) {
    return { ok: false, error: `cannot read ca-file ${c.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}

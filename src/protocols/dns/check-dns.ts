// DNS check: resolution time and answer of one name, from a given server or the system's resolvers,
// and whether the answer holds the expected values. node:dns/promises' Resolver (c-ares) with one try;
// a timer for the whole operation cancels the resolver, so a silent server costs timeoutMs once.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { formatDuration, hostPort } from '../net-errors.js';

export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT';

export interface DnsCheckOptions {
  name: string;
  /** An IP address; the system's resolvers (/etc/resolv.conf) when absent. */
  server?: string;
  /** The server's port (default 53). */
  port?: number;
  type?: DnsRecordType;
  /** Values the answer must hold (all of them; the answer may hold more). MX: "10 mx.example.com" or "mx.example.com". */
  expect?: readonly string[];
  /** Whole-operation deadline. */
  timeoutMs: number;
}

export interface DnsResult {
  up: boolean;
  /** Time to the server's reply (NXDOMAIN and the like included); null when none came. */
  latencyMs: number | null;
  /** A/AAAA addresses, CNAME targets, MX as "preference exchange", TXT with its strings joined. */
  answer: string[];
  /** Whether the answer holds every expected value; null without `expect` or without an answer. */
  matches: boolean | null;
  /** Why it is not up ("intranet.example.com does not resolve (NXDOMAIN)", "no answer from … within 2s"); null when up. */
  error: string | null;
}

export function checkDns(opts: DnsCheckOptions): Promise<DnsResult> {
  const type = opts.type ?? 'A';
  const fail = (error: string, latencyMs: number | null = null): DnsResult => ({ up: false, latencyMs, answer: [], matches: null, error });
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(opts.timeoutMs)), tries: 1 });
  const serverName = opts.server ? hostPort(opts.server, opts.port ?? 53) : 'the system resolver';
  if (opts.server) {
    if (!net.isIP(opts.server)) return Promise.resolve(fail(`invalid DNS server ${JSON.stringify(opts.server)}: an IP address is needed`));
    try {
      resolver.setServers([serverName]);
    } catch (e) {
      return Promise.resolve(fail(`invalid DNS server ${serverName}: ${(e as Error).message}`));
    }
  }

  return new Promise<DnsResult>((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const finish = (r: DnsResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolver.cancel();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish(fail(`no answer from ${serverName} within ${formatDuration(opts.timeoutMs)} for ${opts.name}`)),
      Math.max(0, opts.timeoutMs),
    );

    lookup(resolver, opts.name, type).then(
      (answer) => {
        const latencyMs = round1(performance.now() - t0);
        // c-ares answers [] when the reply holds only a CNAME whose target lacks the type: no record either.
        if (answer.length === 0) return finish(fail(`${opts.name} has no ${type} record`, latencyMs));
        const matches = opts.expect && opts.expect.length ? opts.expect.every((want) => answer.some((got) => sameValue(type, want, got))) : null;
        const error = matches === false ? `${opts.name} ${type} is ${answer.join(', ') || 'empty'}, expected ${opts.expect!.join(', ')}` : null;
        finish({ up: error === null, latencyMs, answer, matches, error });
      },
      (err: NodeJS.ErrnoException) => {
        const answered = performance.now() - t0;
        switch (err.code) {
          case 'ENOTFOUND':
            return finish(fail(`${opts.name} does not resolve (NXDOMAIN)`, round1(answered)));
          case 'ENODATA':
            return finish(fail(`${opts.name} has no ${type} record`, round1(answered)));
          case 'ESERVFAIL':
            return finish(fail(`${serverName} answered SERVFAIL for ${opts.name}`, round1(answered)));
          case 'EREFUSED':
            return finish(fail(`${serverName} refused the query for ${opts.name}`, round1(answered)));
          case 'ETIMEOUT':
            return finish(fail(`no answer from ${serverName} within ${formatDuration(opts.timeoutMs)} for ${opts.name}`));
          case 'ECONNREFUSED':
            return finish(fail(`connection refused by ${serverName}`));
          case 'ECANCELLED':
            return; // our own deadline: already reported
          default:
            return finish(fail(`${opts.name}: ${err.message}${err.code && !err.message.includes(err.code) ? ` (${err.code})` : ''}`));
        }
      },
    );
  });
}

async function lookup(resolver: Resolver, name: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'MX':
      return (await resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}

/** Names compare without case or a trailing dot; addresses in their canonical form; MX also by exchange alone. */
function sameValue(type: DnsRecordType, want: string, got: string): boolean {
  if (type === 'TXT') return want === got;
  const norm = (s: string): string => s.trim().toLowerCase().replace(/\.$/, '');
  if (type === 'AAAA') return canonicalV6(want) === canonicalV6(got);
  if (norm(want) === norm(got)) return true;
  return type === 'MX' && norm(want) === norm(got.replace(/^\d+\s+/, ''));
}

function canonicalV6(a: string): string {
  try {
    return new URL(`http://[${a.trim()}]/`).hostname;
  } catch {
    return a.trim().toLowerCase();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

// The `services:` section: websites and services, each a device `service/<name>` checked by exactly one
// of http, tcp, ping or dns. YAML (kebab-case) → ServiceConfig, with paths and lines.
import { isScalar, isSeq } from '../../config/yaml-nodes.js';
import type { NetDefaults } from '../../config/types.js';
import type { RuleInput } from '../../core/rule.js';
import type { DnsRecordType } from '../../protocols/dns/check-dns.js';
import { rulesBlock } from '../../config/rules.js';
import { asSecret, bool, deviceName, duration, fail, fields, join, list, namedList, noteSecret, num, oneOf, str, warn, type Ctx, type YNode } from '../../config/validate.js';
import type { ServiceType } from './metrics.js';
import { SERVICE_KIND, SERVICE_RULES } from './rules.js';

export interface HttpCheckConfig {
  type: 'http';
  url: string;
  method: 'GET' | 'HEAD';
  /** Accepted status codes; empty: 200–399. */
  expectStatus: number[];
  keyword: string | null;
  keywordAbsent: string | null;
  maxRedirects: number;
  /** Absolute path of a PEM CA to trust besides the system's, or null. */
  caFile: string | null;
  insecure: boolean;
}
export interface TcpCheckConfig {
  type: 'tcp';
  host: string;
  port: number;
}
export interface PingCheckConfig {
  type: 'ping';
  host: string;
  count: number;
}
export interface DnsCheckConfig {
  type: 'dns';
  name: string;
  /** An IP address, or null for the system's resolvers. */
  server: string | null;
  port: number;
  recordType: DnsRecordType;
  /** Values the answer must hold (all of them); empty: any answer. */
  expect: string[];
}
export type CheckConfig = HttpCheckConfig | TcpCheckConfig | PingCheckConfig | DnsCheckConfig;

export interface ServiceConfig {
  name: string;
  id: string; // service/<name>
  /** What is checked, for people: the URL (password as ***), host:port, the host, or the DNS name. */
  target: string;
  check: CheckConfig;
  /** The whole check's deadline (every redirect, the handshake, the body read, all pings). */
  timeoutMs: number;
  thresholds: Record<string, RuleInput>;
}

declare module '../../config/types.js' {
  interface SourceSections {
    services: ServiceConfig[];
  }
}

/**
 * Defaults. A web check gets 10 s, not `defaults.timeout` (2 s, sized for SNMP on a LAN): a web
 * application's health page may well take a few seconds, and latency-ms already warns from 1 s. A
 * ping's default is `defaults.timeout` plus the time its echo requests take to go out (0.2 s apart).
 */
export const SERVICE_DEFAULTS = { httpTimeoutMs: 10_000, method: 'GET', maxRedirects: 5, count: 5, dnsType: 'A', dnsPort: 53, insecure: false } as const;
export const PING_INTERVAL_MS = 200;

const TYPES: readonly ServiceType[] = ['http', 'tcp', 'ping', 'dns'];
const DNS_TYPES: readonly DnsRecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT'];
/** Options that belong to one type of check; the others are common (name, timeout, thresholds). */
const OPTION_TYPE: Record<string, ServiceType> = {
  'expect-status': 'http', keyword: 'http', 'keyword-absent': 'http', method: 'http', 'max-redirects': 'http', 'ca-file': 'http', insecure: 'http',
  count: 'ping',
  server: 'dns', type: 'dns', expect: 'dns',
};

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9.])?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const IPV6 = /^[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$/; // at least two colons: "::1", "2001:db8::5"
const isHost = (h: string) => (HOST.test(h) && h.length <= 253) || IPV6.test(h);

/** "host:port" or "[v6]:port". */
function hostAndPort(s: string): { host: string; port: number } | null {
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(s) ?? /^([^\s:[\]/]+):(\d{1,5})$/.exec(s);
  if (!m || !isHost(m[1]!)) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : null;
}

/** The URL without its password, for the target and messages. */
function redact(u: URL): string {
  const c = new URL(u.href);
  if (c.password) c.password = '***';
  return c.href;
}

/** The URL's password is written in the config itself, not only through `${VAR}`. */
function inlineUrlPassword(node: YNode): boolean {
  if (!isScalar(node) || typeof node.value !== 'string') return false;
  try {
    return new URL(node.value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '')).password !== '';
  } catch {
    return false;
  }
}

function httpUrl(ctx: Ctx, node: YNode, path: string): URL | undefined {
  // a URL may carry a password (https://user:${PASS}@host/): its variables are secret inputs
  const raw = asSecret(ctx, () => str(ctx, node, path, { nonEmpty: true }));
  if (raw === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(ctx, node, path, `"${raw}" is not a URL (example: https://intranet.example.com/health)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail(ctx, node, path, `"${redact(u)}" must start with https:// or http://`);
  if (u.password) {
    ctx.secrets.push(decodeURIComponent(u.password));
    if (inlineUrlPassword(node)) noteSecret(ctx, node, { kind: 'inline', key: 'URL password', path });
  }
  return u;
}

/** One value or a list of them. */
function oneOrMany<T>(ctx: Ctx, node: YNode, path: string, item: (n: YNode, p: string) => T | undefined): T[] | undefined {
  if (!isSeq(node)) {
    const v = item(node, path);
    return v === undefined ? undefined : [v];
  }
  const out: T[] = [];
  let bad = false;
  list(ctx, node, path, (n, p) => {
    const v = item(n, p);
    if (v === undefined) bad = true;
    else out.push(v);
  });
  if (!bad && !out.length) return fail(ctx, node, path, 'must not be an empty list');
  return bad ? undefined : out;
}

function dnsServer(ctx: Ctx, node: YNode, path: string): { server: string; port: number } | undefined {
  const v = str(ctx, node, path, { nonEmpty: true });
  if (v === undefined) return undefined;
  if (IPV4.test(v) || (IPV6.test(v) && !v.startsWith('['))) return { server: v, port: SERVICE_DEFAULTS.dnsPort };
  const hp = hostAndPort(v);
  if (hp && (IPV4.test(hp.host) || IPV6.test(hp.host))) return { server: hp.host, port: hp.port };
  return fail(ctx, node, path, `"${v}" is not an IP address (or address:port, [v6]:port): a DNS server is given by address`);
}

export function serviceEntry(ctx: Ctx, node: YNode, path: string, defs: NetDefaults): ServiceConfig | undefined {
  const given = new Map<string, YNode>(); // option key → its node, to check it belongs to the type
  const typeNodes: Array<[ServiceType, YNode]> = [];
  const v: {
    name?: string; url?: URL; tcp?: { host: string; port: number }; ping?: string; dns?: string;
    expectStatus?: number[]; keyword?: string; keywordAbsent?: string; method?: 'GET' | 'HEAD'; maxRedirects?: number; caFile?: string; insecure?: boolean;
    count?: number; server?: { server: string; port: number }; recordType?: DnsRecordType; expect?: string[];
    timeoutMs?: number; thresholds: Record<string, RuleInput>;
  } = { thresholds: {} };
  const opt = (key: string, parse: (n: YNode, p: string) => void) => (n: YNode, p: string) => {
    given.set(key, n);
    parse(n, p);
  };
  const ok = fields(
    ctx,
    node,
    path,
    {
      name: (n, p) => (v.name = deviceName(ctx, n, p)),
      http: (n, p) => {
        typeNodes.push(['http', n]);
        v.url = httpUrl(ctx, n, p);
      },
      tcp: (n, p) => {
        typeNodes.push(['tcp', n]);
        const s = str(ctx, n, p, { nonEmpty: true });
        if (s === undefined) return;
        v.tcp = hostAndPort(s) ?? fail(ctx, n, p, `"${s}" is not host:port (examples: mail.example.com:25, 192.0.2.5:443, [2001:db8::5]:22)`);
      },
      ping: (n, p) => {
        typeNodes.push(['ping', n]);
        const s = str(ctx, n, p, { nonEmpty: true });
        if (s !== undefined) v.ping = isHost(s) ? s : fail(ctx, n, p, `"${s}" is not a host name or IP address`);
      },
      dns: (n, p) => {
        typeNodes.push(['dns', n]);
        v.dns = str(ctx, n, p, { nonEmpty: true, pattern: /^(?=.{1,253}\.?$)[A-Za-z0-9_*](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/, patternHelp: 'is not a DNS name' });
      },
      'expect-status': opt('expect-status', (n, p) => (v.expectStatus = oneOrMany(ctx, n, p, (x, q) => num(ctx, x, q, { integer: true, min: 100, max: 599 })))),
      keyword: opt('keyword', (n, p) => (v.keyword = str(ctx, n, p, { nonEmpty: true }))),
      'keyword-absent': opt('keyword-absent', (n, p) => (v.keywordAbsent = str(ctx, n, p, { nonEmpty: true }))),
      method: opt('method', (n, p) => (v.method = oneOf(ctx, n, p, ['GET', 'HEAD'] as const))),
      'max-redirects': opt('max-redirects', (n, p) => (v.maxRedirects = num(ctx, n, p, { integer: true, min: 0, max: 30 }))),
      'ca-file': opt('ca-file', (n, p) => {
        const f = str(ctx, n, p, { nonEmpty: true });
        if (f === undefined) return;
        const abs = ctx.resolvePath(f);
        try {
          if (!ctx.readFile(abs).includes('-----BEGIN CERTIFICATE-----')) fail(ctx, n, p, `${abs} holds no PEM certificate`);
          else v.caFile = abs;
        } catch (e) {
          fail(ctx, n, p, `cannot read ${abs}: ${(e as Error).message}`);
        }
      }),
      insecure: opt('insecure', (n, p) => (v.insecure = bool(ctx, n, p))),
      count: opt('count', (n, p) => (v.count = num(ctx, n, p, { integer: true, min: 1, max: 100 }))),
      server: opt('server', (n, p) => (v.server = dnsServer(ctx, n, p))),
      type: opt('type', (n, p) => (v.recordType = oneOf(ctx, n, p, DNS_TYPES))),
      expect: opt('expect', (n, p) => (v.expect = oneOrMany(ctx, n, p, (x, q) => str(ctx, x, q, { nonEmpty: true })))),
      timeout: (n, p) => (v.timeoutMs = duration(ctx, n, p, { min: 1 }) ?? undefined),
      thresholds: (n, p) => (v.thresholds = rulesBlock(ctx, n, p, SERVICE_KIND, SERVICE_RULES)),
    },
    ['name'],
  );
  if (!ok) return undefined;
  if (typeNodes.length !== 1) {
    const at = typeNodes[1]?.[1] ?? node;
    return fail(ctx, at, path, typeNodes.length ? `give exactly one of ${TYPES.join(', ')}, not ${typeNodes.map(([t]) => t).join(' and ')}` : `missing the check: give one of ${TYPES.join(', ')}`);
  }
  const type = typeNodes[0]![0];
  let wrong = false;
  for (const [key, n] of given) {
    if (OPTION_TYPE[key] !== type) {
      fail(ctx, n, join(path, key), `${key} is for ${OPTION_TYPE[key]} checks, not ${type}`);
      wrong = true;
    }
  }
  const method = v.method ?? SERVICE_DEFAULTS.method;
  if (method === 'HEAD') {
    for (const key of ['keyword', 'keyword-absent']) {
      if (given.has(key)) {
        fail(ctx, given.get(key), join(path, key), `${key} needs the body, and a HEAD response has none: use method GET`);
        wrong = true;
      }
    }
  }
  if (v.insecure === true && v.url) {
    warn(ctx, given.get('insecure'), join(path, 'insecure'), `TLS certificate of ${redact(v.url)} is not verified: an expired, untrusted or wrong-host certificate is not a failure; prefer ca-file`);
    if (v.caFile) warn(ctx, given.get('insecure'), join(path, 'insecure'), 'ca-file is ignored while insecure is true');
  }
  if (wrong || !v.name) return undefined;

  let check: CheckConfig;
  let target: string;
  let timeoutMs = v.timeoutMs ?? defs.timeoutMs;
  switch (type) {
    case 'http':
      if (!v.url) return undefined;
      check = {
        type, url: v.url.href, method, expectStatus: v.expectStatus ?? [], keyword: v.keyword ?? null, keywordAbsent: v.keywordAbsent ?? null,
        maxRedirects: v.maxRedirects ?? SERVICE_DEFAULTS.maxRedirects, caFile: v.caFile ?? null, insecure: v.insecure ?? SERVICE_DEFAULTS.insecure,
      };
      target = redact(v.url);
      timeoutMs = v.timeoutMs ?? SERVICE_DEFAULTS.httpTimeoutMs;
      break;
    case 'tcp':
      if (!v.tcp) return undefined;
      check = { type, host: v.tcp.host, port: v.tcp.port };
      target = v.tcp.host.includes(':') ? `[${v.tcp.host}]:${v.tcp.port}` : `${v.tcp.host}:${v.tcp.port}`;
      break;
    case 'ping': {
      if (!v.ping) return undefined;
      const count = v.count ?? SERVICE_DEFAULTS.count;
      check = { type, host: v.ping, count };
      target = v.ping;
      timeoutMs = v.timeoutMs ?? defs.timeoutMs + count * PING_INTERVAL_MS;
      break;
    }
    case 'dns':
      if (!v.dns) return undefined;
      check = { type, name: v.dns, server: v.server?.server ?? null, port: v.server?.port ?? SERVICE_DEFAULTS.dnsPort, recordType: v.recordType ?? SERVICE_DEFAULTS.dnsType, expect: v.expect ?? [] };
      // the server is part of what is checked: the same name may be watched on two servers
      target = v.server ? `${v.dns} @${v.server.server.includes(':') ? `[${v.server.server}]` : v.server.server}${v.server.port === SERVICE_DEFAULTS.dnsPort ? '' : `:${v.server.port}`}` : v.dns;
      break;
  }
  return { name: v.name, id: `${SERVICE_KIND}/${v.name}`, target, check, timeoutMs, thresholds: v.thresholds };
}

/** `services:` — a list of services, each name once. */
export function servicesSection(ctx: Ctx, node: YNode, path: string, defs: NetDefaults): ServiceConfig[] {
  const out: ServiceConfig[] = [];
  namedList(ctx, node, path, 'service', out, (item, q) => serviceEntry(ctx, item, q, defs));
  return out;
}

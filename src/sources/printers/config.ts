// The `printers:` section of the config: YAML (kebab-case) → PrinterConfig, with paths and lines.
import type { NetDefaults } from '../../config/types.js';
import type { RuleInput } from '../../core/rule.js';
import { rulesBlock } from '../../config/rules.js';
import { deviceName, duration, fail, fields, join, namedList, num, oneOf, secret, str, type Ctx, type YNode } from '../../config/validate.js';
import { PRINTER_RULES } from './rules.js';
import { QUEUE_KEYS, queueConfig, type QueueConfig } from './queue-config.js';

export type { SnmpConfig } from '../../protocols/snmp/types.js';
import type { SnmpConfig } from '../../protocols/snmp/types.js';

export interface PrinterConfig {
  name: string;
  id: string; // printer/<name>
  address: string;
  port: number;
  snmp: SnmpConfig;
  timeoutMs: number;
  retries: number;
  thresholds: Record<string, RuleInput>;
  /** The printer's job queue over IPP, or null. */
  queue: QueueConfig | null;
}

declare module '../../config/types.js' {
  interface SourceSections {
    printers: PrinterConfig[];
  }
}

const AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

function v3Key<P extends string>(ctx: Ctx, node: YNode, path: string, protocols: readonly P[]): { protocol: P; key: string } | undefined {
  let protocol: P | undefined;
  let keyNode: YNode | undefined;
  let fileNode: YNode | undefined;
  const ok = fields(
    ctx,
    node,
    path,
    {
      protocol: (n, p) => (protocol = oneOf(ctx, n, p, protocols)),
      key: (n) => (keyNode = n),
      'key-file': (n) => (fileNode = n),
    },
    ['protocol'],
  );
  if (!ok) return undefined;
  const key = secret(ctx, node, path, 'key', keyNode, fileNode);
  if (key !== undefined && key.length < 8) return fail(ctx, keyNode ?? fileNode, join(path, 'key'), 'SNMPv3 keys must be at least 8 characters');
  return protocol && key !== undefined ? { protocol, key } : undefined;
}

function snmp(ctx: Ctx, node: YNode, path: string): SnmpConfig | undefined {
  let version: '1' | '2c' | '3' | undefined;
  const raw: Record<string, YNode> = {};
  const grab = (k: string) => (n: YNode) => (raw[k] = n);
  const ok = fields(
    ctx,
    node,
    path,
    {
      version: (n, p) => (version = oneOf(ctx, n, p, ['1', '2c', '3'] as const)),
      community: grab('community'),
      'community-file': grab('community-file'),
      user: grab('user'),
      context: grab('context'),
      auth: grab('auth'),
      priv: grab('priv'),
    },
    ['version'],
  );
  if (!ok || !version) return undefined;
  if (version === '1' || version === '2c') {
    for (const k of ['user', 'context', 'auth', 'priv']) if (k in raw) fail(ctx, raw[k], join(path, k), `only for SNMP version 3`);
    const community = secret(ctx, node, path, 'community', raw.community, raw['community-file']);
    return community === undefined ? undefined : { version, community };
  }
  for (const k of ['community', 'community-file']) if (k in raw) fail(ctx, raw[k], join(path, k), `not used by SNMP version 3 (give user, auth, priv)`);
  if (!('user' in raw)) return fail(ctx, node, path, 'missing required key "user"');
  const user = str(ctx, raw.user, join(path, 'user'), { nonEmpty: true });
  const context = 'context' in raw ? str(ctx, raw.context, join(path, 'context')) : '';
  const auth = 'auth' in raw ? v3Key(ctx, raw.auth, join(path, 'auth'), AUTH_PROTOCOLS) : null;
  const priv = 'priv' in raw ? v3Key(ctx, raw.priv, join(path, 'priv'), PRIV_PROTOCOLS) : null;
  if ('priv' in raw && !('auth' in raw)) return fail(ctx, raw.priv, join(path, 'priv'), 'priv needs auth (SNMPv3 has no privacy without authentication)');
  if (user === undefined || context === undefined || auth === undefined || priv === undefined) return undefined;
  return { version: '3', user, context, auth, priv };
}

export function printerEntry(ctx: Ctx, node: YNode, path: string, defs: NetDefaults): PrinterConfig | undefined {
  const p: Partial<PrinterConfig> & { thresholds: Record<string, PrinterConfig['thresholds'][string]> } = { thresholds: {} };
  let snmpCfg: SnmpConfig | undefined;
  const queueRaw: Partial<Record<(typeof QUEUE_KEYS)[number], YNode>> = {};
  const ok = fields(
    ctx,
    node,
    path,
    {
      name: (n, q) => (p.name = deviceName(ctx, n, q)),
      address: (n, q) => (p.address = str(ctx, n, q, { nonEmpty: true, pattern: /^[^\s/]+$/, patternHelp: 'is not a host name or IP address' })),
      port: (n, q) => (p.port = num(ctx, n, q, { integer: true, min: 1, max: 65535 })),
      snmp: (n, q) => (snmpCfg = snmp(ctx, n, q)),
      timeout: (n, q) => (p.timeoutMs = duration(ctx, n, q, { min: 1 }) ?? undefined),
      retries: (n, q) => (p.retries = num(ctx, n, q, { integer: true, min: 0, max: 10 })),
      thresholds: (n, q) => (p.thresholds = rulesBlock(ctx, n, q, 'printer', PRINTER_RULES)),
      ...Object.fromEntries(QUEUE_KEYS.map((k) => [k, (n: YNode) => (queueRaw[k] = n)])),
    },
    ['name', 'address', 'snmp'],
  );
  const queue = ok ? queueConfig(ctx, node, path, queueRaw) : undefined;
  if (!ok || !p.name || !p.address || !snmpCfg || queue === undefined) return undefined;
  return {
    name: p.name,
    id: `printer/${p.name}`,
    address: p.address,
    port: p.port ?? 161,
    snmp: snmpCfg,
    timeoutMs: p.timeoutMs ?? defs.timeoutMs,
    retries: p.retries ?? defs.retries,
    thresholds: p.thresholds,
    queue,
  };
}


/** `printers:` — a list of printers, each name once. */
export function printersSection(ctx: Ctx, node: YNode, path: string, defs: NetDefaults): PrinterConfig[] {
  const out: PrinterConfig[] = [];
  namedList(ctx, node, path, 'printer', out, (item, q) => printerEntry(ctx, item, q, defs));
  return out;
}

// The config schema: YAML (kebab-case) → typed Config (camelCase). Pure apart from the injected
// readers in Ctx. Every key here must appear, with its default, in monitor.config.yaml.
import { isScalar, isMap, isSeq, type Document } from 'yaml';
import type { Config, NetDefaults, PrinterConfig, SnmpConfig, ThresholdConfig } from './types.js';
import type { DeviceKind, Level } from '../core/types.js';
import type { WindowSpec } from '../core/overrides.js';
import type { RuleInput } from '../core/rule.js';
import { KINDS, rulesFor } from '../core/rules/index.js';
import { vcenterEntry } from './vcenter-schema.js';
import { emailSection } from './email-schema.js';
import { historySection, HISTORY_CONFIG_DEFAULTS } from './history-schema.js';
import { bool, duration, entries, fail, fields, join, list, num, oneOf, secret, str, type Ctx, type YNode } from './validate.js';

export const DEFAULTS = {
  stateFile: 'state/simplemon.json',
  lockTimeoutMs: 60_000,
  eventLogSize: 1000,
  timeoutMs: 2000,
  retries: 1,
  concurrency: 32,
};

/** A device name becomes part of an id (`printer/<name>`) and of file-safe keys. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:+-]*$/;
const NAME_HELP = 'is not a valid name: use letters, digits and . _ @ : + - (no spaces or slashes)';

function level(ctx: Ctx, node: YNode, path: string): Level | null | undefined {
  if (isScalar(node) && (node.value === false || node.value === 'off')) return null;
  let out: Level | undefined;
  const ok = fields(ctx, node, path, {
    above: (n, p) => {
      const v = num(ctx, n, p);
      if (v !== undefined) out = { op: 'above', value: v };
    },
    below: (n, p) => {
      const v = num(ctx, n, p);
      if (v !== undefined) out = { op: 'below', value: v };
    },
  });
  if (ok && isMap(node) && node.items.length !== 1) return fail(ctx, node, path, 'give exactly one of above or below');
  return out;
}

/** One rule's settings: `on`, `off`, or a mapping. */
export function ruleInput(ctx: Ctx, node: YNode, path: string, kind: DeviceKind, ruleName: string, keyNode: YNode = node): RuleInput | undefined {
  const def = rulesFor(kind).find((r) => r.name === ruleName);
  if (!def) {
    const known = rulesFor(kind).map((r) => r.name);
    return fail(ctx, keyNode, path, `unknown rule "${ruleName}" for ${kind}; known rules: ${known.join(', ')}`);
  }
  if (isScalar(node) && (node.value === true || node.value === 'on')) return { enabled: true };
  if (isScalar(node) && (node.value === false || node.value === 'off')) return { enabled: false };
  const out: RuleInput = { enabled: true };
  let shorthand: Level | undefined;
  let severity = 'critical' as 'warning' | 'critical';
  const thresholded = Boolean(def.measure);
  const handlers: Record<string, (n: YNode, p: string) => void> = {
    enabled: (n, p) => {
      const v = bool(ctx, n, p);
      if (v !== undefined) out.enabled = v;
    },
    'failures-before-alert': (n, p) => (out.failuresBeforeAlert = num(ctx, n, p, { integer: true, min: 1, max: 1000 })),
    'successes-before-recovery': (n, p) => (out.successesBeforeRecovery = num(ctx, n, p, { integer: true, min: 1, max: 1000 })),
  };
  if (thresholded) {
    Object.assign(handlers, {
      above: (n: YNode, p: string) => {
        const v = num(ctx, n, p);
        if (v !== undefined) shorthand = { op: 'above', value: v };
      },
      below: (n: YNode, p: string) => {
        const v = num(ctx, n, p);
        if (v !== undefined) shorthand = { op: 'below', value: v };
      },
      severity: (n: YNode, p: string) => (severity = oneOf(ctx, n, p, ['warning', 'critical'] as const) ?? severity),
      warning: (n: YNode, p: string) => (out.warning = level(ctx, n, p)),
      critical: (n: YNode, p: string) => (out.critical = level(ctx, n, p)),
      'recovery-margin': (n: YNode, p: string) => (out.recoveryMargin = num(ctx, n, p, { min: 0 })),
    });
  }
  for (const [k, check] of Object.entries(def.optionKeys ?? {})) {
    handlers[k] = (n, p) => {
      const v = n?.toJSON?.() ?? null;
      const err = check(v);
      if (err) fail(ctx, n, p, err);
      else (out.options ??= {})[k] = v;
    };
  }
  fields(ctx, node, path, handlers);
  if (shorthand) {
    if (isMap(node) && (node.has('warning') || node.has('critical'))) {
      fail(ctx, node, path, 'use either above/below (with severity) or warning/critical levels, not both');
    } else {
      // `below: 20` replaces both levels: one level at `severity` (critical unless said otherwise)
      out.warning = severity === 'warning' ? shorthand : null;
      out.critical = severity === 'critical' ? shorthand : null;
    }
  }
  return out;
}

export function rulesBlock(ctx: Ctx, node: YNode, path: string, kind: DeviceKind): Record<string, RuleInput> {
  const out: Record<string, RuleInput> = {};
  for (const e of entries(ctx, node, path)) {
    const r = ruleInput(ctx, e.value, join(path, e.key), kind, e.key, e.keyNode);
    if (r) out[e.key] = r;
  }
  return out;
}

function thresholds(ctx: Ctx, node: YNode, path: string): ThresholdConfig {
  const out: ThresholdConfig = {};
  for (const e of entries(ctx, node, path)) {
    if (!(KINDS as string[]).includes(e.key)) {
      fail(ctx, e.keyNode, join(path, e.key), `unknown device kind "${e.key}"; known kinds: ${KINDS.join(', ')}`);
      continue;
    }
    out[e.key as DeviceKind] = rulesBlock(ctx, e.value, join(path, e.key), e.key as DeviceKind);
  }
  return out;
}

function netDefaults(ctx: Ctx, node: YNode, path: string): NetDefaults {
  const out: NetDefaults = { timeoutMs: DEFAULTS.timeoutMs, retries: DEFAULTS.retries, concurrency: DEFAULTS.concurrency };
  fields(ctx, node, path, {
    timeout: (n, p) => (out.timeoutMs = duration(ctx, n, p, { min: 1 }) ?? out.timeoutMs),
    retries: (n, p) => (out.retries = num(ctx, n, p, { integer: true, min: 0, max: 10 }) ?? out.retries),
    concurrency: (n, p) => (out.concurrency = num(ctx, n, p, { integer: true, min: 1, max: 1024 }) ?? out.concurrency),
  });
  return out;
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

function printer(ctx: Ctx, node: YNode, path: string, defs: NetDefaults): PrinterConfig | undefined {
  const p: Partial<PrinterConfig> & { thresholds: Record<string, PrinterConfig['thresholds'][string]> } = { thresholds: {} };
  let snmpCfg: SnmpConfig | undefined;
  const ok = fields(
    ctx,
    node,
    path,
    {
      name: (n, q) => (p.name = str(ctx, n, q, { nonEmpty: true, pattern: NAME_PATTERN, patternHelp: NAME_HELP })),
      address: (n, q) => (p.address = str(ctx, n, q, { nonEmpty: true, pattern: /^[^\s/]+$/, patternHelp: 'is not a host name or IP address' })),
      port: (n, q) => (p.port = num(ctx, n, q, { integer: true, min: 1, max: 65535 })),
      snmp: (n, q) => (snmpCfg = snmp(ctx, n, q)),
      timeout: (n, q) => (p.timeoutMs = duration(ctx, n, q, { min: 1 }) ?? undefined),
      retries: (n, q) => (p.retries = num(ctx, n, q, { integer: true, min: 0, max: 10 })),
      thresholds: (n, q) => (p.thresholds = rulesBlock(ctx, n, q, 'printer')),
    },
    ['name', 'address', 'snmp'],
  );
  if (!ok || !p.name || !p.address || !snmpCfg) return undefined;
  return {
    name: p.name,
    id: `printer/${p.name}`,
    address: p.address,
    port: p.port ?? 161,
    snmp: snmpCfg,
    timeoutMs: p.timeoutMs ?? defs.timeoutMs,
    retries: p.retries ?? defs.retries,
    thresholds: p.thresholds,
  };
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_GROUPS: Record<string, number[]> = { day: [0, 1, 2, 3, 4, 5, 6], daily: [0, 1, 2, 3, 4, 5, 6], weekday: [1, 2, 3, 4, 5], weekdays: [1, 2, 3, 4, 5], weekend: [0, 6], weekends: [0, 6] };

function days(ctx: Ctx, node: YNode, path: string): number[] | undefined {
  const one = (n: YNode, p: string): number[] | undefined => {
    const v = str(ctx, n, p, { nonEmpty: true });
    if (v === undefined) return undefined;
    const k = v.toLowerCase();
    if (DAY_GROUPS[k]) return DAY_GROUPS[k];
    const i = DAY_NAMES.findIndex((d) => d === k || d.slice(0, 3) === k);
    if (i < 0) return fail(ctx, n, p, `"${v}" is not a day: use sunday … saturday, daily, weekdays or weekends`);
    return [i];
  };
  if (isSeq(node)) {
    const out = new Set<number>();
    list(ctx, node, path, (n, p) => one(n, p)?.forEach((d) => out.add(d)));
    return [...out].sort();
  }
  return one(node, path);
}

function clockTime(ctx: Ctx, node: YNode, path: string): number | undefined {
  const v = str(ctx, node, path);
  if (v === undefined) return undefined;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v.trim());
  if (!m) return fail(ctx, node, path, `"${v}" is not a time of day like 02:00 or 23:30`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function timezone(ctx: Ctx, node: YNode, path: string): string | undefined {
  const v = str(ctx, node, path, { nonEmpty: true });
  if (v === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return v;
  } catch {
    return fail(ctx, node, path, `"${v}" is not a time zone (use an IANA name like Asia/Shanghai or Europe/Berlin)`);
  }
}

function maintenanceWindow(ctx: Ctx, node: YNode, path: string): WindowSpec | undefined {
  const w: Partial<WindowSpec> = {};
  const ok = fields(
    ctx,
    node,
    path,
    {
      name: (n, p) => (w.name = str(ctx, n, p, { nonEmpty: true })),
      devices: (n, p) => {
        const globs: string[] = [];
        list(ctx, n, p, (item, q) => {
          const g = str(ctx, item, q, { nonEmpty: true, pattern: /^[a-z]+\/\S*$/, patternHelp: 'is not a device id or glob like host/vc1/* or printer/*' });
          if (g) globs.push(g);
        });
        w.devices = globs;
      },
      every: (n, p) => (w.days = days(ctx, n, p)),
      from: (n, p) => (w.fromMin = clockTime(ctx, n, p)),
      to: (n, p) => (w.toMin = clockTime(ctx, n, p)),
      timezone: (n, p) => (w.timezone = timezone(ctx, n, p)),
      reason: (n, p) => (w.reason = str(ctx, n, p)),
    },
    ['name', 'devices', 'every', 'from', 'to'],
  );
  if (!ok || !w.name || !w.devices || !w.days || w.fromMin === undefined || w.toMin === undefined) return undefined;
  if (w.fromMin === w.toMin) return fail(ctx, node, path, 'from and to are the same time: the window would be empty (or 24 h: use from 00:00 to 23:59)');
  return { name: w.name, devices: w.devices, days: w.days, fromMin: w.fromMin, toMin: w.toMin, timezone: w.timezone, reason: w.reason };
}

/** A list of named entries (printers, vcenters, windows): each parsed, a repeated name is an error at it. */
function namedList<T extends { name: string }>(ctx: Ctx, node: YNode, path: string, what: string, into: T[], parse: (item: YNode, path: string) => T | undefined): void {
  list(ctx, node, path, (item, q) => {
    const entry = parse(item, q);
    if (!entry) return;
    if (into.some((x) => x.name === entry.name)) fail(ctx, item, join(q, 'name'), `duplicate ${what} name "${entry.name}"`);
    else into.push(entry);
  });
}

/** Validate a parsed YAML document into a Config. Errors and warnings are collected in ctx. */
export function buildConfig(ctx: Ctx, doc: Document, file: string, dir: string): Config {
  const root = doc.contents as YNode;
  const cfg: Config = {
    file,
    dir,
    stateFile: ctx.resolvePath(DEFAULTS.stateFile),
    lockTimeoutMs: DEFAULTS.lockTimeoutMs,
    eventLogSize: DEFAULTS.eventLogSize,
    defaults: { timeoutMs: DEFAULTS.timeoutMs, retries: DEFAULTS.retries, concurrency: DEFAULTS.concurrency },
    thresholds: {},
    printers: [],
    vcenters: [],
    email: null,
    maintenance: [],
    history: { ...HISTORY_CONFIG_DEFAULTS },
    secrets: ctx.secrets,
    warnings: [],
  };
  if (root === null || root === undefined || (isScalar(root) && root.value === null)) return cfg; // empty file: all defaults, no devices
  const deferred: Array<() => void> = [];
  fields(ctx, root, '', {
    'state-file': (n, p) => {
      const v = str(ctx, n, p, { nonEmpty: true });
      if (v) cfg.stateFile = ctx.resolvePath(v);
    },
    'lock-timeout': (n, p) => (cfg.lockTimeoutMs = duration(ctx, n, p) ?? cfg.lockTimeoutMs),
    'event-log-size': (n, p) => (cfg.eventLogSize = num(ctx, n, p, { integer: true, min: 10, max: 1_000_000 }) ?? cfg.eventLogSize),
    defaults: (n, p) => (cfg.defaults = netDefaults(ctx, n, p)),
    thresholds: (n, p) => (cfg.thresholds = thresholds(ctx, n, p)),
    // devices need the defaults, which may come later in the file
    printers: (n, p) => deferred.push(() => namedList(ctx, n, p, 'printer', cfg.printers, (item, q) => printer(ctx, item, q, cfg.defaults))),
    vcenters: (n, p) => deferred.push(() => namedList(ctx, n, p, 'vcenter', cfg.vcenters, (item, q) => vcenterEntry(ctx, item, q, cfg.defaults))),
    email: (n, p) => (cfg.email = emailSection(ctx, n, p) ?? null),
    maintenance: (n, p) => namedList(ctx, n, p, 'maintenance window', cfg.maintenance, (item, q) => maintenanceWindow(ctx, item, q)),
    history: (n, p) => historySection(ctx, n, p, cfg.history),
  });
  for (const f of deferred) f();
  return cfg;
}

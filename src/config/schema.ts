// The config schema: YAML (kebab-case) → typed Config (camelCase). Pure apart from the injected
// readers in Ctx. Every key here must appear, with its default, in monitor.config.yaml.
import type { Document } from 'yaml';
import { isScalar, isSeq } from './yaml-nodes.js';
import type { Config, NetDefaults, SourceSections, ThresholdConfig } from './types.js';
import type { WindowSpec } from '../core/overrides.js';
import { KINDS, rulesFor, SOURCES } from '../sources/index.js';
import { rulesBlock } from './rules.js';
import { emailSection } from './email-schema.js';
import { historySection, HISTORY_CONFIG_DEFAULTS } from './history-schema.js';
import { duration, entries, fail, fields, join, list, namedList, num, str, timeZone, type Ctx, type YNode } from './validate.js';

export const DEFAULTS = {
  stateFile: 'state/simplemon.json',
  lockTimeoutMs: 60_000,
  pollIntervalMs: 5 * 60_000,
  eventLogSize: 1000,
  timeoutMs: 2000,
  retries: 1,
  concurrency: 32,
};

function thresholds(ctx: Ctx, node: YNode, path: string): ThresholdConfig {
  const out: ThresholdConfig = {};
  for (const e of entries(ctx, node, path)) {
    if (!(KINDS as string[]).includes(e.key)) {
      fail(ctx, e.keyNode, join(path, e.key), `unknown device kind "${e.key}"; known kinds: ${KINDS.join(', ')}`);
      continue;
    }
    out[e.key] = rulesBlock(ctx, e.value, join(path, e.key), e.key, rulesFor(e.key));
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
      timezone: (n, p) => (w.timezone = timeZone(ctx, n, p)),
      reason: (n, p) => (w.reason = str(ctx, n, p)),
    },
    ['name', 'devices', 'every', 'from', 'to'],
  );
  if (!ok || !w.name || !w.devices || !w.days || w.fromMin === undefined || w.toMin === undefined) return undefined;
  if (w.fromMin === w.toMin) return fail(ctx, node, path, 'from and to are the same time: the window would be empty (or 24 h: use from 00:00 to 23:59)');
  return { name: w.name, devices: w.devices, days: w.days, fromMin: w.fromMin, toMin: w.toMin, timezone: w.timezone, reason: w.reason };
}

/** Validate a parsed YAML document into a Config. Errors and warnings are collected in ctx. */
export function buildConfig(ctx: Ctx, doc: Document, file: string, dir: string): Config {
  const root = doc.contents as YNode;
  const cfg: Config = {
    file,
    dir,
    stateFile: ctx.resolvePath(DEFAULTS.stateFile),
    lockTimeoutMs: DEFAULTS.lockTimeoutMs,
    pollIntervalMs: DEFAULTS.pollIntervalMs,
    eventLogSize: DEFAULTS.eventLogSize,
    defaults: { timeoutMs: DEFAULTS.timeoutMs, retries: DEFAULTS.retries, concurrency: DEFAULTS.concurrency },
    thresholds: {},
    ...(Object.fromEntries(SOURCES.map((s) => [s.section.key, s.section.empty()])) as unknown as SourceSections),
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
    'poll-interval': (n, p) => {
      const ms = duration(ctx, n, p);
      if (typeof ms !== 'number') return;
      if (ms < 60_000) fail(ctx, n, p, 'must be at least 1m (cron runs a job at most once a minute)');
      else cfg.pollIntervalMs = ms;
    },
    'event-log-size': (n, p) => (cfg.eventLogSize = num(ctx, n, p, { integer: true, min: 10, max: 1_000_000 }) ?? cfg.eventLogSize),
    defaults: (n, p) => (cfg.defaults = netDefaults(ctx, n, p)),
    thresholds: (n, p) => (cfg.thresholds = thresholds(ctx, n, p)),
    // each source's section (devices need the defaults, which may come later in the file)
    ...Object.fromEntries(SOURCES.map((s) => [s.section.key, (n: YNode, p: string) => deferred.push(() => ((cfg as unknown as Record<string, unknown>)[s.section.key] = s.section.parse(ctx, n, p, cfg)))])),
    email: (n, p) => (cfg.email = emailSection(ctx, n, p) ?? null),
    maintenance: (n, p) => namedList(ctx, n, p, 'maintenance window', cfg.maintenance, (item, q) => maintenanceWindow(ctx, item, q)),
    history: (n, p) => historySection(ctx, n, p, cfg.history),
  });
  for (const f of deferred) f();
  return cfg;
}

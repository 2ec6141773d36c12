// A small validator that walks the YAML syntax tree, so that every error can name its YAML path and
// line:column. It collects all errors instead of stopping at the first. No I/O: the environment and
// secret-file reader are injected.
import type { LineCounter, Node, Pair } from 'yaml';
import { isMap, isScalar, isSeq } from './yaml-nodes.js';
import { clean } from '../render/sanitize.js';

export interface ConfigIssue {
  path: string;
  line: number;
  col: number;
  message: string;
}

export interface Ctx {
  lines: LineCounter;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  env: Record<string, string | undefined>;
  readFile: (path: string) => string; // throws with a message on failure
  resolvePath: (p: string) => string;
  secrets: string[];
  /** Where each secret came from, so that the loader (which may stat files) can warn about readable ones. */
  secretSources: SecretSource[];
  /**
   * What the config was built from besides its text (config/cache.ts keys the compiled config on it): each
   * environment variable expanded, and whether it was read for a secret; `inSecret` is set while a secret
   * is read, so that the loader's readFile can tell secret files from others.
   */
  inputs?: { env: Map<string, boolean>; inSecret: boolean };
}

/** Run `read` as the reading of a secret: the variables and files it uses are secret inputs. */
export function asSecret<T>(ctx: Ctx, read: () => T): T {
  if (!ctx.inputs) return read();
  const was = ctx.inputs.inSecret;
  ctx.inputs.inSecret = true;
  try {
    return read();
  } finally {
    ctx.inputs.inSecret = was;
  }
}

/** A secret written in the config itself (`inline`), or read from a `*-file` (`file`, the resolved path). */
export type SecretSource = { kind: 'inline'; key: string; path: string; line: number; col: number } | { kind: 'file'; file: string; path: string; line: number; col: number };

const ENV_REF = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** Does this scalar hold secret text of its own, rather than only `${VAR}` references? */
export function hasInlineText(node: YNode): boolean {
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) return false;
  return String(node.value).replace(ENV_REF, '') !== '';
}

export function noteSecret(ctx: Ctx, node: YNode, source: { kind: 'inline'; key: string; path: string } | { kind: 'file'; file: string; path: string }): void {
  ctx.secretSources.push({ ...source, ...pos(ctx, node) } as SecretSource);
}

export type YNode = Node | null | undefined;

function pos(ctx: Ctx, node: YNode): { line: number; col: number } {
  const off = node?.range?.[0];
  if (off === undefined) return { line: 0, col: 0 };
  return ctx.lines.linePos(off);
}

export function fail(ctx: Ctx, node: YNode, path: string, message: string): undefined {
  // messages quote the offending value: a CR/LF or escape in it must not reach the terminal raw
  ctx.errors.push({ path: clean(path) || '(top)', ...pos(ctx, node), message: clean(message) });
  return undefined;
}

export function warn(ctx: Ctx, node: YNode, path: string, message: string): void {
  ctx.warnings.push({ path: clean(path) || '(top)', ...pos(ctx, node), message: clean(message) });
}

export function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function typeName(node: YNode): string {
  if (!node) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    return typeof v === 'string' ? `"${v}"` : `${typeof v} ${String(v)}`;
  }
  return 'an unsupported value';
}

/** Expand `${VAR}` from the environment; a missing variable is an error (a silent empty secret is worse). */
export function expandEnv(ctx: Ctx, node: YNode, path: string, s: string): string | undefined {
  let bad = false;
  const out = s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = ctx.env[name];
    if (ctx.inputs) ctx.inputs.env.set(name, (ctx.inputs.env.get(name) ?? true) && ctx.inputs.inSecret);
    if (v === undefined) {
      fail(ctx, node, path, `environment variable ${name} is not set`);
      bad = true;
      return '';
    }
    return v;
  });
  return bad ? undefined : out;
}

export function str(ctx: Ctx, node: YNode, path: string, opts: { nonEmpty?: boolean; pattern?: RegExp; patternHelp?: string } = {}): string | undefined {
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
    return fail(ctx, node, path, `expected a string, got ${typeName(node)}`);
  }
  const v = expandEnv(ctx, node, path, String(node.value));
  if (v === undefined) return undefined;
  if (opts.nonEmpty && v.trim() === '') return fail(ctx, node, path, 'must not be empty');
  if (opts.pattern && !opts.pattern.test(v)) return fail(ctx, node, path, `"${v}" ${opts.patternHelp ?? `must match ${opts.pattern}`}`);
  return v;
}

export function num(ctx: Ctx, node: YNode, path: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
    return fail(ctx, node, path, `expected a number, got ${typeName(node)}`);
  }
  const v = node.value;
  if (opts.integer && !Number.isInteger(v)) return fail(ctx, node, path, `expected a whole number, got ${v}`);
  if (opts.min !== undefined && v < opts.min) return fail(ctx, node, path, `must be at least ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) return fail(ctx, node, path, `must be at most ${opts.max}, got ${v}`);
  return v;
}

export function bool(ctx: Ctx, node: YNode, path: string): boolean | undefined {
  if (!isScalar(node) || typeof node.value !== 'boolean') return fail(ctx, node, path, `expected true or false, got ${typeName(node)}`);
  return node.value;
}

export function oneOf<T extends string>(ctx: Ctx, node: YNode, path: string, values: readonly T[]): T | undefined {
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
    return fail(ctx, node, path, `expected one of ${values.join(', ')}, got ${typeName(node)}`);
  }
  const v = String(node.value);
  if (!(values as readonly string[]).includes(v)) return fail(ctx, node, path, `expected one of ${values.join(', ')}, got "${v}"`);
  return v as T;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parse "2s", "500ms", "1h30m", "7d" into milliseconds; null when malformed. Pure, shared with the CLI. */
export function parseDuration(s: string): number | null {
  const t = s.trim();
  if (!t) return null;
  let total = 0;
  let rest = t;
  const re = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/;
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * UNITS[m[2]];
    rest = rest.slice(m[0].length).trimStart();
  }
  return total;
}

/** A duration: "2s", "500ms", "4h"; a bare number means seconds. `off` gives null when allowed. */
export function duration(ctx: Ctx, node: YNode, path: string, opts: { allowOff?: boolean; min?: number } = {}): number | null | undefined {
  if (isScalar(node) && typeof node.value === 'number') {
    const ms = node.value * 1000;
    if (opts.min !== undefined && ms < opts.min) return fail(ctx, node, path, `must be at least ${opts.min} ms`);
    return ms;
  }
  if (opts.allowOff && isScalar(node) && (node.value === false || node.value === 'off')) return null;
  if (!isScalar(node) || typeof node.value !== 'string') return fail(ctx, node, path, `expected a duration like 2s, 500ms or 4h, got ${typeName(node)}`);
  const ms = parseDuration(node.value);
  if (ms === null) return fail(ctx, node, path, `"${node.value}" is not a duration (examples: 2s, 500ms, 4h, 1h30m)`);
  if (opts.min !== undefined && ms < opts.min) return fail(ctx, node, path, `must be at least ${opts.min} ms`);
  return ms;
}

export type FieldHandler = (node: YNode, path: string) => void;

/**
 * Walk a mapping: each known key goes to its handler; unknown keys are errors (a typo must not silently
 * disable a check), with the closest known key suggested. Required keys that are missing are errors.
 */
export function fields(ctx: Ctx, node: YNode, path: string, handlers: Record<string, FieldHandler>, required: string[] = []): boolean {
  if (!isMap(node)) {
    fail(ctx, node, path, `expected a mapping, got ${typeName(node)}`);
    return false;
  }
  const seen = new Set<string>();
  for (const pair of node.items as Pair<YNode, YNode>[]) {
    const keyNode = pair.key as YNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const p = join(path, key);
    const h = handlers[key];
    if (!h) {
      const hint = suggest(key, Object.keys(handlers));
      fail(ctx, keyNode, p, `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; known keys: ${Object.keys(handlers).join(', ')}`);
      continue;
    }
    seen.add(key);
    h(pair.value as YNode, p);
  }
  for (const r of required) if (!seen.has(r)) fail(ctx, node, path, `missing required key "${r}"`);
  return true;
}

export function list(ctx: Ctx, node: YNode, path: string, item: (n: YNode, p: string, i: number) => void): void {
  if (isScalar(node) && node.value === null) return; // `printers:` with nothing under it = empty list
  if (!isSeq(node)) {
    fail(ctx, node, path, `expected a list, got ${typeName(node)}`);
    return;
  }
  node.items.forEach((n, i) => item(n as YNode, join(path, i), i));
}

/** Keys of a mapping with their value nodes (for maps keyed by names, like thresholds). */
export function entries(ctx: Ctx, node: YNode, path: string): Array<{ key: string; keyNode: YNode; value: YNode }> {
  if (isScalar(node) && node.value === null) return [];
  if (!isMap(node)) {
    fail(ctx, node, path, `expected a mapping, got ${typeName(node)}`);
    return [];
  }
  return (node.items as Pair<YNode, YNode>[]).map((p) => ({ key: isScalar(p.key) ? String(p.key.value) : '', keyNode: p.key as YNode, value: p.value as YNode }));
}

/**
 * A secret given inline (`key: …`, `${ENV}` allowed) or as a file (`key-file: …`, trailing newline
 * trimmed, path relative to the config's folder). Exactly one of the two.
 */
export function secret(ctx: Ctx, parent: YNode, path: string, name: string, inline: YNode | undefined, file: YNode | undefined, required = true): string | undefined {
  return asSecret(ctx, () => readSecret(ctx, parent, path, name, inline, file, required));
}

function readSecret(ctx: Ctx, parent: YNode, path: string, name: string, inline: YNode | undefined, file: YNode | undefined, required: boolean): string | undefined {
  if (inline !== undefined && file !== undefined) return fail(ctx, file, join(path, `${name}-file`), `give either ${name} or ${name}-file, not both`);
  if (inline !== undefined) {
    const v = str(ctx, inline, join(path, name));
    if (v !== undefined && v !== '') ctx.secrets.push(v);
    if (v !== undefined && v !== '' && hasInlineText(inline)) noteSecret(ctx, inline, { kind: 'inline', key: name, path: join(path, name) });
    return v;
  }
  if (file !== undefined) {
    const p = str(ctx, file, join(path, `${name}-file`), { nonEmpty: true });
    if (p === undefined) return undefined;
    try {
      const v = ctx.readFile(ctx.resolvePath(p)).replace(/\r?\n$/, '');
      if (v !== '') ctx.secrets.push(v);
      noteSecret(ctx, file, { kind: 'file', file: ctx.resolvePath(p), path: join(path, `${name}-file`) });
      return v;
    } catch (e) {
      return fail(ctx, file, join(path, `${name}-file`), `cannot read ${ctx.resolvePath(p)}: ${(e as Error).message}`);
    }
  }
  if (required) return fail(ctx, parent, path, `missing ${name} (or ${name}-file)`);
  return undefined;
}

function suggest(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length][b.length];
}

/** A device name becomes part of an id (`printer/<name>`) and of file-safe keys. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:+-]*$/;
export const NAME_HELP = 'is not a valid name: use letters, digits and . _ @ : + - (no spaces or slashes)';

/** A device's `name:` field: it becomes part of its id (`<kind>/<name>`). */
export function deviceName(ctx: Ctx, node: YNode, path: string): string | undefined {
  return str(ctx, node, path, { nonEmpty: true, pattern: NAME_PATTERN, patternHelp: NAME_HELP });
}

/** A list of named entries (printers, vcenters, windows): each parsed, a repeated name is an error at it. */
export function namedList<T extends { name: string }>(ctx: Ctx, node: YNode, path: string, what: string, into: T[], parse: (item: YNode, path: string) => T | undefined): void {
  list(ctx, node, path, (item, q) => {
    const entry = parse(item, q);
    if (!entry) return;
    if (into.some((x) => x.name === entry.name)) fail(ctx, item, join(q, 'name'), `duplicate ${what} name "${entry.name}"`);
    else into.push(entry);
  });
}


/** An IANA time zone name, checked with Intl (the zone data Node was built with). */
export function timeZone(ctx: Ctx, node: YNode, path: string): string | undefined {
  const v = str(ctx, node, path, { nonEmpty: true });
  if (v === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return v;
  } catch {
    return fail(ctx, node, path, `"${v}" is not a time zone known to this Node (use an IANA name like Europe/Berlin, Asia/Shanghai or UTC)`);
  }
}

/** A `ca-file:`: a PEM file of CA certificates to trust besides the system's, read now so a typo is a config error. */
export function caFile(ctx: Ctx, node: YNode, path: string): { file: string; pem: string } | undefined {
  const f = str(ctx, node, path, { nonEmpty: true });
  if (f === undefined) return undefined;
  const file = ctx.resolvePath(f);
  let pem: string;
  try {
    pem = ctx.readFile(file);
  } catch (e) {
    return fail(ctx, node, path, `cannot read ${file}: ${(e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return fail(ctx, node, path, `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return { file, pem };
}

// The compiled config, cached beside the state for the read-only commands (status, check, export,
// events, history, completion). Parsing and validating a 5,000-line YAML config takes longer than
// everything else `status` does; reading its compiled form back is a JSON.parse.
//
// The cache is `simplemon.config-cache.json` beside `simplemon.json`, mode 0600. It is used only while everything the
// config was built from is unchanged, and rebuilt (by a full parse) otherwise:
//   - the config file: its path, size, mtime and SHA-256 of its text;
//   - this build of simplemon (the mtime and size of its config modules);
//   - every environment variable the config expands: its value where it fed a plain field, a salted
//     HMAC of it where it fed a secret (its value is never written);
//   - every file read while building it, but secret files (`ca-file:`): size and mtime.
// It holds no secret: communities, passwords, keys and URL passwords are replaced by SECRET_NOT_LOADED,
// and `secrets` is empty. The commands that use it never contact a device; `poll`, `status --refresh`
// and `--watch`, `alerts`, `jobs` and `config validate` always parse the config in full.
//
// Where the state file is must be known before the config is parsed: a top-level `state-file:` line
// with a plain path is read straight from the text (or the default when there is none). A config that
// names it any other way (`${VAR}`, a flow mapping) is parsed in full every time; the cache is written
// only where the full parse puts the state file, so a wrong guess can never be used.
import { constants, closeSync, fstatSync, openSync, readFileSync, statSync, existsSync } from 'node:fs';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './types.js';
import type { ConfigInputs, LoadOptions } from './load.js';
import { findConfig, readConfigText } from './config-file.js';
import { writeFileAtomic } from '../state/atomic.js';

/** What a secret field holds in a config read from the cache. */
export const SECRET_NOT_LOADED = '(secret not loaded)';
const FORMAT = 1;
/** The default `state-file:` (config/schema.ts DEFAULTS), relative to the config's folder. */
const DEFAULT_STATE_FILE = 'state/simplemon.json';

/** Beside the state, as the readings are: `simplemon.json` → `simplemon.config-cache.json`. */
export const cacheFileOf = (stateFile: string) => `${stateFile.replace(/\.json$/i, '')}.config-cache.json`;

/**
 * The config for a command that only reads the state: from the cache when it is current, else parsed in
 * full (and the cache rewritten). Either way secrets are not in it (SECRET_NOT_LOADED).
 */
export async function loadConfigView(explicit?: string, opts: Pick<LoadOptions, 'env'> = {}): Promise<Config> {
  const env = opts.env ?? process.env;
  const src = readSource(explicit, env);
  const stateFile = stateFileIn(src.text, dirname(src.key.file));
  if (stateFile !== null) {
    const hit = readCache(cacheFileOf(stateFile), src.key, env);
    if (hit) return hit;
  }
  return revive((await parseAndCache(src, env, stateFile)).view) as Config;
}

/**
 * The config in full, with its secrets, for a command that polls (`poll`, cron's): parsed as always, and
 * its compiled form left beside the state for the read-only commands that follow.
 */
export async function loadConfigAndCache(explicit?: string, opts: Pick<LoadOptions, 'env'> = {}): Promise<Config> {
  const env = opts.env ?? process.env;
  const src = readSource(explicit, env);
  return (await parseAndCache(src, env, stateFileIn(src.text, dirname(src.key.file)))).full;
}

/** The config file found, read, and its cache key (path, size, mtime, SHA-256, this build); its mode for the secret warnings. */
function readSource(explicit: string | undefined, env: Record<string, string | undefined>): { text: string; mode: number; key: CacheKey } {
  const file = findConfig(explicit, env as NodeJS.ProcessEnv);
  const text = readConfigText(file);
  const st = statSync(file);
  return { text, mode: st.mode, key: { file, size: st.size, mtimeMs: st.mtimeMs, sha256: createHash('sha256').update(text).digest('hex'), build: buildId() } };
}

async function parseAndCache({ text, mode, key }: { text: string; mode: number; key: CacheKey }, env: Record<string, string | undefined>, stateFile: string | null): Promise<{ full: Config; view: unknown }> {
  const file = key.file;
  const { parseConfig } = await import('./load.js');
  const inputs: ConfigInputs = { env: new Map(), files: new Set() };
  const full = parseConfig(text, file, { mode, env, inputs });
  const view = scrub(full);
  // written only where the full parse puts the state, and only into a folder that exists (a read-only
  // command creates no folders); a cache that cannot be written is only slower, never an error
  const cacheFile = stateFile === null ? null : cacheFileOf(stateFile);
  if (cacheFile && full.stateFile === stateFile && existsSync(dirname(cacheFile))) {
    await writeFileAtomic(cacheFile, JSON.stringify({ format: FORMAT, ...key, inputs: fingerprint(inputs, env), config: view })).catch(() => {});
  }
  return { full, view };
}

/** The state file a config names on a top-level `state-file:` line with a plain path; null when it is named some other way. */
export function stateFileIn(text: string, dir: string): string | null {
  const lines = [...text.matchAll(/^state-file[ \t]*:(.*)$/gm)];
  if (lines.length > 1) return null;
  if (!lines.length) {
    // no such line: the default, unless the root is not a block mapping (a flow mapping `{ … }` may name it)
    if (/^\s*[{[]/.test(text.replace(/^(\s*#.*\n|---.*\n)*/, ''))) return null;
    return resolve(dir, DEFAULT_STATE_FILE);
  }
  const m = /^[ \t]*(?:"([^"\\$]*)"|'([^'$]*)'|([^\s"'#{}[\],&*!|>%@`$][^#\s$]*))[ \t]*(?:#.*)?$/.exec(lines[0][1]);
  const v = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  if (!v) return null;
  return isAbsolute(v) ? v : resolve(dir, v);
}

interface CacheKey {
  file: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  build: string;
}

interface Fingerprint {
  /** Variables that fed plain fields: their values (null: unset). */
  plain: Record<string, string | null>;
  /** Variables that fed only secrets: HMAC-SHA256 of the value under `salt` (null: unset). */
  secret: Record<string, string | null>;
  salt: string;
  files: Array<{ path: string; size: number; mtimeMs: number } | { path: string; missing: true }>;
}

function fingerprint(inputs: ConfigInputs, env: Record<string, string | undefined>): Fingerprint {
  const salt = randomBytes(16).toString('hex');
  const fp: Fingerprint = { plain: {}, secret: {}, salt, files: [] };
  for (const [name, secretOnly] of inputs.env) {
    const v = env[name];
    if (secretOnly) fp.secret[name] = v === undefined ? null : createHmac('sha256', salt).update(v).digest('hex');
    else fp.plain[name] = v ?? null;
  }
  for (const path of inputs.files) fp.files.push(fileStamp(path));
  return fp;
}

function fileStamp(path: string): Fingerprint['files'][number] {
  try {
    const s = statSync(path);
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return { path, missing: true };
  }
}

function current(fp: Fingerprint, env: Record<string, string | undefined>): boolean {
  for (const [name, v] of Object.entries(fp.plain)) if ((env[name] ?? null) !== v) return false;
  for (const [name, h] of Object.entries(fp.secret)) {
    const v = env[name];
    if ((v === undefined ? null : createHmac('sha256', fp.salt).update(v).digest('hex')) !== h) return false;
  }
  for (const f of fp.files) if (JSON.stringify(fileStamp(f.path)) !== JSON.stringify(f)) return false;
  return true;
}

function readCache(cacheFile: string, key: CacheKey, env: Record<string, string | undefined>): Config | null {
  let text: string;
  try {
    // never through a link planted in its name
    const fd = openSync(cacheFile, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!fstatSync(fd).isFile()) return null;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  try {
    const c = JSON.parse(text) as CacheKey & { format: number; inputs: Fingerprint; config: unknown };
    if (c.format !== FORMAT || c.file !== key.file || c.size !== key.size || c.mtimeMs !== key.mtimeMs || c.sha256 !== key.sha256 || c.build !== key.build) return null;
    if (!c.inputs || !current(c.inputs, env)) return null;
    // URLs are the only values that need reviving; most configs have none
    return (text.includes('"$url"') ? revive(c.config) : c.config) as Config;
  } catch {
    return null; // torn or foreign: parsed in full and written anew
  }
}

let build: string | undefined;
/** This build of simplemon: the sizes and mtimes of the bundle or of the config modules (a rebuilt parser never reads an older cache). */
function buildId(): string {
  if (build) return build;
  const parts: string[] = [];
  // this module's own file (dist/config/cache.js, or the bundle), and its neighbours when unbundled
  for (const rel of [import.meta.url, './schema.js', './load.js', './validate.js', '../sources/index.js']) {
    try {
      const s = statSync(fileURLToPath(new URL(rel, import.meta.url)));
      parts.push(`${rel}:${s.size}:${s.mtimeMs}`);
    } catch {
      // bundled: the modules are one file, this one
    }
  }
  return (build = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16));
}

// The compiled config as JSON: plain objects, arrays, strings, numbers, booleans and null, and URL
// objects as { $url }. Anything else is refused, so that a new type in the config cannot come back from
// the cache as something else.
const SECRET_KEYS = new Set(['community', 'password']);

/** A copy of the config as cacheable JSON, without its secrets. */
export function scrub(config: Config): unknown {
  const walk = (v: unknown, key: string, holder: object | null): unknown => {
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return v;
    if (typeof v === 'string') {
      // SNMPv3 { protocol, key }, communities and passwords (SMTP, vCenter, IPP)
      if (SECRET_KEYS.has(key) || /Password$/.test(key) || (key === 'key' && holder && 'protocol' in holder)) return SECRET_NOT_LOADED;
      // a URL kept as text (a service's check.url) may carry a password
      if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#@]*@/i.test(v)) {
        try {
          const u = new URL(v);
          if (u.password) u.password = SECRET_NOT_LOADED;
          return u.href === new URL(v).href ? v : u.href;
        } catch {
          return v;
        }
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, String(i), v));
    if (v instanceof URL) {
      const u = new URL(v.href);
      if (u.password) u.password = SECRET_NOT_LOADED;
      return { $url: u.href };
    }
    if (Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = key === '' && k === 'secrets' ? [] : walk(x, k, v);
      return out;
    }
    throw new Error(`config cache: cannot store ${Object.prototype.toString.call(v)} at "${key}"`);
  };
  return walk(config, '', null);
}

/** The config from its cached JSON (URLs made URLs again). */
export function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$url === 'string' && Object.keys(o).length === 1) return new URL(o.$url);
    for (const k of Object.keys(o)) o[k] = revive(o[k]);
    return o;
  }
  return v;
}

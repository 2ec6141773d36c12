// Find, read and validate the config file. The only config code that touches the file system.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { buildConfig } from './schema.js';
import type { Config } from './types.js';
import type { Ctx, ConfigIssue, SecretSource } from './validate.js';
import { ConfigError } from '../util/errors.js';
import { rememberSecrets } from '../util/secrets.js';
import { clean } from '../render/sanitize.js';

export { CONFIG_NAME, SYSTEM_CONFIG, CONFIG_MAX_BYTES, readConfigText, findConfig } from './config-file.js';
import { findConfig, readConfigText } from './config-file.js';

export function formatIssues(file: string, issues: ConfigIssue[]): string {
  // messages may quote the file's own text: its control characters are shown as escapes
  return issues.map((i) => `${file}:${i.line}:${i.col}: ${clean(i.path)}: ${clean(i.message)}`).join('\n');
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** The config file's mode (st_mode), when it was read from a file: inline secrets in a file others can read are warned about. */
  mode?: number;
  /** Filled with what the config was built from besides its text (see config/cache.ts). */
  inputs?: ConfigInputs;
}

/** The environment variables (name → read only for a secret) and the files other than secret files that a config was built from. */
export interface ConfigInputs {
  env: Map<string, boolean>;
  files: Set<string>;
}

/** Group or others may read it. */
const READABLE_BY_OTHERS = 0o044;

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/**
 * A secret is only as private as the file it is in: an inline community, password or key in a config that
 * group or others can read, and a `*-file` that they can read, each get a warning saying how to fix it.
 */
export function secretWarnings(file: string, mode: number | undefined, sources: readonly SecretSource[], modeOf: (file: string) => number | undefined): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const s of sources) {
    if (s.kind === 'inline') {
      if (mode === undefined || !(mode & READABLE_BY_OTHERS)) continue;
      const instead = s.key === 'URL password' ? 'or give the URL as "${VAR}" from the environment' : `or move it to ${s.key}-file (readable by simplemon's user only)`;
      out.push({ path: s.path, line: s.line, col: s.col, message: `a secret is written inline in a config file that group or others can read (mode ${octal(mode)}): run chmod 600 ${shellWord(file)}, ${instead}` });
    } else {
      const m = modeOf(s.file);
      if (m === undefined || !(m & READABLE_BY_OTHERS)) continue;
      out.push({ path: s.path, line: s.line, col: s.col, message: `the secret file ${s.file} can be read by group or others (mode ${octal(m)}): run chmod 600 ${shellWord(s.file)}` });
    }
  }
  return out;
}

function statMode(file: string): number | undefined {
  try {
    return statSync(file).mode;
  } catch {
    return undefined;
  }
}

/**
 * The YAML parser's errors, one line each as `file:line:col: YAML syntax: reason`, in words that say
 * what to change: its " at line L, column C:" tail is dropped (the prefix says it), a duplicate key is
 * named, and the three errors an unquoted ${VAR} inside { } causes become one that says to quote it.
 */
function yamlSyntaxErrors(errors: YAMLError[], text: string, file: string): string[] {
  const srcLines = text.split('\n');
  const out: string[] = [];
  const hinted = new Set<number>();
  for (const e of errors) {
    const lp = e.linePos?.[0];
    const line = lp ? srcLines[lp.line - 1] ?? '' : '';
    // ${VAR} unquoted in a flow collection: { and } are YAML syntax there
    const unquoted = lp ? /(^|[\s,[{:])(\$\{[A-Za-z_][A-Za-z0-9_]*\})/.exec(line) : null;
    if (lp && unquoted && /[{[]/.test(line.slice(0, unquoted.index))) {
      if (!hinted.has(lp.line)) {
        hinted.add(lp.line);
        const col = unquoted.index + unquoted[1].length + 1;
        out.push(`${file}:${lp.line}:${col}: YAML syntax: ${unquoted[2]} inside { } or [ ] must be quoted: write "${unquoted[2]}"`);
      }
      continue;
    }
    let reason = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^[^:\s]+|^"[^"]*"|^'[^']*'/.exec(text.slice(e.pos[0]))?.[0];
      reason = key ? `the key ${/^["']/.test(key) ? key : `"${key}"`} appears twice in the same mapping (keys must be unique)` : reason;
    }
    if (e.code === 'TAB_AS_INDENT') reason = 'a tab is used for indentation; YAML allows only spaces there';
    out.push(`${file}:${lp ? `${lp.line}:${lp.col}` : '?'}: YAML syntax: ${clean(reason)}`);
  }
  return out;
}

/** Parse and validate config text; throws ConfigError listing every problem at once. */
export function parseConfig(text: string, file: string, opts: LoadOptions = {}): Config {
  const dir = dirname(file);
  const lines = new LineCounter();
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul).split('\n');
    throw new ConfigError(`invalid config ${file}\n${file}:${before.length}:${before[before.length - 1].length + 1}: not a YAML text file: it contains a NUL byte (is it the right file?)`);
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new ConfigError(`invalid config ${file}\n${yamlSyntaxErrors(doc.errors, text, file).join('\n')}`);
  const ctx: Ctx = {
    lines,
    errors: [],
    warnings: [],
    env: opts.env ?? process.env,
    readFile: (p) => {
      if (opts.inputs && !ctx.inputs?.inSecret) opts.inputs.files.add(p);
      return readFileSync(p, 'utf8');
    },
    resolvePath: (p) => (isAbsolute(p) ? p : resolve(dir, p)),
    secrets: [],
    secretSources: [],
    inputs: opts.inputs ? { env: opts.inputs.env, inSecret: false } : undefined,
  };
  const cfg = buildConfig(ctx, doc, file, dir);
  rememberSecrets(ctx.secrets);
  if (ctx.errors.length) {
    ctx.errors.sort((a, b) => a.line - b.line || a.col - b.col);
    const n = ctx.errors.length;
    throw new ConfigError(`invalid config ${file}: ${n} error${n > 1 ? 's' : ''}\n${formatIssues(file, ctx.errors)}`);
  }
  const exposed = secretWarnings(file, opts.mode, ctx.secretSources, statMode).sort((a, b) => a.line - b.line || a.col - b.col);
  const warnings = [...ctx.warnings, ...exposed];
  cfg.warnings = warnings.map((w) => formatIssues(file, [w]));
  return cfg;
}

export function loadConfig(explicit?: string, opts: LoadOptions = {}): Config {
  const file = findConfig(explicit, (opts.env as NodeJS.ProcessEnv) ?? process.env);
  const text = readConfigText(file);
  return parseConfig(text, file, { mode: statMode(file), ...opts });
}

// Find, read and validate the config file. The only config code that touches the file system.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { buildConfig } from './schema.js';
import { formatYamlErrors } from './yaml-errors.js';
import type { Config } from './types.js';
import type { Ctx, ConfigIssue } from './validate.js';
import { ConfigError } from '../util/errors.js';
import { rememberSecrets } from '../util/secrets.js';

export const CONFIG_NAME = 'monitor.config.yaml';
export const SYSTEM_CONFIG = '/etc/simplemon/monitor.config.yaml';

/** --config, then $SIMPLEMON_CONFIG, then ./monitor.config.yaml, then /etc/simplemon/monitor.config.yaml. */
export function findConfig(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  if (env.SIMPLEMON_CONFIG) return resolve(cwd, env.SIMPLEMON_CONFIG);
  const local = resolve(cwd, CONFIG_NAME);
  if (existsSync(local)) return local;
  if (existsSync(SYSTEM_CONFIG)) return SYSTEM_CONFIG;
  throw new ConfigError(
    `no config file found: give --config FILE, set SIMPLEMON_CONFIG, or create ./${CONFIG_NAME} (simplemon config init writes a commented sample) or ${SYSTEM_CONFIG}`,
  );
}

export function formatIssues(file: string, issues: ConfigIssue[]): string {
  return issues.map((i) => `${file}:${i.line}:${i.col}: ${i.path}: ${i.message}`).join('\n');
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
}

/** Parse and validate config text; throws ConfigError listing every problem at once. */
export function parseConfig(text: string, file: string, opts: LoadOptions = {}): Config {
  const dir = dirname(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(`invalid config ${file}\n${formatYamlErrors(file, text, doc.errors).join('\n')}`);
  }
  const ctx: Ctx = {
    lines,
    errors: [],
    warnings: [],
    env: opts.env ?? process.env,
    readFile: (p) => readFileSync(p, 'utf8'),
    resolvePath: (p) => (isAbsolute(p) ? p : resolve(dir, p)),
    secrets: [],
  };
  const cfg = buildConfig(ctx, doc, file, dir);
  rememberSecrets(ctx.secrets);
  if (ctx.errors.length) {
    ctx.errors.sort((a, b) => a.line - b.line || a.col - b.col);
    const n = ctx.errors.length;
    throw new ConfigError(`invalid config ${file}: ${n} error${n > 1 ? 's' : ''}\n${formatIssues(file, ctx.errors)}`);
  }
  cfg.warnings = ctx.warnings.map((w) => formatIssues(file, [w]));
  return cfg;
}

export function loadConfig(explicit?: string, opts: LoadOptions = {}): Config {
  const file = findConfig(explicit, (opts.env as NodeJS.ProcessEnv) ?? process.env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseConfig(text, file, opts);
}

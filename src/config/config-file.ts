// Finding and reading the config file (no YAML here: the config cache reads the file without the parser).
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../util/errors.js';

export const CONFIG_NAME = 'monitor.config.yaml';
export const SYSTEM_CONFIG = '/etc/simplemon/monitor.config.yaml';
/** A real config is a few KiB; a 50 MB one ran the parser out of memory after 88 s. */
export const CONFIG_MAX_BYTES = 2 * 1024 * 1024;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;

/**
 * Read at most `limit` bytes of a config file. The size is checked with fstat before reading, and the
 * read itself stops past the limit (a pipe or /dev/zero has no size to check).
 */
export function readConfigText(file: string, limit = CONFIG_MAX_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ConfigError(`cannot read config ${file}: it is a folder`);
    const tooBig = (size: string) => new ConfigError(`config ${file} is too large (${size}; the limit is ${mib(limit)}): is it the right file?`);
    if (st.isFile() && st.size > limit) throw tooBig(mib(st.size));
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > limit) throw tooBig(`more than ${mib(limit)}`);
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    closeSync(fd);
  }
}

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


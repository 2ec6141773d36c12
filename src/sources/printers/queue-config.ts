// A printer's job queue in the config: `ipp: ipp://printer.example.com/ipp/print` (or ipps://, TLS
// verified), `ipp-user` and `ipp-password-file` for servers that want a login, `queue-stuck` (15m).
import { caFile, duration, fail, secret, str, warn, bool, type Ctx, type YNode } from '../../config/validate.js';

export interface QueueConfig {
  url: string;
  user: string | null;
  password: string | null;
  /** PEM text of `ca-file`, trusted besides the system's CAs for ipps://. */
  ca: string | null;
  insecure: boolean;
  stuckAfterMs: number;
}

export const QUEUE_KEYS = ['ipp', 'ipp-user', 'ipp-password', 'ipp-password-file', 'queue-stuck', 'ca-file', 'insecure'] as const;
export const QUEUE_STUCK_DEFAULT = 15 * 60_000;

/** Parse the queue keys of one printer entry (`raw`: the nodes of those keys that were given). */
export function queueConfig(ctx: Ctx, entry: YNode, path: string, raw: Partial<Record<(typeof QUEUE_KEYS)[number], YNode>>): QueueConfig | null | undefined {
  const j = (k: string) => (path ? `${path}.${k}` : k);
  if (!raw.ipp) {
    for (const k of QUEUE_KEYS) if (k !== 'ipp' && raw[k]) fail(ctx, raw[k], j(k), 'only with ipp: (the printer\'s job queue URL)');
    return null;
  }
  const url = str(ctx, raw.ipp, j('ipp'), { nonEmpty: true });
  if (url === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail(ctx, raw.ipp, j('ipp'), `"${url}" is not a URL (example: ipp://printer.example.com/ipp/print)`);
  }
  if (u.protocol !== 'ipp:' && u.protocol !== 'ipps:') return fail(ctx, raw.ipp, j('ipp'), `"${url}" must start with ipp:// or ipps://`);
  if (u.username || u.password) return fail(ctx, raw.ipp, j('ipp'), 'give the login in ipp-user and ipp-password-file, not in the URL');
  const user = raw['ipp-user'] ? str(ctx, raw['ipp-user'], j('ipp-user'), { nonEmpty: true }) : null;
  const password = raw['ipp-password'] || raw['ipp-password-file'] ? secret(ctx, entry, path, 'ipp-password', raw['ipp-password'], raw['ipp-password-file']) : null;
  if ((password !== null) !== (user !== null) && user !== undefined && password !== undefined) fail(ctx, entry, j('ipp-user'), 'give both ipp-user and ipp-password-file, or neither');
  const ca = raw['ca-file'] ? caFile(ctx, raw['ca-file'], j('ca-file'))?.pem : null;
  const insecure = raw.insecure ? (bool(ctx, raw.insecure, j('insecure')) ?? false) : false;
  if (insecure) warn(ctx, raw.insecure, j('insecure'), `the certificate of ${u.host} is not verified (insecure: true)`);
  if (u.protocol === 'ipp:' && password) warn(ctx, raw['ipp-password-file'] ?? raw['ipp-password'], j('ipp-password-file'), 'plain ipp:// sends the password unencrypted; prefer ipps://');
  const stuckAfterMs = raw['queue-stuck'] ? (duration(ctx, raw['queue-stuck'], j('queue-stuck'), { min: 1000 }) ?? undefined) : QUEUE_STUCK_DEFAULT;
  if (user === undefined || password === undefined || ca === undefined || stuckAfterMs === undefined) return undefined;
  return { url, user, password, ca, insecure, stuckAfterMs };
}

// The `email:` section (issue: alert emails): SMTP server, sender, recipients, digest or per-device
// mails, reminders, timezone, unknown-state alerts and routes. Wired into schema.ts. Pure apart from the
// injected readers in Ctx (password-file, ca-file).
import { isScalar, isSeq } from './yaml-nodes.js';
import type { DeviceKind } from '../core/types.js';
import { KINDS } from '../sources/index.js';
import { bool, caFile as readCaFile, duration, fail, fields, join, list, num, oneOf, secret, str, timeZone, warn, type Ctx, type YNode } from './validate.js';

export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (SMTPS, usually port 465). */
  secure: boolean;
  /** Without `secure`: insist on STARTTLS and refuse to send in clear. */
  requireTls: boolean;
  /** AUTH (PLAIN or LOGIN, whichever the server offers); null for an unauthenticated relay. */
  user: string | null;
  password: string | null;
  /** Extra CA certificates (PEM text read from `ca-file`) trusted for the server's certificate. */
  caFile: string | null;
  ca: string | null;
  /** Skip certificate verification (warned about at validation). */
  insecure: boolean;
  timeoutMs: number;
}

export type AlertSeverity = 'warning' | 'critical' | 'unknown';

export interface EmailRoute {
  /** null = any kind. */
  kind: DeviceKind | null;
  /** Glob on the device name (or on its id when the glob contains a "/"); null = any. */
  name: string | null;
  /** The severities this route is for (a recovery counts as the severity it recovers from); null = any. */
  severity: AlertSeverity[] | null;
  recipients: string[];
}

export interface EmailConfig {
  smtp: SmtpConfig;
  from: string;
  recipients: string[];
  mode: 'digest' | 'per-device';
  /** Remind while a problem lasts (not acknowledged); null = off. */
  repeatEveryMs: number | null;
  /** IANA zone for the times in emails. */
  timezone: string;
  /** Which devices are emailed about when they become `unknown`: none (false), all (true), or globs. */
  notifyUnknown: boolean | string[];
  routes: EmailRoute[];
}

export const EMAIL_DEFAULTS = {
  port: 587,
  securePort: 465,
  secure: false,
  requireTls: true,
  insecure: false,
  timeoutMs: 10_000,
  mode: 'digest' as const,
  repeatEveryMs: null,
  notifyUnknown: true,
};

/** An address as it may appear in an envelope: no spaces, no angle brackets, no CR/LF, one "@". */
const ADDRESS = /^[^\s@<>",;()[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ADDRESS_HELP = 'is not a plain email address (like ops@example.com)';

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function addresses(ctx: Ctx, node: YNode, path: string, required: boolean): string[] | undefined {
  const out: string[] = [];
  let bad = false;
  if (isScalar(node) && typeof node.value === 'string') {
    // a single address is accepted as a list of one
    const v = str(ctx, node, path, { nonEmpty: true, pattern: ADDRESS, patternHelp: ADDRESS_HELP });
    return v === undefined ? undefined : [v];
  }
  list(ctx, node, path, (n, p) => {
    const v = str(ctx, n, p, { nonEmpty: true, pattern: ADDRESS, patternHelp: ADDRESS_HELP });
    if (v === undefined) bad = true;
    else if (!out.includes(v)) out.push(v);
  });
  if (bad) return undefined;
  if (required && out.length === 0) return fail(ctx, node, path, 'must list at least one address');
  return out;
}

function smtpBlock(ctx: Ctx, node: YNode, path: string): SmtpConfig | undefined {
  const raw: Record<string, YNode> = {};
  const grab = (k: string) => (n: YNode) => (raw[k] = n);
  let host: string | undefined;
  let port: number | undefined;
  let secure: boolean = EMAIL_DEFAULTS.secure;
  let requireTls: boolean = EMAIL_DEFAULTS.requireTls;
  let insecure: boolean = EMAIL_DEFAULTS.insecure;
  let timeoutMs: number = EMAIL_DEFAULTS.timeoutMs;
  let user: string | null = null;
  let caFile: string | null = null;
  let ca: string | null = null;
  let ok = true;
  const okFields = fields(
    ctx,
    node,
    path,
    {
      host: (n, p) => (host = str(ctx, n, p, { nonEmpty: true, pattern: /^[^\s/@]+$/, patternHelp: 'is not a host name or IP address' })),
      port: (n, p) => (port = num(ctx, n, p, { integer: true, min: 1, max: 65535 })),
      secure: (n, p) => (secure = bool(ctx, n, p) ?? secure),
      'require-tls': (n, p) => (requireTls = bool(ctx, n, p) ?? requireTls),
      user: (n, p) => {
        const v = str(ctx, n, p, { nonEmpty: true });
        if (v === undefined) ok = false;
        else user = v;
      },
      password: grab('password'),
      'password-file': grab('password-file'),
      'ca-file': (n, p) => {
        const c = readCaFile(ctx, n, p);
        if (!c) ok = false;
        else [caFile, ca] = [c.file, c.pem];
      },
      insecure: (n, p) => {
        insecure = bool(ctx, n, p) ?? insecure;
        if (insecure) warn(ctx, n, p, "the SMTP server's certificate is not verified (insecure: true)");
      },
      timeout: (n, p) => (timeoutMs = duration(ctx, n, p, { min: 100 }) ?? timeoutMs),
    },
    ['host'],
  );
  if (!okFields) return undefined;
  const hasPassword = 'password' in raw || 'password-file' in raw;
  let password: string | null = null;
  if (hasPassword) {
    const pw = secret(ctx, node, path, 'password', raw.password, raw['password-file']);
    if (pw === undefined) ok = false;
    else if (pw === '') {
      fail(ctx, raw.password ?? raw['password-file'], join(path, 'password' in raw ? 'password' : 'password-file'), 'the password is empty');
      ok = false;
    } else password = pw;
    if (user === null && ok) {
      fail(ctx, raw.password ?? raw['password-file'], join(path, 'password'), 'a password needs a user');
      ok = false;
    }
  } else if (user !== null) {
    fail(ctx, node, path, 'user needs a password (or password-file)');
    ok = false;
  }
  if (!ok || host === undefined) return undefined;
  return {
    host,
    port: port ?? (secure ? EMAIL_DEFAULTS.securePort : EMAIL_DEFAULTS.port),
    secure,
    requireTls,
    user,
    password,
    caFile,
    ca,
    insecure,
    timeoutMs,
  };
}

function severities(ctx: Ctx, node: YNode, path: string): AlertSeverity[] | undefined {
  const values = ['warning', 'critical', 'unknown'] as const;
  if (!isSeq(node)) {
    const v = oneOf(ctx, node, path, values);
    return v === undefined ? undefined : [v];
  }
  const out: AlertSeverity[] = [];
  let bad = false;
  list(ctx, node, path, (n, p) => {
    const v = oneOf(ctx, n, p, values);
    if (v === undefined) bad = true;
    else if (!out.includes(v)) out.push(v);
  });
  if (bad) return undefined;
  if (!out.length) return fail(ctx, node, path, 'must list at least one severity');
  return out;
}

const GLOB = /^[^\s]+$/;

function route(ctx: Ctx, node: YNode, path: string): EmailRoute | undefined {
  const r: Partial<EmailRoute> = { kind: null, name: null, severity: null };
  let bad = false;
  const ok = fields(
    ctx,
    node,
    path,
    {
      kind: (n, p) => {
        const v = oneOf(ctx, n, p, KINDS as readonly DeviceKind[]);
        if (v === undefined) bad = true;
        else r.kind = v;
      },
      name: (n, p) => {
        const v = str(ctx, n, p, { nonEmpty: true, pattern: GLOB, patternHelp: 'is not a name glob (like "floor2-*")' });
        if (v === undefined) bad = true;
        else r.name = v;
      },
      severity: (n, p) => {
        const v = severities(ctx, n, p);
        if (v === undefined) bad = true;
        else r.severity = v;
      },
      recipients: (n, p) => {
        const v = addresses(ctx, n, p, true);
        if (v === undefined) bad = true;
        else r.recipients = v;
      },
    },
    ['recipients'],
  );
  if (!ok || bad || !r.recipients) return undefined;
  return r as EmailRoute;
}

function notifyUnknown(ctx: Ctx, node: YNode, path: string): boolean | string[] | undefined {
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  if (!isSeq(node)) return fail(ctx, node, path, 'expected true, false, or a list of device globs (like "vcenter/*")');
  const out: string[] = [];
  let bad = false;
  list(ctx, node, path, (n, p) => {
    const v = str(ctx, n, p, { nonEmpty: true, pattern: GLOB, patternHelp: 'is not a device glob (like "vcenter/*")' });
    if (v === undefined) bad = true;
    else out.push(v);
  });
  return bad ? undefined : out;
}

export function emailSection(ctx: Ctx, node: YNode, path: string): EmailConfig | undefined {
  if (isScalar(node) && node.value === null) return undefined; // `email:` with nothing under it = no email
  let smtp: SmtpConfig | undefined;
  let from: string | undefined;
  let recipients: string[] | undefined = [];
  let mode: EmailConfig['mode'] = EMAIL_DEFAULTS.mode;
  let repeatEveryMs: number | null = EMAIL_DEFAULTS.repeatEveryMs;
  let timezone: string = systemTimeZone();
  let unknown: boolean | string[] = EMAIL_DEFAULTS.notifyUnknown;
  const routes: EmailRoute[] = [];
  let bad = false;
  const ok = fields(
    ctx,
    node,
    path,
    {
      smtp: (n, p) => (smtp = smtpBlock(ctx, n, p)),
      from: (n, p) => (from = str(ctx, n, p, { nonEmpty: true, pattern: ADDRESS, patternHelp: ADDRESS_HELP })),
      recipients: (n, p) => (recipients = addresses(ctx, n, p, false)),
      mode: (n, p) => (mode = oneOf(ctx, n, p, ['digest', 'per-device'] as const) ?? mode),
      'repeat-every': (n, p) => {
        const v = duration(ctx, n, p, { allowOff: true, min: 60_000 });
        if (v !== undefined) repeatEveryMs = v;
      },
      timezone: (n, p) => {
        const v = timeZone(ctx, n, p);
        if (v === undefined) bad = true;
        else timezone = v;
      },
      'notify-unknown': (n, p) => {
        const v = notifyUnknown(ctx, n, p);
        if (v === undefined) bad = true;
        else unknown = v;
      },
      routes: (n, p) =>
        list(ctx, n, p, (item, q) => {
          const r = route(ctx, item, q);
          if (r) routes.push(r);
          else bad = true;
        }),
    },
    ['smtp', 'from'],
  );
  if (!ok) return undefined;
  if (recipients !== undefined && recipients.length === 0 && routes.length === 0 && !bad) {
    return fail(ctx, node, path, 'no recipients: give recipients (or routes with recipients)');
  }
  if (!smtp || from === undefined || recipients === undefined || bad) return undefined;
  return { smtp, from, recipients, mode, repeatEveryMs, timezone, notifyUnknown: unknown, routes };
}

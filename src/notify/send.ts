// Sending over SMTP. The only file that imports nodemailer, and only when a message is sent, so that
// `status` and `--help` never load it. Failures are classified here, once:
//
//   | what happened                                          | outcome    | the message                 |
//   |--------------------------------------------------------|------------|-----------------------------|
//   | connection refused / reset / DNS / TLS / timeout       | transient  | stays queued; stop this round |
//   | require-tls and no STARTTLS offered (would be clear)   | transient  | stays queued; stop this round |
//   | any reply while setting up (greeting, EHLO, STARTTLS)  | transient  | stays queued; stop this round |
//   | 421 (server going away) or any 4xx reply               | transient  | stays queued, retried       |
//   | 503 (bad sequence: a session problem, not the message) | transient  | stays queued, retried       |
//   | any other 5xx reply (incl. 535 authentication failed)  | permanent  | kept, marked failed         |
//   | some recipients refused, others accepted               | sent       | refused ones stay, per code |
//   | the whole exchange not done within `timeout` (deadline) | transient  | stays queued; stop this round |
//
// nodemailer's timeouts are per stage (connect, greeting, each reply): a server that trickles its
// replies, or greets only just before each timer fires, keeps it going for ever. So every message has
// one deadline, `timeout`, for its whole exchange: at the deadline the connection is torn down.
import type { SmtpConfig } from '../config/email-schema.js';
import { clean } from '../render/sanitize.js';
import type { OutboxEntry } from './types.js';

/** What goes on the wire: the outbox entry's message, as written before the first attempt. */
export type OutgoingMessage = Pick<OutboxEntry, 'messageId' | 'date' | 'from' | 'to' | 'subject' | 'text' | 'html'>;

export type FailureKind = 'transient' | 'permanent';

export interface RefusedRecipient {
  address: string;
  kind: FailureKind;
  error: string;
}

export type SendOutcome =
  | { status: 'sent'; accepted: string[]; refused: RefusedRecipient[]; response: string }
  | {
      status: FailureKind;
      error: string;
      code: string | null;
      responseCode: number | null;
      /** The server could not be reached or talked to at all: later messages would fare no better now. */
      connection: boolean;
      refused: RefusedRecipient[];
    };

export interface Mailer {
  send(message: OutgoingMessage): Promise<SendOutcome>;
  close(): void;
}

/** How a notifier gets its mailer; tests may pass their own. */
export type MailerFactory = (smtp: SmtpConfig, secrets: readonly string[]) => Promise<Mailer>;

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  rejectedErrors?: Array<SmtpErrorLike & { recipient?: string }>;
}

/** Classify a reply code: 4xx and 503 can succeed later; every other 5xx will not. */
export function classifyReply(code: number | null | undefined): FailureKind | null {
  if (!code) return null;
  if (code >= 400 && code < 500) return 'transient';
  if (code === 503) return 'transient';
  if (code >= 500 && code < 600) return 'permanent';
  return null;
}

/** Replies to these belong to setting the session up, not to the message: the server, not the message, is the problem. */
const SESSION_COMMANDS = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS']);

/** Classify a nodemailer error (see the table above). Anything unrecognised is transient: never lose a message. */
export function classifyError(err: unknown): { kind: FailureKind; connection: boolean } {
  const e = (err ?? {}) as SmtpErrorLike;
  // a refused STARTTLS comes with a 5xx reply, but it says nothing about the message
  if (e.code && CONNECTION_CODES.has(e.code)) return { kind: 'transient', connection: true };
  if (e.command && SESSION_COMMANDS.has(e.command)) return { kind: 'transient', connection: true };
  const byReply = classifyReply(e.responseCode);
  if (byReply) return { kind: byReply, connection: e.responseCode === 421 };
  return { kind: 'transient', connection: false };
}

/** Every form in which a secret could leak into a reply or an error (AUTH PLAIN/LOGIN send base64). */
function secretForms(smtp: SmtpConfig, secrets: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (s: string | null) => {
    if (!s || s.length < 3) return;
    out.add(s);
    out.add(Buffer.from(s, 'utf8').toString('base64'));
  };
  for (const s of secrets) add(s);
  add(smtp.password);
  if (smtp.user && smtp.password) out.add(Buffer.from(`\u0000${smtp.user}\u0000${smtp.password}`, 'utf8').toString('base64'));
  return [...out].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

/** Text from the server or the network for a report line: no secrets, no control characters, bounded. */
export function safeText(text: string, forms: readonly string[]): string {
  let out = text;
  for (const s of forms) out = out.split(s).join('***');
  out = clean(out).replace(/\s+/g, ' ').trim();
  return out.length > 300 ? out.slice(0, 299) + '…' : out;
}

function describe(e: SmtpErrorLike, smtp: SmtpConfig, forms: readonly string[]): string {
  const where = `[smtp ${smtp.host}:${smtp.port}]`;
  let msg = safeText(e.message ?? String(e), forms); // the server's or library's words: masked; ours below are not
  if (e.code === 'ETIMEDOUT') msg = `timeout after ${smtp.timeoutMs} ms (${msg})`;
  if (/STARTTLS/i.test(msg) && smtp.requireTls) msg = `refused to send in clear (require-tls): ${msg}`;
  if (/certificate|self[- ]signed/i.test(msg) && !smtp.insecure) msg = `${msg} — the server's certificate is not trusted: give its CA as ca-file${smtp.caFile ? ` (now ${smtp.caFile})` : ''}`;
  return `${where} ${clean(msg)}${e.code ? ` (${e.code})` : ''}`;
}

function refusedOf(list: SmtpErrorLike['rejectedErrors'], smtp: SmtpConfig, forms: readonly string[]): RefusedRecipient[] {
  return (list ?? [])
    .filter((r) => typeof r.recipient === 'string')
    .map((r) => ({ address: r.recipient!, kind: classifyReply(r.responseCode) ?? 'transient', error: describe(r, smtp, forms) }));
}

/** The nodemailer transport options for our SMTP settings: verification on unless `insecure`. */
export function transportOptions(smtp: SmtpConfig): Record<string, unknown> {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && smtp.requireTls,
    ignoreTLS: false,
    auth: smtp.user !== null ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    tls: {
      rejectUnauthorized: !smtp.insecure,
      minVersion: 'TLSv1.2',
      ...(smtp.ca ? { ca: smtp.ca } : {}),
    },
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    dnsTimeout: smtp.timeoutMs,
    // a connection torn down at the deadline is destroyed at once, never left half-closed
    socketCloseTimeout: Math.min(1000, smtp.timeoutMs),
    // no attachments from paths or URLs can ever be smuggled in
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  };
}

/** A mailer over nodemailer's SMTP transport (one connection per message; a poll sends few). */
export const createMailer: MailerFactory = async (smtp, secrets) => {
  const nodemailer = await import('nodemailer');
  const forms = secretForms(smtp, secrets);
  const transport = nodemailer.createTransport(transportOptions(smtp) as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(m: OutgoingMessage): Promise<SendOutcome> {
      const deadline = AbortSignal.timeout(smtp.timeoutMs);
      try {
        const info = (await transport.sendMail({
          signal: deadline, // not in @types/nodemailer 8 yet; nodemailer 10 closes the connection on abort
          messageId: m.messageId,
          date: new Date(m.date),
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
          disableFileAccess: true,
          disableUrlAccess: true,
        } as Parameters<typeof transport.sendMail>[0])) as { accepted?: unknown[]; rejectedErrors?: SmtpErrorLike['rejectedErrors']; response?: string };
        const accepted = (info.accepted ?? []).map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? a)));
        return { status: 'sent', accepted, refused: refusedOf(info.rejectedErrors, smtp, forms), response: safeText(info.response ?? '', forms) };
      } catch (err) {
        const e = err as SmtpErrorLike;
        if (deadline.aborted) {
          const error = `[smtp ${smtp.host}:${smtp.port}] timeout after ${smtp.timeoutMs} ms (no complete exchange: the deadline is for the whole message; the server is silent, too slow or trickles its replies)`;
          return { status: 'transient', error, code: e.code ?? 'EABORT', responseCode: null, connection: true, refused: [] };
        }
        const c = classifyError(e);
        return {
          status: c.kind,
          error: describe(e, smtp, forms),
          code: e.code ?? null,
          responseCode: e.responseCode ?? null,
          connection: c.connection,
          refused: refusedOf(e.rejectedErrors, smtp, forms),
        };
      }
    },
    close() {
      transport.close();
    },
  };
};

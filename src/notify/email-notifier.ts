// The email notifier: plan() decides what is owed (policy.ts), composes it (compose.ts) and writes it into
// the outbox in the state — no I/O; the poll saves the state before deliver() sends anything. deliver()
// sends what is queued (send.ts) and records only what a server accepted.
import type { Config } from '../config/types.js';
import type { EmailConfig } from '../config/email-schema.js';
import type { Severity } from '../core/types.js';
import type { DeliveryReport, Notifier, PlanInput } from './notifier.js';
import { groupByRecipients, owedAlerts, recipientsFor, type Announced, type AlertItem, type Decision } from './policy.js';
import { composeDevice, composeDigest, headerText, type Composed } from './compose.js';
import { createMailer, type Mailer, type MailerFactory, type OutgoingMessage } from './send.js';
import { FAILED_LIMIT, HISTORY_LIMIT, type NotifyState, type OutboxEntry, type OutboxDevice } from './types.js';
import { errorMessage } from '../util/errors.js';

export interface EmailNotifierOptions {
  /** How to reach the SMTP server; the default loads nodemailer on first use. */
  mailer?: MailerFactory;
}

export interface EmailNotifier extends Notifier {
  /** The decisions of the last plan(), by device id (for `poll --verbose` and tests). */
  lastDecisions: Record<string, Decision>;
}

/** 32-bit FNV-1a, hex: a short content fingerprint for Message-IDs (not security). */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A Message-ID unique per state file (sequence) and per content, in the sender's domain. */
export function makeMessageId(now: Date, seq: number, from: string, content: string): string {
  const domain = (from.split('@')[1] ?? 'simplemon.invalid').replace(/[^A-Za-z0-9.-]/g, '') || 'simplemon.invalid';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `<simplemon.${stamp}.${seq}.${fingerprint(content)}@${domain}>`;
}

/** What email has announced per device: `notified`, with whether its messages went out or still wait. */
export function announcedOf(n: NotifyState): Record<string, Announced> {
  const status = new Map<string, 'pending' | 'failed'>();
  for (const e of n.outbox) if (status.get(e.messageId) !== 'pending') status.set(e.messageId, e.status);
  const out: Record<string, Announced> = {};
  for (const [id, a] of Object.entries(n.notified)) {
    out[id] = { state: a.state, at: a.at, sent: a.sent, pending: (a.messageIds ?? []).some((m) => status.get(m) === 'pending') };
  }
  return out;
}

function queue(n: NotifyState, email: EmailConfig, now: Date, to: string[], items: AlertItem[], c: Composed): OutboxEntry {
  n.seq = (n.seq ?? 0) + 1;
  const devices: OutboxDevice[] = items.map((i) => ({ id: i.id, state: i.action === 'recovery' ? 'ok' : i.to }));
  const entry: OutboxEntry = {
    messageId: makeMessageId(now, n.seq, email.from, `${to.join(',')}\n${c.subject}\n${c.text}`),
    kind: 'alert',
    createdAt: now.toISOString(),
    date: now.toISOString(),
    from: email.from,
    to,
    subject: c.subject,
    text: c.text,
    html: c.html,
    devices,
    status: 'pending',
    attempts: 0,
    lastAttemptAt: null,
    lastError: null,
  };
  n.outbox.push(entry);
  return entry;
}

/**
 * Decide and queue. Pure apart from writing into `state`: the clock comes from the input, Message-IDs
 * from the state's sequence.
 */
export function planEmails(n: NotifyState, input: PlanInput, email: EmailConfig): Record<string, Decision> {
  const now = input.now;
  const previous: Record<string, Severity | 'new'> = {};
  for (const t of input.transitions) previous[t.device] = t.first ? 'new' : t.from;
  const owed = owedAlerts({ views: input.views, announced: announcedOf(n), email, now, previous });
  for (const id of owed.forget) delete n.notified[id];
  if (!owed.items.length) return owed.decisions;
  const ctx = { now, timezone: email.timezone, reminders: email.repeatEveryMs !== null, notices: input.notices ?? [] };
  const idsOf = new Map<string, string[]>();
  const note = (items: AlertItem[], e: OutboxEntry) => {
    for (const i of items) idsOf.set(i.id, [...(idsOf.get(i.id) ?? []), e.messageId]);
  };
  if (email.mode === 'digest') {
    for (const g of groupByRecipients(owed.items, email)) note(g.items, queue(n, email, now, g.to, g.items, composeDigest(g.items, ctx)));
  } else {
    for (const item of owed.items) {
      const to = recipientsFor(item, email);
      if (to.length) note([item], queue(n, email, now, to, [item], composeDevice(item, ctx)));
    }
  }
  const at = now.toISOString();
  for (const i of owed.items) {
    const ids = idsOf.get(i.id) ?? [];
    if (i.action === 'recovery') delete n.notified[i.id];
    else if (i.action === 'reminder' && n.notified[i.id]) n.notified[i.id] = { ...n.notified[i.id], at, messageIds: ids };
    else n.notified[i.id] = { state: i.to, at, since: i.since, messageIds: ids, sent: false };
  }
  return owed.decisions;
}

function recordSent(n: NotifyState, e: OutboxEntry, accepted: string[], response: string, now: Date): void {
  n.history.push({
    messageId: e.messageId,
    kind: e.kind,
    sentAt: now.toISOString(),
    createdAt: e.createdAt,
    to: accepted.length ? accepted : e.to,
    subject: e.subject,
    devices: e.devices,
    attempts: e.attempts,
    response,
  });
  if (n.history.length > HISTORY_LIMIT) n.history.splice(0, n.history.length - HISTORY_LIMIT);
  for (const d of e.devices) {
    const a = n.notified[d.id];
    if (a && a.state === d.state && (a.messageIds ?? []).includes(e.messageId)) a.sent = true;
  }
}

function trimFailed(n: NotifyState): void {
  const failed = n.outbox.filter((e) => e.status === 'failed');
  if (failed.length <= FAILED_LIMIT) return;
  const drop = new Set(failed.slice(0, failed.length - FAILED_LIMIT));
  n.outbox = n.outbox.filter((e) => !drop.has(e));
}

function toMessage(e: OutboxEntry): OutgoingMessage {
  return { messageId: e.messageId, date: e.date, from: e.from, to: e.to, subject: e.subject, text: e.text, html: e.html };
}

export interface DeliverOptions {
  /**
   * Called after each message the server took (or refused for good), once the state records it: the
   * poll saves there, so that a kill while draining a long outbox never resends what was delivered.
   */
  onDelivered?: () => Promise<void>;
}

/**
 * Send every pending message, oldest first. A message the server accepted goes to the history; one it
 * deferred (4xx, network, timeout) stays as it is; one it refused for good (5xx) is marked failed. After a
 * connection failure the others are not tried this round (they would only wait for the same timeout).
 * Recipients refused individually stay owed on their own, under the same Message-ID.
 */
export async function deliverEmails(
  n: NotifyState,
  now: Date,
  email: EmailConfig,
  secrets: readonly string[],
  factory: MailerFactory,
  opts: DeliverOptions = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0, deferred: 0, lines: [] };
  // A round starts new messages only during `timeout`; each message has `timeout` for its exchange
  // (send.ts): one poll's delivery ends within 2 × timeout, however many messages are owed.
  const startBy = performance.now() + email.smtp.timeoutMs;
  const todo = n.outbox.filter((e) => e.status === 'pending');
  if (!todo.length) return report;
  let mailer: Mailer;
  try {
    mailer = await factory(email.smtp, secrets);
  } catch (e) {
    report.deferred = todo.length;
    report.lines.push(`email: cannot send (${headerText(errorMessage(e))}); ${todo.length} message(s) stay queued`);
    return report;
  }
  try {
    let down: string | null = null;
    let late = 0;
    for (const e of todo) {
      if (down) {
        report.deferred++;
        continue;
      }
      if (performance.now() > startBy) {
        report.deferred++;
        late++;
        continue;
      }
      e.attempts++;
      e.lastAttemptAt = now.toISOString();
      const out = await mailer.send(toMessage(e));
      if (out.status === 'sent') {
        recordSent(n, e, out.accepted, out.response, now);
        report.sent++;
        report.lines.push(`email sent: ${e.subject} → ${out.accepted.join(', ') || e.to.join(', ')}`);
      } else if (!out.refused.length) {
        // the message as a whole was not taken
        e.lastError = out.error;
        if (out.status === 'permanent') {
          e.status = 'failed';
          report.failed++;
          report.lines.push(`email refused for good: ${e.subject}: ${out.error} (kept; see simplemon alerts pending)`);
        } else {
          report.deferred++;
          report.lines.push(`email deferred, retried at the next poll: ${e.subject}: ${out.error}`);
          if (out.connection) down = out.error;
        }
        if (out.status === 'permanent') await opts.onDelivered?.();
        continue;
      }
      // Done with this entry, except for the recipients the server refused one by one: they stay owed
      // on their own, transient ones pending and permanent ones failed, under the same Message-ID.
      const again = out.refused.filter((r) => r.kind === 'transient');
      const never = out.refused.filter((r) => r.kind === 'permanent');
      const rest: OutboxEntry[] = [];
      if (again.length) {
        rest.push({ ...e, to: again.map((r) => r.address), status: 'pending', lastError: again[0].error });
        report.deferred++;
        report.lines.push(`email deferred for ${again.map((r) => r.address).join(', ')}, retried at the next poll: ${e.subject}: ${again[0].error}`);
      }
      if (never.length) {
        rest.push({ ...e, to: never.map((r) => r.address), status: 'failed', lastError: never[0].error });
        report.failed++;
        report.lines.push(`email refused for good for ${never.map((r) => r.address).join(', ')}: ${e.subject}: ${never[0].error} (kept; see simplemon alerts pending)`);
      }
      n.outbox.splice(n.outbox.indexOf(e), 1, ...rest);
      await opts.onDelivered?.();
    }
    if (late) report.lines.push(`email: ${late} message(s) left for the next poll (this poll's time for email, ${email.smtp.timeoutMs} ms, is used up)`);
    if (down) report.lines.push(`email: the SMTP server cannot be used now; ${n.outbox.filter((x) => x.status === 'pending').length} message(s) stay queued`);
  } finally {
    mailer.close();
  }
  trimFailed(n);
  return report;
}

/** `alerts retry`: messages refused for good go back into the queue (after the cause was fixed). */
export function requeueFailed(n: NotifyState): number {
  let count = 0;
  for (const e of n.outbox) {
    if (e.status !== 'failed') continue;
    e.status = 'pending';
    count++;
  }
  return count;
}

export function createEmailNotifier(config: Config, opts: EmailNotifierOptions = {}): EmailNotifier {
  const factory = opts.mailer ?? createMailer;
  const notifier: EmailNotifier = {
    lastDecisions: {},
    plan(notify, input) {
      const email = config.email;
      if (!email) return;
      notifier.lastDecisions = planEmails(notify, input, email);
    },
    async deliver(notify, now, onDelivered) {
      if (!config.email) return { sent: 0, failed: 0, deferred: 0, lines: [] };
      return deliverEmails(notify, now, config.email, config.secrets, factory, { onDelivered });
    },
  };
  return notifier;
}

// simplemon alerts test | pending | history | retry. Plain functions that return what to print and the exit
// code; main.ts prints and sets process.exitCode. Usage and config errors are thrown as ConfigError
// (exit 2), a lock that cannot be had as RunError (exit 1), like every other command.
// `test` and `retry` change the state (history, outbox) and take the lock; `pending` and `history` only read.
import type { Config } from '../../config/types.js';
import type { EmailConfig } from '../../config/email-schema.js';
import { parseDuration } from '../../config/validate.js';
import { openAppState, readAppState } from '../../app/state.js';
import { clean } from '../../render/sanitize.js';
import { composeTest, formatTime } from '../../notify/compose.js';
import { deliverEmails, makeMessageId, requeueFailed } from '../../notify/email-notifier.js';
import { createMailer, type MailerFactory } from '../../notify/send.js';
import { HISTORY_LIMIT, type OutboxEntry } from '../../notify/types.js';
import { ConfigError } from '../../util/errors.js';

export interface AlertsResult {
  exitCode: number;
  output: string;
}

export interface AlertsOptions {
  /** The clock (tests); default: now. */
  now?: Date;
  /** How to reach the SMTP server (tests); default: nodemailer. */
  mailer?: MailerFactory;
}

function needEmail(config: Config): EmailConfig {
  if (!config.email) throw new ConfigError(`no email: section in ${config.file}: alerts are not configured (see the email: block of the sample config)`);
  return config.email;
}

function tzOf(config: Config): string {
  return config.email?.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

function done(lines: string[], exitCode = 0): AlertsResult {
  // SMTP replies and errors are masked where they enter (send.ts); subjects and ids name devices and stay as they are
  return { exitCode, output: lines.join('\n') + (lines.length ? '\n' : '') };
}

function lock(config: Config, command: string) {
  return openAppState(config.stateFile, { lockTimeoutMs: config.lockTimeoutMs, command });
}

/** Everyone who can get an alert: the recipients and every route's. */
function allRecipients(email: EmailConfig): string[] {
  const out = [...email.recipients];
  for (const r of email.routes) for (const a of r.recipients) if (!out.includes(a)) out.push(a);
  return out;
}

/**
 * `alerts test`: one test email to every recipient, each sent on its own so that the report says which
 * ones the server took. Sent now, never queued: a test that fails is reported, not retried by the poll.
 * Accepted tests are recorded in the history.
 */
export async function alertsTest(config: Config, opts: AlertsOptions = {}): Promise<AlertsResult> {
  const email = needEmail(config);
  const now = opts.now ?? new Date();
  const store = await lock(config, 'alerts test');
  const lines: string[] = [];
  let bad = 0;
  try {
    const state = store.data;
    const n = state.notify;
    const server = `${email.smtp.host}:${email.smtp.port}`;
    const recipients = allRecipients(email);
    const entries: OutboxEntry[] = [];
    for (const to of recipients) {
      const c = composeTest({ now, timezone: email.timezone, recipient: to, server });
      n.seq = (n.seq ?? 0) + 1;
      entries.push({
        messageId: makeMessageId(now, n.seq, email.from, `test\n${to}`),
        kind: 'test',
        createdAt: now.toISOString(),
        date: now.toISOString(),
        from: email.from,
        to: [to],
        subject: c.subject,
        text: c.text,
        html: c.html,
        devices: [],
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        lastError: null,
      });
    }
    // Send through the same path as alerts, on a scratch outbox, so the test proves what the poll does —
    // one recipient at a time, so that each gets its own outcome (a poll stops at the first connection
    // failure; a test must not blame the others on it).
    const saved = n.outbox;
    const outcome = new Map<string, string | null>(); // recipient → null (accepted) or why not
    try {
      for (const entry of entries) {
        n.outbox = [entry];
        const report = await deliverEmails(state.notify, now, email, config.secrets, opts.mailer ?? createMailer);
        const accepted = n.history.some((h) => h.messageId === entry.messageId);
        const left = n.outbox.find((x) => x.messageId === entry.messageId);
        outcome.set(entry.to[0], accepted ? null : (left?.lastError ?? report.lines.at(-1) ?? 'not accepted'));
      }
    } finally {
      n.outbox = saved;
    }
    lines.push(`test email through ${server} from ${email.from}:`);
    for (const to of recipients) {
      const why = outcome.get(to);
      if (why === null) {
        lines.push(`  ${to}: accepted`);
        continue;
      }
      bad++;
      lines.push(`  ${to}: FAILED — ${clean(why ?? 'not tried')}`);
    }
    await store.save();
  } finally {
    await store.close();
  }
  lines.push(bad ? `${bad} of ${allRecipients(email).length} recipient(s) failed` : 'every recipient accepted');
  return done(lines, bad ? 1 : 0);
}

function entryLines(e: OutboxEntry, tz: string): string[] {
  const state = e.status === 'failed' ? 'FAILED (refused for good; alerts retry sends it again)' : 'pending (retried at every poll)';
  const out = [
    `${clean(e.messageId)}  ${state}`,
    `    subject:  ${clean(e.subject)}`,
    `    to:       ${clean(e.to.join(', '))}`,
    `    queued:   ${formatTime(e.createdAt, tz)}; ${e.attempts} attempt(s)${e.lastAttemptAt ? `, last ${formatTime(e.lastAttemptAt, tz)}` : ''}`,
  ];
  if (e.lastError) out.push(`    error:    ${clean(e.lastError)}`);
  return out;
}

/** `alerts pending`: the outbox — what is still owed, and what was refused for good. Exit 0 either way. */
export async function alertsPending(config: Config, opts: AlertsOptions = {}): Promise<AlertsResult> {
  void opts;
  const state = await readAppState(config.stateFile, { metrics: false });
  const tz = tzOf(config);
  const box = state.notify.outbox;
  if (!box.length) return done(['no emails pending']);
  const failed = box.filter((e) => e.status === 'failed').length;
  const lines = [`${box.length} email(s) in the outbox (${box.length - failed} pending, ${failed} failed):`];
  for (const e of box) lines.push(...entryLines(e, tz));
  return done(lines);
}

/** `alerts history [--since 7d]`: what the server accepted, oldest first. */
export async function alertsHistory(config: Config, opts: AlertsOptions & { since?: string } = {}): Promise<AlertsResult> {
  let from = -Infinity;
  if (opts.since !== undefined) {
    const ms = parseDuration(opts.since);
    if (ms === null) throw new ConfigError(`--since "${opts.since}" is not a duration (examples: 1h, 7d, 2w)`);
    from = (opts.now ?? new Date()).getTime() - ms;
  }
  const state = await readAppState(config.stateFile, { metrics: false });
  const tz = tzOf(config);
  const list = state.notify.history.filter((h) => Date.parse(h.sentAt) >= from);
  if (!list.length) return done([opts.since ? `no emails sent in the last ${opts.since}` : 'no emails sent yet']);
  const lines = [`${list.length} email(s) sent${opts.since ? ` in the last ${opts.since}` : ''} (the last ${HISTORY_LIMIT} are kept):`];
  for (const h of list) {
    const devices = h.devices.map((d) => `${d.id} ${d.state}`).join(', ');
    lines.push(`${formatTime(h.sentAt, tz)}  ${clean(h.subject)}`);
    lines.push(`    to: ${clean(h.to.join(', '))}${h.kind === 'test' ? ' (test)' : ''}${h.attempts > 1 ? `; after ${h.attempts} attempts` : ''}`);
    if (devices) lines.push(`    devices: ${clean(devices)}`);
  }
  return done(lines);
}

/** `alerts retry`: send the outbox now, including what was refused for good. Exit 1 if anything is left. */
export async function alertsRetry(config: Config, opts: AlertsOptions = {}): Promise<AlertsResult> {
  const email = needEmail(config);
  const now = opts.now ?? new Date();
  const store = await lock(config, 'alerts retry');
  const lines: string[] = [];
  let left = 0;
  try {
    const state = store.data;
    if (!state.notify.outbox.length) return done(['no emails pending']);
    const requeued = requeueFailed(state.notify);
    if (requeued) lines.push(`${requeued} failed email(s) queued again`);
    const report = await deliverEmails(state.notify, now, email, config.secrets, opts.mailer ?? createMailer, { onDelivered: () => store.save() });
    await store.save();
    lines.push(...report.lines.map(clean));
    left = state.notify.outbox.length;
    lines.push(`${report.sent} sent, ${report.deferred} deferred, ${report.failed} failed; ${left} left in the outbox`);
  } finally {
    await store.close();
  }
  return done(lines, left ? 1 : 0);
}

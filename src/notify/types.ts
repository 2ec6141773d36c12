// What the alerting keeps in the state file: its own section, `notify`. The store knows it only as a
// StateSection (notifySection below: defaults and checks), so that src/state imports nothing from here.
import type { Severity } from '../core/types.js';
import type { StateSection } from '../state/types.js';
import { isObject, kindOf } from '../util/json-shape.js';

declare module '../state/types.js' {
  interface StateSections {
    notify: NotifyState;
  }
}

/**
 * Per device: the state alerting has announced, or has committed to announce (a message for it is in the
 * outbox). A device with no entry has nothing announced: as far as email knows, it is ok.
 */
export interface NotifiedDevice {
  state: Severity;
  /** When the last message about this device (problem, change or reminder) was queued: the reminder clock. */
  at: string;
  /** Since when the device has been in `state` (as the view said when it was announced). */
  since: string;
  /** Messages that carry the announcement of `state` and its reminders (one per recipient group). */
  messageIds: string[];
  /** A server accepted a message announcing `state`: only then is a recovery owed without question. */
  sent: boolean;
}

/** One device line of a message, kept so that delivery can mark what it announced. */
export interface OutboxDevice {
  id: string;
  state: Severity;
}

export type MessageKind = 'alert' | 'test';

/** A message owed: written into the state before the first attempt; same content and Message-ID on every retry. */
export interface OutboxEntry {
  /** The Message-ID header, angle brackets included: stable across retries, so a resend can be recognised. */
  messageId: string;
  kind: MessageKind;
  createdAt: string;
  /** The Date header, fixed when the message was composed. */
  date: string;
  from: string;
  /** Envelope and To: recipients still owed (a partial acceptance removes the ones that were accepted). */
  to: string[];
  subject: string;
  text: string;
  html: string;
  devices: OutboxDevice[];
  /** pending: retried at every poll; failed: refused for good (5xx), kept for `alerts pending` and `alerts retry`. */
  status: 'pending' | 'failed';
  attempts: number;
  lastAttemptAt: string | null;
  /** Why the last attempt did not go through (scrubbed of secrets and control characters). */
  lastError: string | null;
}

/** What was sent: recorded only after the server accepted it. */
export interface HistoryEntry {
  messageId: string;
  kind: MessageKind;
  sentAt: string;
  createdAt: string;
  to: string[];
  subject: string;
  devices: OutboxDevice[];
  attempts: number;
  /** The server's reply to the message (e.g. "250 OK: queued as 1234"). */
  response: string;
}

export interface NotifyState {
  notified: Record<string, NotifiedDevice>;
  /** Messages owed: written before sending, removed/marked only after the server answered. */
  outbox: OutboxEntry[];
  /** Bounded log of what was sent, oldest first. */
  history: HistoryEntry[];
  /** Messages composed so far: part of each Message-ID, so two messages never share one. */
  seq: number;
}

/** How many sent messages `alerts history` can show. */
export const HISTORY_LIMIT = 500;
/** Permanently refused messages kept for `alerts pending`; older ones give way. */
export const FAILED_LIMIT = 100;

export function emptyNotifyState(): NotifyState {
  return { notified: {}, outbox: [], history: [], seq: 0 };
}

/** For `status`: how many messages are still owed, and how many were refused for good. */
export function outboxSummary(n: NotifyState): { pending: number; failed: number } {
  let pending = 0;
  let failed = 0;
  for (const e of n.outbox) {
    if (e.status === 'failed') failed++;
    else pending++;
  }
  return { pending, failed };
}



/**
 * The `notify` section as read from a state file: defaults filled in, every field checked, so that a
 * hand-edited or damaged file is a state-file error naming the field, never a TypeError deep in a poll
 * ("n.outbox.push is not a function").
 */
export function checkNotifyState(raw: unknown): NotifyState {
  if (!isObject(raw)) throw new Error(`"notify" is not an object (it is ${kindOf(raw)})`);
  const n = { ...emptyNotifyState(), ...raw } as unknown as Record<string, unknown>;
  for (const k of ['outbox', 'history'] as const) {
    if (!Array.isArray(n[k])) throw new Error(`"notify.${k}" is not a list (it is ${kindOf(n[k])})`);
    (n[k] as unknown[]).forEach((m, i) => {
      if (!isObject(m) || typeof m.messageId !== 'string') throw new Error(`"notify.${k}[${i}]" is not a message (no "messageId")`);
    });
  }
  if (!isObject(n.notified)) throw new Error(`"notify.notified" is not an object (it is ${kindOf(n.notified)})`);
  if (typeof n.seq !== 'number' || !Number.isInteger(n.seq)) throw new Error(`"notify.seq" is not a whole number (it is ${kindOf(n.seq)})`);
  return n as unknown as NotifyState;
}

export const notifySection: StateSection = { key: 'notify', empty: emptyNotifyState, check: checkNotifyState };

// The seam between the poll and alerting. The poll calls plan() under the lock, saves the state (so what
// is owed is durable before anything is sent), then deliver(), saving after each message. The notifier
// sees only its own section of the state (`notify`), and gets the config once, when it is made.
import type { Transition } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import type { NotifyState } from './types.js';

export interface PlanInput {
  now: Date;
  /** Real-state transitions of this poll (also in state.events). */
  transitions: Transition[];
  /** Every device as status/alerts see it now (overrides, maintenance, acks applied). */
  views: DeviceView[];
  /** About the monitoring itself (missed polls, overlapping ones): said in the emails this poll sends. */
  notices?: string[];
}

export interface DeliveryReport {
  sent: number;
  failed: number; // permanent failures (5xx), kept and marked
  deferred: number; // transient failures, retried at the next poll
  lines: string[]; // human-readable, secrets scrubbed
}

export interface Notifier {
  /** Decide what is owed and append it to the outbox. No I/O. */
  plan(notify: NotifyState, input: PlanInput): void;
  /**
   * Send the outbox; record what the server accepted. Never throws for a send failure. `onDelivered`
   * runs after each message recorded as sent (or refused for good): the poll saves the state there.
   */
  deliver(notify: NotifyState, now: Date, onDelivered?: () => Promise<void>): Promise<DeliveryReport>;
}

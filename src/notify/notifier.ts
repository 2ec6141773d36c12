// The seam between the poll and alerting. The poll calls plan() under the lock, saves the state (so what
// is owed is durable before anything is sent), then deliver(), then saves again.
import type { Config } from '../config/types.js';
import type { Transition } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import type { StateFile } from '../state/types.js';

export interface PlanInput {
  now: Date;
  config: Config;
  /** Real-state transitions of this poll (also in state.events). */
  transitions: Transition[];
  /** Every device as status/alerts see it now (overrides, maintenance, acks applied). */
  views: DeviceView[];
}

export interface DeliveryReport {
  sent: number;
  failed: number; // permanent failures (5xx), kept and marked
  deferred: number; // transient failures, retried at the next poll
  lines: string[]; // human-readable, secrets scrubbed
}

export interface Notifier {
  /** Decide what is owed and append it to state.notify.outbox. No I/O. */
  plan(state: StateFile, input: PlanInput): void;
  /**
   * Send the outbox; record what the server accepted. Never throws for a send failure. `onDelivered`
   * runs after each message recorded as sent (or refused for good): the poll saves the state there.
   */
  deliver(state: StateFile, now: Date, onDelivered?: () => Promise<void>): Promise<DeliveryReport>;
}

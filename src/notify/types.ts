// What the alerting keeps in the state file (issue: alert emails). Owned by the email work.

export interface NotifyState {
  /** Per device: the state last announced by email. */
  notified: Record<string, { state: string; at: string }>;
  /** Messages owed: written before sending, removed/marked only after the server accepted them. */
  outbox: unknown[];
  /** Bounded log of what was sent. */
  history: unknown[];
}

export function emptyNotifyState(): NotifyState {
  return { notified: {}, outbox: [], history: [] };
}

// Which emails are owed: per device, what it shows now (its view) against what email has announced.
// PURE: no I/O, no clock of its own (now is an argument), no randomness.
import type { Ack, DeviceKind, Override, Problem, Severity } from '../core/types.js';
import type { DeviceView } from '../core/view.js';
import { matchesGlob } from '../core/overrides.js';
import type { EmailConfig, EmailRoute } from '../config/email-schema.js';

/** What email has announced about a device (from `notify.notified` and the outbox). */
export interface Announced {
  state: Severity;
  /** When the last message about it was queued (ISO): the reminder clock. */
  at: string;
  /** A server accepted a message announcing `state`. */
  sent: boolean;
  /** A message announcing `state`, or a reminder of it, is still waiting in the outbox. */
  pending: boolean;
}

export type Action = 'problem' | 'escalation' | 'change' | 'recovery' | 'reminder';

export interface Decision {
  /** `none`: nothing owed; `forget`: nothing owed, and the announcement is dropped. */
  action: Action | 'none' | 'forget';
  /** Why, in a few words (for tests, `--verbose` and debugging). */
  why: string;
}

export interface DecideInput {
  view: Pick<DeviceView, 'state' | 'maintenance' | 'ack' | 'blockedBy'> & Partial<Pick<DeviceView, 'lastPoll'>>;
  /** null: nothing announced (as far as email knows, the device is ok). */
  announced: Announced | null;
  /** Is `unknown` alerted for this device (email.notify-unknown, on by default)? */
  unknownWanted: boolean;
  repeatEveryMs: number | null;
  now: Date;
}

const RANK: Record<Severity, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

/**
 * The decision for one device. S = the state its view shows (forced overrides applied), N = the state
 * announced (no entry = ok). The first row that matches wins.
 *
 *   | #  | condition                                              | decision   | notified afterwards        |
 *   |----|--------------------------------------------------------|------------|----------------------------|
 *   | 1  | blocked by an upstream device                          | none       | kept (the upstream's email counts it) |
 *   | 2  | in maintenance (override or window)                    | none       | kept                       |
 *   | 3  | S = unknown, unknown not asked for this device (notify-unknown: false) | none | kept (hold)   |
 *   | 3a | S = unknown, never tried by a poll (its source not polled yet) | none | —                       |
 *   | 4  | S = ok, nothing announced                              | none       | —                          |
 *   | 5  | S = ok, N a problem that was sent or is still queued    | recovery   | removed                    |
 *   | 6  | S = ok, N a problem whose email was refused for good    | forget     | removed                    |
 *   | 7  | S a problem, nothing announced                         | problem    | S, at = now                |
 *   | 8  | S a problem worse than N (warning → critical)          | escalation | S, at = now                |
 *   | 9  | S a problem different from N otherwise (eased, unknown) | change    | S, at = now                |
 *   | 10 | S = N, acknowledged                                    | none       | kept                       |
 *   | 11 | S = N, repeat-every off                                | none       | kept                       |
 *   | 12 | S = N, a message about it still queued                 | none       | kept                       |
 *   | 13 | S = N, repeat-every elapsed since N.at                 | reminder   | at = now                   |
 *   | 14 | S = N, repeat-every not yet elapsed                    | none       | kept                       |
 *
 * Unknown is news by default: a device that stops answering (after its `reachable` rule's
 * failures-before-alert) is row 7 and its recovery row 5; one that never answered is row 7 on the poll
 * that first tries it, and only then (rows 10–14 afterwards). Row 3a keeps a device that no poll has
 * tried yet (`poll printers` with vCenters configured) from being announced as unreachable.
 *
 * Rows 1–3 keep the announcement, so that when maintenance or the upstream failure ends the next poll
 * compares the real state with what was last emailed and sends one transition email if they differ
 * (and nothing if they do not). Never twice: once queued, N equals S and only rows 10–14 apply.
 */
export function decide(input: DecideInput): Decision {
  const { view, announced: n } = input;
  const s = view.state;
  if (view.blockedBy) return { action: 'none', why: `hidden by ${view.blockedBy}` };
  if (view.maintenance) return { action: 'none', why: `in maintenance (${view.maintenance.source})` };
  if (s === 'unknown' && !input.unknownWanted) return { action: 'none', why: 'unknown is not alerted for this device' };
  if (s === 'unknown' && view.lastPoll === null) return { action: 'none', why: 'not tried by a poll yet' };
  const nState: Severity = n?.state ?? 'ok';
  if (s === 'ok') {
    if (!n || nState === 'ok') return { action: 'none', why: 'ok, nothing announced' };
    if (n.sent || n.pending) return { action: 'recovery', why: `recovered from ${nState}` };
    return { action: 'forget', why: `recovered; the ${nState} email was refused, so no recovery email` };
  }
  if (nState === 'ok') return { action: 'problem', why: `new ${s}` };
  if (s !== nState) {
    if (RANK[s] > RANK[nState] && nState !== 'unknown') return { action: 'escalation', why: `${nState} → ${s}` };
    return { action: 'change', why: `${nState} → ${s}` };
  }
  if (view.ack) return { action: 'none', why: 'acknowledged: no reminders' };
  if (input.repeatEveryMs === null) return { action: 'none', why: 'already announced; reminders off' };
  if (n!.pending) return { action: 'none', why: 'already announced; its email is still queued' };
  const due = Date.parse(n!.at) + input.repeatEveryMs;
  if (input.now.getTime() >= due) return { action: 'reminder', why: `still ${s} since the last email` };
  return { action: 'none', why: 'already announced; reminder not due yet' };
}

/** One device line of an email. */
export interface AlertItem {
  action: Action;
  id: string;
  kind: DeviceKind;
  name: string;
  /**
   * The state before, as last emailed or seen: what was announced; else what the device showed before
   * this poll's change; `new` for a device on its first poll; null when it did not change this poll and
   * nothing was announced (it comes out of maintenance, or an override ended): then no "was" is claimed.
   */
  from: Severity | 'new' | null;
  /** What the device shows now. */
  to: Severity;
  /** Since when it has been in `to` (ISO). */
  since: string;
  problems: Problem[];
  ack: Ack | null;
  override: Override | null;
  /** Devices hidden by this one's failure (blocked by it, directly or through others), by id. */
  hides: string[];
}

/** Does a device glob list (or true/false) ask for `unknown` alerts on this device? */
export function unknownWanted(view: Pick<DeviceView, 'id'>, setting: EmailConfig['notifyUnknown']): boolean {
  if (typeof setting === 'boolean') return setting;
  return setting.some((g) => matchesGlob(g, view.id));
}

/** For each upstream device, every device hidden by it (transitively: a VM behind a host behind a vCenter). */
export function hiddenBy(views: Array<Pick<DeviceView, 'id' | 'blockedBy'>>): Map<string, string[]> {
  const parent = new Map<string, string>();
  for (const v of views) if (v.blockedBy) parent.set(v.id, v.blockedBy);
  const out = new Map<string, string[]>();
  for (const v of views) {
    if (!v.blockedBy) continue;
    const seen = new Set<string>([v.id]);
    let up: string | undefined = v.blockedBy;
    while (up !== undefined && !seen.has(up)) {
      seen.add(up);
      let list = out.get(up);
      if (!list) out.set(up, (list = []));
      list.push(v.id);
      up = parent.get(up);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

export interface OwedInput {
  views: DeviceView[];
  /** Per device id, what email has announced. */
  announced: Record<string, Announced>;
  email: Pick<EmailConfig, 'notifyUnknown' | 'repeatEveryMs'>;
  now: Date;
  /** Per device id that changed this poll, the state it had before (`new`: its first poll). */
  previous?: Record<string, Severity | 'new'>;
}

export interface Owed {
  /** In view order. */
  items: AlertItem[];
  /** Announcements to drop without an email (row 6, and devices that are gone). */
  forget: string[];
  /** Every device's decision, by id (for `--verbose` and tests). */
  decisions: Record<string, Decision>;
}

/** Everything owed this poll, from every device's view. */
export function owedAlerts(input: OwedInput): Owed {
  const hidden = hiddenBy(input.views);
  const items: AlertItem[] = [];
  const forget: string[] = [];
  const decisions: Record<string, Decision> = {};
  const present = new Set<string>();
  for (const v of input.views) {
    present.add(v.id);
    const n = input.announced[v.id] ?? null;
    const d = decide({ view: v, announced: n, unknownWanted: unknownWanted(v, input.email.notifyUnknown), repeatEveryMs: input.email.repeatEveryMs, now: input.now });
    decisions[v.id] = d;
    if (d.action === 'none') continue;
    if (d.action === 'forget') {
      forget.push(v.id);
      continue;
    }
    items.push({
      action: d.action,
      id: v.id,
      kind: v.kind,
      name: v.name,
      from: n?.state ?? input.previous?.[v.id] ?? null,
      to: v.state,
      since: v.since,
      problems: v.problems,
      ack: v.ack,
      override: v.override,
      hides: d.action === 'recovery' ? [] : (hidden.get(v.id) ?? []),
    });
  }
  // a device that left the config (or the inventory) is forgotten quietly: there is nothing left to recover
  for (const id of Object.keys(input.announced)) if (!present.has(id)) forget.push(id);
  return { items, forget, decisions };
}

/** The severity a route looks at: the problem's, or for a recovery the one it recovers from. */
function itemSeverity(item: Pick<AlertItem, 'action' | 'from' | 'to'>): Severity {
  if (item.action !== 'recovery') return item.to;
  return item.from === null || item.from === 'new' ? 'ok' : item.from;
}

export function routeMatches(route: EmailRoute, item: Pick<AlertItem, 'action' | 'from' | 'to' | 'kind' | 'name' | 'id'>): boolean {
  if (route.kind !== null && route.kind !== item.kind) return false;
  if (route.name !== null && !matchesGlob(route.name, route.name.includes('/') ? item.id : item.name)) return false;
  if (route.severity !== null) {
    const s = itemSeverity(item);
    if (s === 'ok' || !route.severity.includes(s)) return false;
  }
  return true;
}

/** Who gets an item: the recipients, plus those of every matching route (in config order, no duplicates). */
export function recipientsFor(item: Pick<AlertItem, 'action' | 'from' | 'to' | 'kind' | 'name' | 'id'>, email: Pick<EmailConfig, 'recipients' | 'routes'>): string[] {
  const out = [...email.recipients];
  for (const r of email.routes) {
    if (!routeMatches(r, item)) continue;
    for (const a of r.recipients) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/**
 * Digest mode: one email per recipient per poll. Recipients who get the same items share one message;
 * the plain recipients get everything, a route's recipients only what matches their routes.
 */
export function groupByRecipients<T extends Pick<AlertItem, 'action' | 'from' | 'to' | 'kind' | 'name' | 'id'>>(
  items: T[],
  email: Pick<EmailConfig, 'recipients' | 'routes'>,
): Array<{ to: string[]; items: T[] }> {
  const perAddress = new Map<string, number[]>();
  items.forEach((item, i) => {
    for (const a of recipientsFor(item, email)) {
      let list = perAddress.get(a);
      if (!list) perAddress.set(a, (list = []));
      list.push(i);
    }
  });
  const groups = new Map<string, { to: string[]; items: T[] }>();
  for (const [address, idx] of perAddress) {
    const key = idx.join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { to: [], items: idx.map((i) => items[i]) }));
    g.to.push(address);
  }
  return [...groups.values()];
}

// The text of alert emails: a digest (one email per poll) or one email per device; plain text and HTML.
// PURE: the clock and the timezone are arguments. Text that comes from devices (names, rule messages,
// override reasons) is untrusted: in headers it is one line without control characters, in the text
// part control characters become visible escapes, in HTML everything is escaped.
import type { Severity } from '../core/types.js';
import { clean } from '../render/sanitize.js';
import type { Action, AlertItem } from './policy.js';

export interface ComposeContext {
  now: Date;
  /** IANA zone the times are shown in. */
  timezone: string;
  /** Whether reminders are on (the footer then says how to stop them). */
  reminders?: boolean;
  /** About the monitoring itself (missed or overlapping polls), said above the devices. */
  notices?: string[];
}

export interface Composed {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_PREFIX = '[simplemon]';
const SUBJECT_MAX = 200;

/** One header line: no CR, LF or other control characters (they become visible escapes), bounded length. */
export function headerText(s: unknown, max = SUBJECT_MAX): string {
  const one = clean(s).replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export function escapeHtml(s: unknown): string {
  return clean(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** "2026-11-24 13:44 GMT+8" (or "… UTC") in the given zone. */
export function formatTime(iso: string | Date, timezone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return clean(String(iso));
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(d);
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  const zone = p('timeZoneName');
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${zone === 'GMT' || zone === 'GMT+0' ? 'UTC' : zone}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const ORDER: Action[] = ['escalation', 'problem', 'change', 'reminder', 'recovery'];

/** "2 problems, 1 escalated, 1 recovered": the counts of a digest, most urgent first. */
export function countsLine(items: Array<Pick<AlertItem, 'action'>>): string {
  const n = (a: Action) => items.filter((i) => i.action === a).length;
  const parts: string[] = [];
  if (n('problem')) parts.push(plural(n('problem'), 'problem'));
  if (n('escalation')) parts.push(`${n('escalation')} escalated`);
  if (n('change')) parts.push(`${n('change')} changed`);
  if (n('recovery')) parts.push(`${n('recovery')} recovered`);
  if (n('reminder')) parts.push(`${n('reminder')} still open`);
  return parts.join(', ') || 'nothing to report';
}

function label(s: Severity): string {
  return s.toUpperCase();
}

function deviceLabel(i: Pick<AlertItem, 'kind' | 'name'>): string {
  return `${i.kind} ${i.name}`;
}

/** What happened to an item, in a few words. */
function headline(i: AlertItem): string {
  // the state before is the one last emailed or seen, never an invented `ok`
  const was = i.from === 'new' ? ' (new)' : i.from === null || i.from === i.to ? '' : ` (was ${i.from})`;
  switch (i.action) {
    case 'problem':
    case 'escalation':
    case 'change':
      return `${label(i.to)}${was}`;
    case 'reminder':
      return `still ${label(i.to)}`;
    case 'recovery':
      return `OK${was}`;
  }
}

const HIDES_SAMPLE = 3;

function hidesLine(i: AlertItem): string | null {
  if (!i.hides.length) return null;
  const sample = i.hides.slice(0, HIDES_SAMPLE).join(', ');
  const more = i.hides.length > HIDES_SAMPLE ? ` and ${i.hides.length - HIDES_SAMPLE} more` : '';
  return `${plural(i.hides.length, 'device')} behind it cannot be checked while it is down: ${sample}${more}`;
}

/** The detail lines of an item, as plain (unescaped) strings; callers clean or escape them. */
function details(i: AlertItem, tz: string): string[] {
  const out: string[] = [];
  out.push(`${i.action === 'recovery' ? 'ok' : i.to} since ${formatTime(i.since, tz)}`);
  if (i.action !== 'recovery') for (const p of i.problems) out.push(`${p.rule}: ${p.message}`);
  const h = hidesLine(i);
  if (h) out.push(h);
  if (i.override && i.override.state !== 'maintenance') {
    out.push(`state forced to ${i.override.state} by ${i.override.by}: ${i.override.reason}${i.override.until ? ` (until ${formatTime(i.override.until, tz)})` : ''}`);
  }
  if (i.ack) out.push(`acknowledged by ${i.ack.by}: ${i.ack.reason}`);
  return out;
}

function sorted(items: AlertItem[]): AlertItem[] {
  return [...items].sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action));
}

function footer(ctx: ComposeContext, items: AlertItem[]): string[] {
  const out = [`Times are in ${ctx.timezone}. Composed ${formatTime(ctx.now, ctx.timezone)}.`];
  if (ctx.reminders && items.some((i) => i.action !== 'recovery')) out.push('Reminders stop when a problem is acknowledged: simplemon ack <device> --reason "…"');
  return out;
}

function textOf(items: AlertItem[], ctx: ComposeContext, title: string): string {
  const lines: string[] = [clean(title), ''];
  for (const n of ctx.notices ?? []) lines.push(`NOTE: ${clean(n)}`, '');
  for (const i of sorted(items)) {
    lines.push(`${headline(i)}  ${clean(deviceLabel(i))}  [${clean(i.id)}]`);
    for (const d of details(i, ctx.timezone)) lines.push(`    ${clean(d)}`);
    lines.push('');
  }
  lines.push('-- ', ...footer(ctx, items).map(clean));
  return lines.join('\n') + '\n';
}

const COLORS: Record<Severity, string> = { ok: '#2e7d32', warning: '#b26a00', critical: '#c62828', unknown: '#616161' };

function htmlOf(items: AlertItem[], ctx: ComposeContext, title: string): string {
  const rows = sorted(items).map((i) => {
    const sev = i.action === 'recovery' ? 'ok' : i.to;
    const badge = `<span style="color:#fff;background:${COLORS[sev]};padding:1px 6px;border-radius:3px;font-weight:bold">${escapeHtml(headline(i))}</span>`;
    const detail = details(i, ctx.timezone)
      .map((d) => `<div>${escapeHtml(d)}</div>`)
      .join('');
    return `<tr><td style="padding:6px;vertical-align:top;white-space:nowrap">${badge}</td><td style="padding:6px;vertical-align:top"><b>${escapeHtml(deviceLabel(i))}</b> <span style="color:#666">${escapeHtml(i.id)}</span>${detail}</td></tr>`;
  });
  const foot = footer(ctx, items)
    .map((l) => `<p style="color:#666;font-size:small">${escapeHtml(l)}</p>`)
    .join('');
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>' + escapeHtml(title) + '</title></head>',
    '<body style="font-family:sans-serif">',
    `<h3>${escapeHtml(title)}</h3>`,
    ...(ctx.notices ?? []).map((n) => `<p style="background:#fff3cd;padding:6px"><b>Note:</b> ${escapeHtml(n)}</p>`),
    `<table style="border-collapse:collapse">${rows.join('')}</table>`,
    foot,
    '</body></html>',
    '',
  ].join('\n');
}

/** Digest: every item of a poll in one email; the subject counts them (and names the device when there is one). */
export function composeDigest(items: AlertItem[], ctx: ComposeContext): Composed {
  const counts = countsLine(items);
  const only = items.length === 1 ? `: ${deviceLabel(items[0])}` : '';
  const subject = headerText(`${SUBJECT_PREFIX} ${counts}${only}`);
  const title = `simplemon: ${counts}`;
  return { subject, text: textOf(items, ctx, title), html: htmlOf(items, ctx, title) };
}

/** Per-device mode: one email about one device; the subject says what happened and the first problem. */
export function composeDevice(item: AlertItem, ctx: ComposeContext): Composed {
  const first = item.action === 'recovery' ? '' : (item.problems[0]?.message ?? '');
  const subject = headerText(`${SUBJECT_PREFIX} ${headline(item)}: ${deviceLabel(item)}${first ? ` — ${first}` : ''}`);
  const title = `simplemon: ${deviceLabel(item)} ${headline(item)}`;
  return { subject, text: textOf([item], ctx, title), html: htmlOf([item], ctx, title) };
}

/** `alerts test`: proves the path from this host to a recipient's mailbox. */
export function composeTest(ctx: ComposeContext & { recipient: string; server: string }): Composed {
  const when = formatTime(ctx.now, ctx.timezone);
  const subject = headerText(`${SUBJECT_PREFIX} test email`);
  const body = [
    'This is a test email from simplemon (simplemon alerts test).',
    `It was sent to ${ctx.recipient} through ${ctx.server} at ${when}.`,
    'If you can read it, alert emails reach you.',
  ];
  const text = body.map(clean).join('\n') + '\n';
  const html = ['<!DOCTYPE html>', '<html><head><meta charset="utf-8"></head><body style="font-family:sans-serif">', ...body.map((l) => `<p>${escapeHtml(l)}</p>`), '</body></html>', ''].join('\n');
  return { subject, text, html };
}

// Get-Jobs and Get-Printer-Attributes answers → plain job and printer records. Pure: the client
// passes the decoded response and the local time at which it arrived.
import { findAttribute, type IppAttribute, type IppGroup, type IppMessage, type IppValue } from './encoding.js';

export type IppJobState = 'pending' | 'pending-held' | 'processing' | 'processing-stopped' | 'canceled' | 'aborted' | 'completed';

const JOB_STATES: Record<number, IppJobState> = {
  3: 'pending',
  4: 'pending-held',
  5: 'processing',
  6: 'processing-stopped',
  7: 'canceled',
  8: 'aborted',
  9: 'completed',
};

export interface IppJob {
  id: number;
  name: string | null;
  /** null when the server sends an enum value RFC 8011 does not define */
  state: IppJobState | null;
  stateReasons: string[];
  /** job-originating-user-name */
  user: string | null;
  /** job-originating-host-name: a host name or an IP address, as the server recorded it */
  host: string | null;
  /** ISO time; null when the server gives no usable creation time */
  createdAt: string | null;
  impressionsCompleted: number | null;
  kOctets: number | null;
  mediaSheetsCompleted: number | null;
}

/**
 * What Get-Jobs asks for. job-printer-up-time comes with every job so that time-at-creation (seconds
 * of the printer's up-time, RFC 8011 §5.3.14) can be turned into a time on our clock even when the
 * printer's own clock is wrong; date-time-at-creation is the fallback.
 */
export const JOB_ATTRIBUTES = [
  'job-id',
  'job-name',
  'job-state',
  'job-state-reasons',
  'job-originating-user-name',
  'job-originating-host-name',
  'time-at-creation',
  'date-time-at-creation',
  'job-printer-up-time',
  'job-impressions-completed',
  'job-k-octets',
  'job-media-sheets-completed',
];

export const PRINTER_ATTRIBUTES = ['printer-name', 'printer-state', 'printer-state-reasons', 'printer-state-message', 'queued-job-count', 'printer-make-and-model'];

/** A string value (text/name/keyword, with or without language); null for out-of-band and anything else. */
function str(v: IppValue | undefined): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date) && 'text' in v && typeof v.text === 'string') return v.text;
  return null;
}

function int(v: IppValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

/** A 1setOf keyword as a list; the keyword `none` (state reasons) means an empty list. */
function strings(a: IppAttribute | undefined): string[] {
  return (a?.values ?? []).map(str).filter((s): s is string => s !== null && s !== 'none');
}

/**
 * The creation time on our clock. In order of trust:
 *   1. time-at-creation with job-printer-up-time (both printer up-time seconds): received − (up − created),
 *      which needs no agreement between the printer's clock and ours;
 *   2. date-time-at-creation, the printer's wall clock;
 *   3. time-at-creation alone when it is plainly Unix time (CUPS uses Unix time for up-time);
 *   else null.
 */
function creationTime(g: IppGroup, receivedAt: Date): string | null {
  const created = int(findAttribute(g, 'time-at-creation')?.values[0]);
  const up = int(findAttribute(g, 'job-printer-up-time')?.values[0]);
  if (created !== null && up !== null && created > 0 && up >= created) return new Date(receivedAt.getTime() - (up - created) * 1000).toISOString();
  const dt = findAttribute(g, 'date-time-at-creation')?.values[0];
  if (dt instanceof Date && !Number.isNaN(dt.getTime())) return dt.toISOString();
  if (created !== null && created >= 1_000_000_000) return new Date(created * 1000).toISOString();
  return null;
}

export function jobFromGroup(g: IppGroup, receivedAt: Date): IppJob | null {
  const id = int(findAttribute(g, 'job-id')?.values[0]);
  if (id === null) return null;
  const state = int(findAttribute(g, 'job-state')?.values[0]);
  return {
    id,
    name: str(findAttribute(g, 'job-name')?.values[0]),
    state: state === null ? null : (JOB_STATES[state] ?? null),
    stateReasons: strings(findAttribute(g, 'job-state-reasons')),
    user: str(findAttribute(g, 'job-originating-user-name')?.values[0]),
    host: str(findAttribute(g, 'job-originating-host-name')?.values[0]),
    createdAt: creationTime(g, receivedAt),
    impressionsCompleted: int(findAttribute(g, 'job-impressions-completed')?.values[0]),
    kOctets: int(findAttribute(g, 'job-k-octets')?.values[0]),
    mediaSheetsCompleted: int(findAttribute(g, 'job-media-sheets-completed')?.values[0]),
  };
}

/**
 * The jobs of a Get-Jobs answer (job groups without a job-id are left out), and whether the server
 * withheld other users' details. job-name and job-originating-user-name are REQUIRED job attributes
 * (RFC 8011 §5.3), so a job that lacks either (or has an out-of-band value for it) had them withheld:
 * CUPS 2.4 with its default `JobPrivateValues default` simply leaves job-name,
 * job-originating-user-name and job-originating-host-name out for other users' jobs (checked against
 * cupsd here; it sends no placeholder values).
 */
export function jobsFromResponse(resp: IppMessage, receivedAt: Date): { jobs: IppJob[]; hidden: boolean } {
  const jobs: IppJob[] = [];
  let hidden = false;
  for (const g of resp.groups) {
    if (g.name !== 'job') continue;
    const job = jobFromGroup(g, receivedAt);
    if (!job) continue;
    if (job.user === null || job.name === null) hidden = true;
    jobs.push(job);
  }
  return { jobs, hidden };
}

export type IppPrinterState = 'idle' | 'processing' | 'stopped';

export interface IppPrinterInfo {
  name: string | null;
  state: IppPrinterState | null;
  stateReasons: string[];
  stateMessage: string | null;
  queuedJobCount: number | null;
  makeAndModel: string | null;
}

export function printerFromResponse(resp: IppMessage): IppPrinterInfo {
  const g = resp.groups.find((x) => x.name === 'printer');
  const state = int(findAttribute(g, 'printer-state')?.values[0]);
  return {
    name: str(findAttribute(g, 'printer-name')?.values[0]),
    state: state === 3 ? 'idle' : state === 4 ? 'processing' : state === 5 ? 'stopped' : null,
    stateReasons: strings(findAttribute(g, 'printer-state-reasons')),
    stateMessage: str(findAttribute(g, 'printer-state-message')?.values[0]) || null,
    queuedJobCount: int(findAttribute(g, 'queued-job-count')?.values[0]),
    makeAndModel: str(findAttribute(g, 'printer-make-and-model')?.values[0]),
  };
}

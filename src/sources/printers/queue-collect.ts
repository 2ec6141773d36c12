// One printer's job queue over IPP, ready for the printers source to wire in: the not-completed jobs
// (metrics, stuck), and, with trackPages, the finished jobs (pages per originating host, each job
// counted once). The IPP client is imported only when a queue is polled, so `status` and `--help`
// never load it. A queue that cannot be read is a result ({ ok: false, error }), never a throw.
import type { IppJob, IppOptions } from '../../protocols/ipp/client.js';
import { pagesByHost, summarizeQueue, type PagesMemory, type QueueMemory, type QueueMetrics } from './queue.js';

export interface CollectQueueOptions extends IppOptions {
  /** `queue-stuck` (default 15m) */
  stuckAfterMs?: number;
  /** Also read the finished jobs, for pages per host (default true). */
  trackPages?: boolean;
}

export interface QueueCollectMemory {
  queue?: QueueMemory;
  pages?: PagesMemory;
}

export interface QueueReadingMetrics extends QueueMetrics {
  /** the server withheld other users' job names, users and hosts (CUPS' default JobPrivateValues) */
  hidden: boolean;
  /** pages per originating host since tracking began; null without trackPages or when unreadable */
  pagesByHost: Record<string, number> | null;
}

export type QueueReading =
  | { ok: true; metrics: QueueReadingMetrics; jobs: IppJob[]; pagesError: string | null; memory: QueueCollectMemory }
  | { ok: false; error: string; errorKind: string; memory: QueueCollectMemory };

export const QUEUE_STUCK_DEFAULT_MS = 15 * 60_000;

export async function collectQueue(printerUri: string, opts: CollectQueueOptions, now: Date, memory?: QueueCollectMemory | null): Promise<QueueReading> {
  const { stuckAfterMs = QUEUE_STUCK_DEFAULT_MS, trackPages = true, ...ipp } = opts;
  const kept: QueueCollectMemory = memory ?? {};
  const { getJobs, IppError } = await import('../../protocols/ipp/client.js');
  const [open, done] = await Promise.allSettled([
    getJobs(printerUri, { ...ipp, whichJobs: 'not-completed' }),
    trackPages ? getJobs(printerUri, { ...ipp, whichJobs: 'completed' }) : Promise.resolve(null),
  ]);
  if (open.status === 'rejected') {
    const e = open.reason;
    return { ok: false, error: e instanceof Error ? e.message : String(e), errorKind: e instanceof IppError ? e.kind : 'internal', memory: kept };
  }
  const q = summarizeQueue(open.value.jobs, now, { stuckAfterMs }, kept.queue);
  let pages: Record<string, number> | null = null;
  let pagesMemory = kept.pages;
  let pagesError: string | null = null;
  if (done.status === 'fulfilled' && done.value) {
    const p = pagesByHost(done.value.jobs, kept.pages);
    pages = p.totals;
    pagesMemory = p.memory;
  } else if (done.status === 'rejected') {
    pagesError = done.reason instanceof Error ? done.reason.message : String(done.reason);
  }
  const hidden = open.value.hidden || (done.status === 'fulfilled' && !!done.value?.hidden);
  return {
    ok: true,
    metrics: { ...q.metrics, hidden, pagesByHost: pages },
    jobs: open.value.jobs,
    pagesError,
    memory: { queue: q.memory, ...(pagesMemory ? { pages: pagesMemory } : {}) },
  };
}

/** The queue keys of a printer's config (see queue-config.ts), as far as reading the queue needs them. */
export interface QueuedPrinter {
  id: string;
  name: string;
  timeoutMs: number;
  retries: number;
  queue: { url: string; user: string | null; password: string | null; ca: string | null; insecure: boolean; stuckAfterMs: number } | null;
}

/**
 * Read the queues of the printers that have one, all at once, each within its printer's budget
 * (timeout × (retries + 1), at least 5 s: IPP is HTTP, slower to answer than SNMP). `memory` is the
 * source's memory, keyed by printer id; printers no longer configured are forgotten.
 */
export async function collectQueues(printers: readonly QueuedPrinter[], memory: Record<string, QueueCollectMemory>, now: Date, log?: (line: string) => void): Promise<Map<string, QueueReading>> {
  const out = new Map<string, QueueReading>();
  const ids = new Set(printers.filter((p) => p.queue).map((p) => p.id));
  for (const id of Object.keys(memory)) if (!ids.has(id)) delete memory[id];
  await Promise.all(
    printers.map(async (p) => {
      if (!p.queue) return;
      const q = p.queue;
      const r = await collectQueue(q.url, { timeoutMs: Math.max(5000, p.timeoutMs * (p.retries + 1)), user: q.user, password: q.password, ca: q.ca, insecure: q.insecure, stuckAfterMs: q.stuckAfterMs }, now, memory[p.id]);
      memory[p.id] = r.memory;
      if (!r.ok) log?.(`[ipp ${p.name}] ${r.error}`);
      out.set(p.id, r);
    }),
  );
  return out;
}

// A printer's job queue as metrics, and the pages each originating host printed. Pure: no node:*,
// no npm; the clock comes in as `now`, and what must survive between polls goes out as `memory`
// (a JSON-safe object the caller keeps in the state file and hands back next time).
//
// Decisions:
// - `jobs` counts every not-completed job (pending, pending-held, processing, processing-stopped);
//   `held` counts the pending-held ones among them; `oldestJobAgeSeconds` is over all of them.
// - A held job (pending-held) is WAITING, not stuck: it waits for a person (a release, a PIN at the
//   printer), and the printer is not failing it. It never makes the queue stuck.
// - Progress: a job's job-impressions-completed grew, or an active job left the queue (it finished
//   or was cancelled). A job seen for the first time with no impressions has made no progress since
//   it was created; one already printing progressed at some time we do not know, so we count from
//   when we first saw it.
// - stuck = some active (not held) job is older than stuckAfterMs AND the queue as a whole has made
//   no progress for stuckAfterMs. So a job printing 500 pages is never stuck, a job waiting behind it
//   is not stuck while the one ahead progresses, and a single job that sat at the head of the queue
//   with 0 pages for 20 minutes is stuck on the first poll that sees it. The brief's "did not progress
//   since the previous poll" is the special case of polls stuckAfterMs apart.
// - Jobs with no creation time (the server gave none) count from when a poll first saw them.
// - Hosts: the job's job-originating-host-name; `(unknown)` when the server did not give one (or
//   withheld it: see `hidden` in the IPP client).

export type QueueJobState = 'pending' | 'pending-held' | 'processing' | 'processing-stopped' | 'canceled' | 'aborted' | 'completed';

/** What these functions need of a job: the IPP client's IppJob fits. */
export interface QueueJob {
  id: number;
  state: QueueJobState | null;
  host: string | null;
  createdAt: string | null;
  impressionsCompleted: number | null;
}

export interface QueueMetrics {
  jobs: number;
  held: number;
  oldestJobAgeSeconds: number | null;
  jobsByHost: Record<string, number>;
  stuck: boolean;
}

interface JobMemory {
  /** ISO: when a poll first saw the job */
  firstSeen: string;
  impressions: number | null;
  /** ISO: the job's last known progress */
  progressAt: string;
  state: QueueJobState | null;
}

export interface QueueMemory {
  /** per job id, the jobs of the last poll */
  jobs: Record<string, JobMemory>;
  /** ISO: the queue's last known progress (null before any) */
  progressAt: string | null;
}

export interface QueueOptions {
  stuckAfterMs: number;
}

export const UNKNOWN_HOST = '(unknown)';

const ACTIVE: ReadonlySet<QueueJobState | null> = new Set<QueueJobState | null>(['pending', 'processing', 'processing-stopped']);
const TERMINAL: ReadonlySet<QueueJobState | null> = new Set<QueueJobState | null>(['canceled', 'aborted', 'completed']);

function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

function hostKey(host: string | null): string {
  return host && host.trim() ? host : UNKNOWN_HOST;
}

/** A record with no prototype: host names and job ids such as "__proto__" are plain keys. */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * The queue's metrics from the jobs of one Get-Jobs (not-completed) answer; terminal jobs in the list
 * are ignored. `previous` is the memory returned by the last call for the same queue.
 */
export function summarizeQueue(jobs: readonly QueueJob[], now: Date, opts: QueueOptions, previous?: QueueMemory | null): { metrics: QueueMetrics; memory: QueueMemory } {
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const prevJobs = previous?.jobs ?? {};
  const open = jobs.filter((j) => !TERMINAL.has(j.state));

  let queueProgress = parseTime(previous?.progressAt);
  const progressed = (t: number): void => {
    queueProgress = queueProgress === null ? t : Math.max(queueProgress, t);
  };

  // active jobs of the last poll that are gone or finished now: the queue moved
  const openNow = new Set(open.map((j) => String(j.id)));
  for (const [id, m] of Object.entries(prevJobs)) {
    if (ACTIVE.has(m.state) && !openNow.has(id)) progressed(nowMs);
  }

  const memJobs = dict<JobMemory>();
  const jobsByHost = dict<number>();
  let held = 0;
  let oldest: number | null = null;
  let stuckCandidate = false;
  for (const j of open) {
    const key = String(j.id);
    const before = Object.hasOwn(prevJobs, key) ? prevJobs[key] : undefined;
    const created = parseTime(j.createdAt);
    const firstSeen = before ? (parseTime(before.firstSeen) ?? nowMs) : nowMs;
    const since = created ?? firstSeen;
    const impressions = j.impressionsCompleted;

    let progressAt: number;
    if (!before) {
      // never printed anything: no progress since it was created; printing already: since we saw it
      progressAt = !impressions && created !== null ? Math.min(created, nowMs) : nowMs;
    } else if (impressions !== null && (before.impressions === null || impressions > before.impressions)) {
      progressAt = nowMs;
    } else {
      progressAt = parseTime(before.progressAt) ?? nowMs;
    }
    if (j.state !== 'pending-held') progressed(progressAt);

    memJobs[key] = { firstSeen: new Date(firstSeen).toISOString(), impressions, progressAt: new Date(progressAt).toISOString(), state: j.state };
    const h = hostKey(j.host);
    jobsByHost[h] = (jobsByHost[h] ?? 0) + 1;
    if (j.state === 'pending-held') held++;
    const age = Math.max(0, nowMs - since);
    oldest = oldest === null ? age : Math.max(oldest, age);
    if (ACTIVE.has(j.state) && age >= opts.stuckAfterMs) stuckCandidate = true;
  }

  const stuck = stuckCandidate && queueProgress !== null && nowMs - queueProgress >= opts.stuckAfterMs;
  return {
    metrics: {
      jobs: open.length,
      held,
      oldestJobAgeSeconds: oldest === null ? null : Math.floor(oldest / 1000),
      jobsByHost: { ...jobsByHost },
      stuck,
    },
    memory: { jobs: { ...memJobs }, progressAt: queueProgress === null ? null : new Date(queueProgress).toISOString() },
  };
}

export interface PagesMemory {
  /** keys (`id@createdAt`) of the finished jobs already counted that the server still lists */
  counted: string[];
  /** pages per originating host since tracking began */
  totals: Record<string, number>;
}

/**
 * The pages each originating host printed: job-impressions-completed of finished jobs (completed,
 * and canceled or aborted ones for the pages they did print), each job counted once across polls.
 * A job is known by its id and creation time, so a server that reuses ids after a reset still counts
 * the new job. Only keys the server still lists are remembered: its history is bounded, and a job
 * that left it never comes back — so the memory stays as small as the server's history.
 * `added` is what this call counted; `totals` adds it to the previous totals.
 */
export function pagesByHost(completedJobs: readonly QueueJob[], previous?: PagesMemory | null): { added: Record<string, number>; totals: Record<string, number>; memory: PagesMemory } {
  const counted = new Set(previous?.counted ?? []);
  const totals = dict<number>();
  for (const [h, n] of Object.entries(previous?.totals ?? {})) totals[h] = n;
  const added = dict<number>();
  const keep: string[] = [];
  for (const j of completedJobs) {
    if (!TERMINAL.has(j.state)) continue;
    const key = `${j.id}@${j.createdAt ?? ''}`;
    keep.push(key);
    if (counted.has(key)) continue;
    counted.add(key);
    const pages = j.impressionsCompleted !== null && j.impressionsCompleted > 0 ? j.impressionsCompleted : 0;
    const h = hostKey(j.host);
    added[h] = (added[h] ?? 0) + pages;
    totals[h] = (totals[h] ?? 0) + pages;
  }
  return { added: { ...added }, totals: { ...totals }, memory: { counted: [...new Set(keep)], totals: { ...totals } } };
}

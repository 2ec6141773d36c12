// An exclusive lock beside the state file, so that polls, overrides and alert commands never interleave
// their writes. A lock file left by a process that died (or an empty or garbled one, which no running
// simplemon can have written) is taken over, safely even when many processes find it at once.
import { constants } from 'node:fs';
import { link, open, unlink, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { RunError } from '../util/errors.js';
import { clean } from '../render/sanitize.js';
import { fsReason } from './fs-reason.js';

export interface LockInfo {
  pid: number;
  host: string;
  since: string;
  command: string;
  /** Random, unique to this lock file: names the takeover file that may remove it (see acquireLock). */
  nonce?: string;
}

export interface Lock {
  file: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** One line for the operator when a dead or broken lock is taken over. */
  warn?: (line: string) => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An old simplemon created its lock and wrote it in two steps; give such a writer this long to finish. */
const GARBLED_GRACE_MS = 2000;

/** What is at a lock path now: read through one descriptor, so the identity and the content belong together. */
interface Seen {
  /** The lock's identity: its nonce, or (no nonce: old or garbled file) its inode and change time. */
  key: string;
  info: LockInfo | null;
  ageMs: number;
  raw: string;
}

async function look(file: string): Promise<Seen | null> {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if (errno(e) === 'ENOENT') return null;
    if (errno(e) === 'ELOOP') throw new RunError(`lock ${file} is a symbolic link, which simplemon never creates; remove it`, { cause: e });
    throw new RunError(`cannot read lock ${file}: ${fsReason(e)}`, { cause: e });
  }
  try {
    const st = await fh.stat({ bigint: true });
    const raw = (await fh.readFile('utf8')).slice(0, 4096);
    let info: LockInfo | null = null;
    try {
      const j = JSON.parse(raw) as Partial<LockInfo>;
      if (j && typeof j === 'object' && Number.isInteger(j.pid) && (j.pid as number) > 0 && typeof j.host === 'string') info = j as LockInfo;
    } catch {
      info = null;
    }
    const key = info && typeof info.nonce === 'string' && /^[0-9a-f]{32}$/.test(info.nonce) ? info.nonce : `i${st.ino}-${st.ctimeNs}`;
    return { key, info, raw, ageMs: Date.now() - Number(st.mtimeMs) };
  } finally {
    await fh.close();
  }
}

/**
 * Create `file` holding `info`, or return false if it exists. The content is written in a
 * unique temp file first, then link()ed into place: link fails with EEXIST if the name exists, so the
 * creation is exclusive, and the file appears whole — a lock file is never empty or partial.
 */
async function createWhole(file: string, info: LockInfo): Promise<boolean> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      // no fsync: after a power loss the file may come back empty, and an empty lock is taken over anyway
      await fh.writeFile(JSON.stringify(info));
    } finally {
      await fh.close();
    }
    await link(tmp, file);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

function describe(info: LockInfo | null, raw: string): string {
  if (!info) return raw.length === 0 ? 'an empty lock file' : `an unreadable lock file ("${clean(raw.slice(0, 40))}")`;
  return `simplemon ${clean(info.command)} (pid ${info.pid} on ${clean(info.host)}, since ${clean(info.since)})`;
}

/** Is the lock seen at a path abandoned: its holder dead on this host, or the file garbled and not fresh? */
function abandoned(seen: Seen): string | null {
  if (!seen.info) return seen.ageMs >= GARBLED_GRACE_MS ? describe(null, seen.raw) : null;
  if (seen.info.host === hostname() && !alive(seen.info.pid)) return `${describe(seen.info, seen.raw)}, which is no longer running`;
  return null;
}

/**
 * Remove the abandoned file at `path` whose identity is `key`, unless something else is there by now.
 *
 * Why this can never remove a live holder's file: a file's identity (its nonce; for a file without one,
 * its inode and change time) never changes and never recurs at the path (nonces are random 128-bit; this
 * simplemon never writes a file without one, and another with the same inode and nanosecond change time
 * is not a practical worry). Removal is guarded by `<lock>.takeover-<key>`, created exclusively
 * (createWhole), so at most one process holds the right to remove the file with that identity. Under it,
 * the path is read again: if it still holds `key`, it keeps holding it until our unlink, because only two
 * kinds of process ever unlink a path holding `key` — its owner (dead: that is how we got here, and a dead
 * process stays dead) and the holder of takeover-`key` (us). Only then is the guard removed; anyone who
 * still acts on an old view of `key` afterwards finds the path changed and does nothing.
 * If the guard's own holder died inside this short section, the guard is abandoned in turn and removed
 * by the same rule, one level up (its own nonce names its own guard); each level needs a process killed
 * within a few system calls, so the recursion is shallow, and it is bounded anyway.
 */
async function removeAbandoned(path: string, key: string, guardBase: string, me: Omit<LockInfo, 'nonce'>, depth = 0): Promise<boolean> {
  const guard = `${guardBase}.takeover-${key}`;
  const info: LockInfo = { ...me, nonce: randomBytes(16).toString('hex') };
  if (!(await createWhole(guard, info))) {
    const g = await look(guard);
    if (g && depth < 8 && abandoned(g)) await removeAbandoned(guard, g.key, guardBase, me, depth + 1);
    return false; // someone else is on it, or was: look again at the lock
  }
  try {
    const now = await look(path);
    if (now && now.key === key) {
      await unlink(path);
      return true;
    }
    return false;
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/**
 * Take the lock, waiting up to `timeoutMs` for another holder. Throws RunError (exit 1) naming the
 * holder when it cannot. A lock whose holder died, or an empty or garbled lock file, is taken over with
 * a line saying so (removeAbandoned says why that cannot remove a live holder's lock).
 */
export async function acquireLock(stateFile: string, timeoutMs: number, command: string, opts: LockOptions = {}): Promise<Lock> {
  const file = `${stateFile}.lock`;
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`simplemon: ${line}\n`));
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  const nonce = randomBytes(16).toString('hex');
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new RunError(`cannot create the state folder ${dirname(file)}: ${fsReason(e)}`, { cause: e });
  }
  const deadline = Date.now() + timeoutMs;
  let wait = 10;
  for (;;) {
    let created: boolean;
    try {
      created = await createWhole(file, { ...me, nonce });
    } catch (e) {
      throw new RunError(`cannot create lock ${file}: ${fsReason(e)}; nothing was changed`, { cause: e });
    }
    if (created) {
      let released = false;
      return {
        file,
        release: async () => {
          if (released) return;
          released = true;
          // only our own file: nobody else removes a path that holds our nonce while we live
          const now = await look(file).catch(() => null);
          if (now && now.key === nonce) await unlink(file).catch(() => {});
        },
      };
    }
    const seen = await look(file);
    if (!seen) continue; // released in between: try again at once
    const why = abandoned(seen);
    if (why) {
      let removed: boolean;
      try {
        removed = await removeAbandoned(file, seen.key, file, me);
      } catch (e) {
        throw new RunError(`cannot take over the state lock ${file} from ${why}: ${fsReason(e)}`, { cause: e });
      }
      if (removed) {
        warn(`took over the state lock ${file} from ${why}`);
        continue;
      }
      // another process is taking it over right now: look again shortly
    }
    if (Date.now() >= deadline) {
      const who = why
        ? `${why}, and another process (see ${file}.takeover-*) has been taking it over all this time`
        : seen.info
          ? describe(seen.info, seen.raw)
          : `${describe(null, seen.raw)} (taken over once it is ${GARBLED_GRACE_MS / 1000}s old)`;
      throw new RunError(`state file ${stateFile} is locked by ${who}; gave up after waiting ${Math.round(timeoutMs / 1000)}s (lock-timeout). If no simplemon is running, remove ${file}.`);
    }
    // short, jittered waits: a holder usually keeps the lock well under a second, and waiters that wake
    // together would only collide again
    await sleep(Math.min(wait * (0.5 + Math.random()), Math.max(1, deadline - Date.now())));
    wait = Math.min(wait * 2, 100);
  }
}


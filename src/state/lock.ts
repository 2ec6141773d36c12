// An exclusive lock beside the state file, so that polls, overrides and alert commands never interleave
// their writes. A lock file left by a process that died is taken over.
import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { RunError } from '../util/errors.js';

export interface LockInfo {
  pid: number;
  host: string;
  since: string;
  command: string;
}

export interface Lock {
  file: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readInfo(file: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Take the lock, waiting up to `timeoutMs` for another holder. Throws RunError (exit 1) naming the
 * holder when it cannot.
 */
export async function acquireLock(stateFile: string, timeoutMs: number, command: string): Promise<Lock> {
  const file = `${stateFile}.lock`;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  let wait = 25;
  for (;;) {
    try {
      const fh = await open(file, 'wx', 0o600);
      const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      let released = false;
      return {
        file,
        release: async () => {
          if (released) return;
          released = true;
          const now = await readInfo(file);
          if (now && now.pid === process.pid) await unlink(file).catch(() => {});
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new RunError(`cannot create lock ${file}: ${(e as Error).message}`, { cause: e });
    }
    const holder = await readInfo(file);
    if (holder && holder.host === hostname() && !alive(holder.pid)) {
      // the holder died without releasing: take over (unlink then retry the exclusive create)
      await unlink(file).catch(() => {});
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `simplemon ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : 'another process';
      throw new RunError(`state file ${stateFile} is locked by ${who}; gave up after waiting ${Math.round(timeoutMs / 1000)}s (lock-timeout). If no simplemon is running, remove ${file}.`);
    }
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
    wait = Math.min(wait * 2, 500);
  }
}

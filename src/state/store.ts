// The state store: lowdb over our own adapter, which adds what lowdb's JSONFile lacks here — unique temp
// names with fsync (atomic.ts), mode 0600, schema versions, and a refusal to reset a bad file.
import { constants } from 'node:fs';
import { open, copyFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic.js';
import { acquireLock, type Lock } from './lock.js';
import { fsReason } from './fs-reason.js';
import { emptyState, migrate, SchemaError } from './migrate.js';
import type { StateFile, StateSection } from './types.js';
import { SCHEMA_VERSION } from './types.js';
import { RunError } from '../util/errors.js';
import { clean } from '../render/sanitize.js';

/** A state file that exists but cannot be used. Never silently reset or overwritten. */
export class StateFileError extends RunError {
  constructor(file: string, why: string, options?: { cause?: unknown }) {
    super(`state file ${file} cannot be used: ${clean(why)}. It was left untouched; fix it, or move it away to start afresh.`, options);
    this.name = 'StateFileError';
  }
}

class StateAdapter implements Adapter<StateFile> {
  migratedFrom: number | null = null;
  constructor(
    readonly file: string,
    readonly sections: readonly StateSection[] = [],
  ) {}

  async read(): Promise<StateFile | null> {
    let text: string;
    try {
      // O_NOFOLLOW: a state file replaced by a symbolic link is refused, never read through (its target's
      // first bytes would show in an error) nor replaced by the next save
      const fh = await open(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        if (!(await fh.stat()).isFile()) throw Object.assign(new Error('it is not a regular file'), { code: 'ENOTREG' });
        text = await fh.readFile('utf8');
      } finally {
        await fh.close();
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code === 'ELOOP') throw new StateFileError(this.file, 'it is a symbolic link, and simplemon does not follow one (it could reveal or replace another file); put the real file in its place', { cause: e });
      throw new StateFileError(this.file, code === 'ENOTREG' ? 'it is not a regular file' : `it cannot be read: ${fsReason(e)}`, { cause: e });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      // V8 says where by offset; an operator with an editor wants the line and column
      const msg = (e as Error).message.replace(/ in JSON at position (\d+)(?: \(line \d+ column \d+\))?/, (_, pos: string) => {
        const before = text.slice(0, Number(pos)).split('\n');
        return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
      });
      throw new StateFileError(this.file, `it is not valid JSON (${msg})`, { cause: e });
    }
    try {
      const { state, from } = migrate(raw, this.sections);
      this.migratedFrom = from < SCHEMA_VERSION ? from : null;
      return state;
    } catch (e) {
      if (e instanceof SchemaError) throw new StateFileError(this.file, e.message, { cause: e });
      throw e;
    }
  }

  async write(data: StateFile): Promise<void> {
    if (this.migratedFrom !== null) {
      // keep the pre-migration file once, so an upgrade never loses anything
      // EXCL: an existing backup (or a link planted in its name) is never overwritten
      await copyFile(this.file, `${this.file}.v${this.migratedFrom}.bak`, constants.COPYFILE_EXCL).catch(() => {});
      this.migratedFrom = null;
    }
    // compact: with thousands of VMs the file is megabytes, and `status --json` is the readable view
    await writeFileAtomic(this.file, JSON.stringify(data) + '\n');
  }
}

export interface StateStore {
  file: string;
  data: StateFile;
  save(): Promise<void>;
  close(): Promise<void>;
}

/** Read the state without the lock (status): writes are atomic renames, so a read sees a whole file. */
export async function readState(file: string, sections: readonly StateSection[] = []): Promise<StateFile> {
  const db = new Low<StateFile>(new StateAdapter(file, sections), emptyState(sections));
  await db.read();
  return db.data;
}

/**
 * Open the state for change under the exclusive lock. The caller must `close()` (in finally).
 * Saving keeps the lock; close releases it.
 */
export async function openState(file: string, opts: { lockTimeoutMs: number; command: string; warn?: (line: string) => void; sections?: readonly StateSection[] }): Promise<StateStore> {
  const lock: Lock = await acquireLock(file, opts.lockTimeoutMs, opts.command, { warn: opts.warn });
  try {
    const db = new Low<StateFile>(new StateAdapter(file, opts.sections), emptyState(opts.sections));
    await db.read();
    return {
      file,
      get data() {
        return db.data;
      },
      set data(v: StateFile) {
        db.data = v;
      },
      save: async () => {
        try {
          await db.write();
        } catch (e) {
          throw new RunError(`cannot save state file ${file}: ${fsReason(e)}; the previous state is kept`, { cause: e });
        }
      },
      close: () => lock.release(),
    };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

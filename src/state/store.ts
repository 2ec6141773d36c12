// The state store: lowdb over our own adapter, which adds what lowdb's JSONFile lacks here — unique temp
// names with fsync (atomic.ts), mode 0600, schema versions, and a refusal to reset a bad file.
import { readFile, copyFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic.js';
import { acquireLock, type Lock } from './lock.js';
import { emptyState, migrate, SchemaError } from './migrate.js';
import type { StateFile } from './types.js';
import { SCHEMA_VERSION } from './types.js';
import { RunError } from '../util/errors.js';

/** A state file that exists but cannot be used. Never silently reset or overwritten. */
export class StateFileError extends RunError {
  constructor(file: string, why: string, options?: { cause?: unknown }) {
    super(`state file ${file} cannot be used: ${why}. It was left untouched; fix it, or move it away to start afresh.`, options);
    this.name = 'StateFileError';
  }
}

class StateAdapter implements Adapter<StateFile> {
  migratedFrom: number | null = null;
  constructor(readonly file: string) {}

  async read(): Promise<StateFile | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateFileError(this.file, (e as Error).message, { cause: e });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new StateFileError(this.file, `it is not valid JSON (${(e as Error).message})`, { cause: e });
    }
    try {
      const { state, from } = migrate(raw);
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
      await copyFile(this.file, `${this.file}.v${this.migratedFrom}.bak`).catch(() => {});
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
export async function readState(file: string): Promise<StateFile> {
  const db = new Low<StateFile>(new StateAdapter(file), emptyState());
  await db.read();
  return db.data;
}

/**
 * Open the state for change under the exclusive lock. The caller must `close()` (in finally).
 * Saving keeps the lock; close releases it.
 */
export async function openState(file: string, opts: { lockTimeoutMs: number; command: string }): Promise<StateStore> {
  const lock: Lock = await acquireLock(file, opts.lockTimeoutMs, opts.command);
  try {
    const db = new Low<StateFile>(new StateAdapter(file), emptyState());
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
          throw new RunError(`cannot save state file ${file}: ${(e as Error).message}`, { cause: e });
        }
      },
      close: () => lock.release(),
    };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

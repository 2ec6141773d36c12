// The state file as the commands use it: the store (src/state) with the sections other modules own —
// today the notifier's outbox. The one place that tells the store about them.
import { openState, readState, type StateStore } from '../state/store.js';
import { emptyState } from '../state/migrate.js';
import type { StateFile, StateSection } from '../state/types.js';
import { notifySection } from '../notify/types.js';

export const STATE_SECTIONS: readonly StateSection[] = [notifySection];

/**
 * Read without the lock (status, check, export …): writes are atomic renames. `metrics: false` for a
 * command that shows no readings (events, alerts, completion): the readings file is not read.
 */
export function readAppState(file: string, opts: { metrics?: boolean | readonly string[] } = {}): Promise<StateFile> {
  return readState(file, STATE_SECTIONS, opts);
}

/** Open under the lock, for a command that changes the state (poll, override, alerts). */
export function openAppState(file: string, opts: { lockTimeoutMs: number; command: string; warn?: (line: string) => void }): Promise<StateStore> {
  return openState(file, { ...opts, sections: STATE_SECTIONS });
}

/** A new state with every section's defaults (tests and the demo). */
export function emptyAppState(): StateFile {
  return emptyState(STATE_SECTIONS);
}

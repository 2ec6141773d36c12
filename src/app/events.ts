// The event log in the state file: every writer of events goes through here, so it stays bounded.
import type { LogEvent } from '../core/types.js';
import type { StateFile } from '../state/types.js';

/** Append to the bounded event log (oldest dropped first). */
export function appendEvents(state: StateFile, events: LogEvent[], max: number): void {
  state.events.push(...events);
  if (state.events.length > max) state.events.splice(0, state.events.length - max);
}

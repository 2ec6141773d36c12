// simplemon override set|list|clear, simplemon ack: manual states, maintenance and acknowledgements,
// stored in the state file under the same lock as a poll, so none is ever lost to a concurrent poll.
import { userInfo } from 'node:os';
import type { GlobalOptions } from '../main.js';
import { loadConfig } from '../../config/load.js';
import { loadConfigView } from '../../config/cache.js';
import { parseDuration } from '../../config/validate.js';
import { openAppState, readAppState } from '../../app/state.js';
import { viewsOf } from '../../app/devices.js';
import { appendEvents } from '../../app/events.js';
import { SOURCES } from '../../sources/index.js';
import { activeOverride, matchesGlob } from '../../core/overrides.js';
import type { Override } from '../../core/types.js';
import type { Config } from '../../config/types.js';
import type { StateFile } from '../../state/types.js';
import { ConfigError } from '../../util/errors.js';
import { clean } from '../../render/sanitize.js';

const STATES = ['ok', 'warning', 'critical', 'maintenance'] as const;

/** Who is acting: the person behind sudo, else the login user. */
export function whoAmI(env: NodeJS.ProcessEnv = process.env): string {
  return env.SUDO_USER || env.USER || env.LOGNAME || safeUser();
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const isGlob = (s: string) => /[*?]/.test(s);

/** Device ids a pattern names, among the configured devices and the last inventory. */
function resolveDevices(state: StateFile, config: Config, pattern: string, force: boolean, now: Date): string[] {
  const known = viewsOf(state, config, SOURCES, now).map((v) => v.id);
  const hits = isGlob(pattern) ? known.filter((id) => matchesGlob(pattern, id)) : known.filter((id) => id === pattern);
  if (hits.length) return hits;
  if (force && !isGlob(pattern) && /^[a-z]+\/\S+$/.test(pattern)) return [pattern];
  const hint = known.length ? `known devices: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}` : 'no devices are configured';
  throw new ConfigError(`"${pattern}" ${isGlob(pattern) ? 'matches no device' : 'is not a device in the config or the last inventory'} (${hint})${isGlob(pattern) ? '' : '; use --force to set it anyway'}`);
}

/** "--until 2026-12-01 08:00" (local time of this machine) or an ISO time. */
export function parseUntil(s: string, now: Date): Date {
  const t = s.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(t);
  const d = local ? new Date(+local[1], +local[2] - 1, +local[3], +local[4], +local[5]) : new Date(t);
  if (Number.isNaN(d.getTime())) throw new ConfigError(`--until "${s}" is not a time: use "YYYY-MM-DD HH:MM" (local time) or an ISO time`);
  if (d.getTime() <= now.getTime()) throw new ConfigError(`--until "${s}" is in the past`);
  return d;
}

function fmt(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString('sv-SE', { hour12: false }).slice(0, 16) : 'no expiry';
}

async function withState<T>(config: Config, command: string, fn: (state: StateFile) => T): Promise<T> {
  const store = await openAppState(config.stateFile, { lockTimeoutMs: config.lockTimeoutMs, command });
  try {
    const out = fn(store.data);
    await store.save();
    return out;
  } finally {
    await store.close();
  }
}

export async function overrideSet(
  g: GlobalOptions,
  pattern: string,
  opts: { state: string; for?: string; until?: string; reason?: string; force?: boolean },
  now = g.now(),
): Promise<number> {
  if (!(STATES as readonly string[]).includes(opts.state)) throw new ConfigError(`--state must be one of ${STATES.join(', ')}`);
  if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why, for whoever reads status next');
  if (opts.for && opts.until) throw new ConfigError('give --for or --until, not both');
  let until: Date | null = null;
  if (opts.for) {
    const ms = parseDuration(opts.for);
    if (!ms) throw new ConfigError(`--for "${opts.for}" is not a duration (examples: 30m, 2h, 1d)`);
    until = new Date(now.getTime() + ms);
  } else if (opts.until) until = parseUntil(opts.until, now);
  const config = loadConfig(g.config);
  const ids = await withState(config, 'override set', (state) => {
    const hit = resolveDevices(state, config, pattern, Boolean(opts.force), now);
    const o: Override = { state: opts.state as Override['state'], reason: opts.reason!.trim(), by: whoAmI(), since: now.toISOString(), until: until ? until.toISOString() : null };
    for (const id of hit) {
      state.overrides[id] = o;
      appendEvents(state, [{ at: o.since, type: 'override-set', device: id, message: `${o.state} by ${o.by} until ${o.until ?? 'cleared'}: ${o.reason}` }], config.eventLogSize);
    }
    return hit;
  });
  const lines = ids.map((id) => `${id}: ${opts.state} ${until ? `until ${fmt(until.toISOString())}` : '(no expiry: clear it with simplemon override clear)'} — ${opts.reason!.trim()}`);
  g.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export async function overrideClear(g: GlobalOptions, pattern: string, now = g.now()): Promise<number> {
  const config = loadConfig(g.config);
  const cleared = await withState(config, 'override clear', (state) => {
    const ids = Object.keys(state.overrides).filter((id) => (isGlob(pattern) ? matchesGlob(pattern, id) : id === pattern));
    for (const id of ids) {
      const o = state.overrides[id];
      delete state.overrides[id];
      appendEvents(state, [{ at: now.toISOString(), type: 'override-cleared', device: id, message: `${o.state} (${o.reason}) cleared by ${whoAmI()}` }], config.eventLogSize);
    }
    return ids;
  });
  if (!cleared.length) throw new ConfigError(`no override matches "${pattern}" (simplemon override list shows them)`);
  g.stdout.write(cleared.map((id) => `${id}: override cleared`).join('\n') + '\n');
  return 0;
}

export async function overrideList(g: GlobalOptions, opts: { json?: boolean }, now = g.now()): Promise<number> {
  const config = await loadConfigView(g.config);
  const state = await readAppState(config.stateFile, { metrics: false });
  const active = Object.entries(state.overrides).filter(([, o]) => activeOverride(o, now));
  if (opts.json) {
    g.stdout.write(JSON.stringify(active.map(([device, o]) => ({ device, ...o })), null, 2) + '\n');
    return 0;
  }
  if (!active.length) {
    g.stdout.write('no overrides\n');
    return 0;
  }
  for (const [id, o] of active) g.stdout.write(`${id}: ${o.state} by ${clean(o.by)} since ${fmt(o.since)}, ${o.until ? `until ${fmt(o.until)}` : 'no expiry'} — ${clean(o.reason)}\n`);
  return 0;
}

export async function ackCommand(g: GlobalOptions, id: string, opts: { reason?: string }, now = g.now()): Promise<number> {
  if (!opts.reason?.trim()) throw new ConfigError('--reason is required');
  const config = loadConfig(g.config);
  await withState(config, 'ack', (state) => {
    const view = viewsOf(state, config, SOURCES, now).find((v) => v.id === id);
    if (!view) throw new ConfigError(`"${id}" is not a device in the config or the last inventory`);
    if (view.realState === 'ok') throw new ConfigError(`${id} is ok: there is no problem to acknowledge`);
    state.acks[id] = { reason: opts.reason!.trim(), by: whoAmI(), since: now.toISOString() };
    appendEvents(state, [{ at: now.toISOString(), type: 'ack', device: id, message: `acknowledged by ${whoAmI()}: ${opts.reason!.trim()}` }], config.eventLogSize);
  });
  g.stdout.write(`${id}: acknowledged — no reminders until it recovers\n`);
  return 0;
}

// The `history:` section: how long the per-poll history (src/history/store.ts) is kept, and its size cap.
// Wired into schema.ts. Pure.
import { isScalar } from './yaml-nodes.js';
import { duration, fail, fields, type Ctx, type YNode } from './validate.js';

/** The folder is always `history/` beside the state file (historyDir() in src/history/store.ts). */
export interface HistoryConfig {
  /** Days older than this are removed (35d). */
  keepMs: number;
  /** Then the oldest days are removed until the folder fits (200 MiB). */
  maxBytes: number;
}

export const HISTORY_CONFIG_DEFAULTS = { keepMs: 35 * 86_400_000, maxBytes: 200 * 1024 * 1024 };

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3 };

/** "200MiB", "1.5GB", "500k", 1048576 → bytes; null when malformed. */
export function parseSize(s: string | number): number | null {
  if (typeof s === 'number') return Number.isFinite(s) && s >= 0 ? Math.floor(s) : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s);
  if (!m) return null;
  const unit = SIZE_UNITS[m[2].toLowerCase()];
  return unit === undefined ? null : Math.floor(Number(m[1]) * unit);
}

/** Parse `history: { keep, max-size }` into `into` (which carries the defaults and the folder). */
export function historySection(ctx: Ctx, node: YNode, path: string, into: HistoryConfig): void {
  fields(ctx, node, path, {
    keep: (n, p) => (into.keepMs = duration(ctx, n, p, { min: 3_600_000 }) ?? into.keepMs),
    'max-size': (n, p) => {
      const v = isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? parseSize(n.value) : null;
      if (v === null || v < 1024 * 1024) fail(ctx, n, p, 'expected a size of at least 1MiB, like 200MiB, 2GiB or 500MB');
      else into.maxBytes = v;
    },
  });
}

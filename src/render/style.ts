// Colours: only on a TTY, never with NO_COLOR (https://no-color.org) or --no-color; FORCE_COLOR wins.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Severity } from '../core/types.js';

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

export function makeChalk(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

export function paintState(c: ChalkInstance, s: Severity | string, text: string = s): string {
  switch (s) {
    case 'ok':
      return c.green(text);
    case 'warning':
      return c.yellow(text);
    case 'critical':
      return c.red.bold(text);
    default:
      return c.magenta(text);
  }
}

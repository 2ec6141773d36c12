// Output for the locale it is read in. Cron runs jobs without LANG, and its mail then shows `→` as
// mojibake: without a UTF-8 locale our own typographic characters (arrows, dashes, ellipsis) become
// ASCII. Letters in device names are left alone: only these symbols are swapped. (Table borders are
// the table renderer's own business: it draws them.)
import { isUtf8Locale } from './sparkline.js';

export { isUtf8Locale };

const ASCII: Record<string, string> = {
  '→': '->',
  '←': '<-',
  '—': '-',
  '–': '-',
  '…': '...',
  '×': 'x',
  '≥': '>=',
  '≤': '<=',
};
const PATTERN = new RegExp(`[${Object.keys(ASCII).join('')}]`, 'g');

/** The text as is in a UTF-8 locale; else with our typographic symbols spelled in ASCII. */
export function forLocale(text: string, utf8: boolean): string {
  return utf8 ? text : text.replace(PATTERN, (ch) => ASCII[ch]);
}

/** forLocale() for the locale of an environment (LC_ALL, then LC_CTYPE, then LANG). */
export function forEnvLocale(text: string, env: Record<string, string | undefined>): string {
  return forLocale(text, isUtf8Locale(env));
}

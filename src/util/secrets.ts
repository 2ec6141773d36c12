// Keeping secrets out of output. Secrets are masked where they can appear — in text that comes from a
// library, a server or a URL (SNMP and SMTP errors, SOAP faults, unexpected exceptions) — at the place
// that text enters our output, never in our own messages. A printer's community is often its name or
// `public`: masking every occurrence everywhere turned `printer/zebra` into `printer/***`. Device ids,
// names and what a user typed are never masked.
const known = new Set<string>();

/** The secrets of the config loaded in this process (for maskLibraryText). */
export function rememberSecrets(values: readonly string[]): void {
  for (const v of values) if (v.length >= 3) known.add(v);
}

/** Replace each of these secrets (longest first) in a library's or a server's text with ***. */
export function maskSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 3).sort((a, b) => b.length - a.length);
  for (const s of list) out = out.split(s).join('***');
  return out;
}

/**
 * Text of an error we did not write (a library's exception, a stack trace): any secret of the config
 * is masked. Never apply it to our own messages, which name devices.
 */
export function maskLibraryText(text: string): string {
  return maskSecrets(text, [...known]);
}

/** Is this one of our own errors (ConfigError, RunError: messages we wrote, which may name devices)? */
export function isOwnError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ConfigError' || e.name === 'RunError');
}

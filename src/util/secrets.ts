// Secrets read from the config in this process, so that any text printed can be scrubbed of them.
const known = new Set<string>();

export function rememberSecrets(values: readonly string[]): void {
  for (const v of values) if (v.length >= 3) known.add(v);
}

/** Replace every known secret in `text` with ***. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const s of known) out = out.split(s).join('***');
  return out;
}

// Errors that carry their exit code. main.ts is the one place that turns them into process.exitCode.

/** Usage and configuration errors: exit 2, nothing touched. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** The command could not do its job (state not saved, lock not obtained): exit 1. */
export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunError';
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

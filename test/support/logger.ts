import type { Logger } from '../../src/log.js';

/** One logged entry. */
export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly context: Record<string, unknown>;
}

/** A logger that keeps entries in memory, so a test can assert what an operator would read. */
export function createMemoryLogger(): Logger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const push =
    (level: LogEntry['level']) =>
    (message: string, context: Record<string, unknown> = {}) =>
      void entries.push({ level, message, context });
  return { entries, info: push('info'), warn: push('warn'), error: push('error') };
}

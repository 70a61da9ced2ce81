/** A structured logger: a message and flat context. Context never holds secrets. */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** One line per entry on stderr, `time level [component] message key=value ...`, readable in a terminal. */
export function createConsoleLogger(
  component: string,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Logger {
  const emit =
    (level: string) =>
    (message: string, context: Record<string, unknown> = {}) => {
      const fields = Object.entries(context)
        .map(
          ([k, v]) =>
            `${k}=${typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined')}`,
        )
        .join(' ');
      write(
        `${new Date().toISOString()} ${level} [${component}] ${message}${fields ? ` ${fields}` : ''}`,
      );
    };
  return { info: emit('INFO'), warn: emit('WARN'), error: emit('ERROR') };
}

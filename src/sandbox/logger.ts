/** Where the sandbox says what it did. It never passes the secret or a token to a logger. */
export interface SandboxLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Says nothing: the default for tests and embedded use. */
export const silentLogger: SandboxLogger = { info: () => {}, warn: () => {} };

/** One JSON line per event on stdout/stderr, for `npm run sandbox`. */
export function consoleLogger(): SandboxLogger {
  const line = (level: string, message: string, fields?: Readonly<Record<string, unknown>>) =>
    JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  return {
    info: (message, fields) => console.log(line('info', message, fields)),
    warn: (message, fields) => console.error(line('warn', message, fields)),
  };
}

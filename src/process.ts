import { ConfigError } from './errors.js';
import type { Logger } from './log.js';

/**
 * Runs a process's `main` and ends the process with 1 if it fails: a configuration error is
 * logged as its own message (it names the keys, never their values), anything else as
 * `<what> failed` with the error's message.
 */
export function runMain(what: string, log: Logger, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) log.error(error.message);
    else
      log.error(`${what} failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    process.exit(1);
  });
}

/** Calls `stop` once, on the first SIGINT or SIGTERM, with the signal's name. */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  const once = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop(signal);
  };
  process.once('SIGINT', once);
  process.once('SIGTERM', once);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A child process of the local stack whose output is shown line by line under its name. */
export interface StackChild {
  readonly name: string;
  /** The child's watchdog (see src/stack/watchdog.ts), which runs the command. */
  readonly process: ChildProcess;
  /** Resolves with the command's exit code (or signal) once it has ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after the grace period if it has not ended. */
  stop(): Promise<void>;
}

const WATCHDOG = fileURLToPath(new URL('./watchdog.ts', import.meta.url));
const COLORS = [36, 33, 35, 32, 34, 31];
let nextColor = 0;

/**
 * Starts `command args` with `env` under a watchdog that ends it when the stack ends, even by
 * SIGKILL, and prefixes each output line with `[name]`.
 */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  options: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    write?: (line: string) => void;
    /** How long `stop()` (or the stack's death) waits before SIGKILL; 10 s by default. */
    graceMs?: number;
  },
): StackChild {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const graceMs = options.graceMs ?? 10_000;
  const color = COLORS[nextColor++ % COLORS.length] ?? 36;
  const label = process.stdout.isTTY ? `\u001b[${color}m[${name}]\u001b[0m` : `[${name}]`;
  // detached: its own session, so the terminal's Ctrl-C and hang-up reach the stack only, and it
  // stops the children in order (worker before Temporal) instead of all at once. fd 3 is the
  // watchdog's lifeline: only this process holds the other end.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WATCHDOG, String(graceMs), command, ...args],
    {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdio[3]?.on('error', () => {});
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => write(`${label} ${line}`));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      write(`${label} failed to start: ${error.message}`);
      resolve('spawn-error');
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    name,
    process: child,
    exited,
    async stop() {
      if (ended) return;
      // The watchdog passes SIGTERM on and forces the command after graceMs; this is only for a
      // watchdog that hangs itself.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs + 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

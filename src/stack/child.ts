import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child process of the local stack whose output is shown line by line under its name. */
export interface StackChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs` if it has not ended. */
  stop(graceMs?: number): Promise<void>;
}

const COLORS = [36, 33, 35, 32, 34, 31];
let nextColor = 0;

/** Starts `command args` with `env`, prefixing each output line with `[name]`. */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; write?: (line: string) => void },
): StackChild {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const color = COLORS[nextColor++ % COLORS.length] ?? 36;
  const label = process.stdout.isTTY ? `\u001b[${color}m[${name}]\u001b[0m` : `[${name}]`;
  // detached: its own process group, so Ctrl-C reaches the stack first and it stops the
  // children in order (worker before Temporal) instead of all at once.
  const child = spawn(command, [...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => write(`${label} ${line}`));
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
    async stop(graceMs = 10_000) {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

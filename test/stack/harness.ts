/**
 * Starts the local stack the way a terminal does (its own process group, like a shell job) and
 * finds every process it left behind, whoever started it: each one inherits STACK_DATA_DIR, so
 * scanning /proc for that variable finds grandchildren the stack itself might not know about.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canConnect, freePorts } from '../../src/stack/wait.js';

export { freePorts };

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A stack started by {@link startStack}. */
export interface RunningStack {
  /** The process the test started: `npm` or the stack's own node process. */
  readonly process: ChildProcess;
  /** Its process group (the process is the group leader). */
  readonly pgid: number;
  readonly dataDir: string;
  readonly ports: readonly number[];
  /** Everything printed so far. */
  output(): string;
  readonly exited: Promise<number | string>;
}

/**
 * Starts the stack on free ports in `dataDir` (a fresh one by default) and resolves once it says
 * it is running. `via: 'npm'` runs `npm start`, with npm and tsx in front of the stack as a user
 * has them; `via: 'node'` runs the stack's process directly.
 */
export async function startStack(
  options: { via: 'npm' | 'node'; dataDir?: string } = { via: 'node' },
): Promise<RunningStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stack-life-'));
  const [temporal = 0, ui = 0, sandbox = 0, callbacks = 0, codec = 0] = await freePorts(5);
  const ports = [temporal, ui, sandbox, callbacks, codec] as const;
  const [command, args] =
    options.via === 'npm'
      ? ['npm', ['start', '--silent']]
      : [process.execPath, ['--import', 'tsx', 'src/stack/main.ts']];
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: '',
      GATEWAY_BASE_URL: '',
      STACK_TEMPORAL_PORT: String(ports[0]),
      STACK_TEMPORAL_UI_PORT: String(ports[1]),
      STACK_SANDBOX_PORT: String(ports[2]),
      CALLBACK_PORT: String(ports[3]),
      CODEC_PORT: String(ports[4]),
      STACK_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job: the test signals the group.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const deadline = Date.now() + 90_000;
  while (!output.includes('Payout orchestrator is running.')) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the stack exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the stack did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    process: child,
    pgid: child.pid ?? 0,
    dataDir,
    ports,
    output: () => output,
    exited,
  };
}

/** A live process whose environment holds `STACK_DATA_DIR=dataDir`. */
export interface StackProcess {
  readonly pid: number;
  readonly cmdline: string;
}

/** Every live (not zombie) process started for the stack that uses `dataDir`. */
export function stackProcesses(dataDir: string): StackProcess[] {
  const marker = `\0STACK_DATA_DIR=${dataDir}\0`;
  const found: StackProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      if (!environ.includes(marker)) continue;
      // The state follows the parenthesised command name; Z (zombie) holds nothing any more.
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ');
      found.push({ pid: Number(name), cmdline: cmdline.trim() });
    } catch {
      // Gone while we looked: nothing left to find.
    }
  }
  return found;
}

/** The stack's ports that still accept connections. */
export async function listeningPorts(stack: RunningStack): Promise<number[]> {
  const open: number[] = [];
  for (const port of stack.ports) if (await canConnect('127.0.0.1', port)) open.push(port);
  return open;
}

/**
 * Waits up to `timeoutMs` for every process of `stack` to end and every port to close; returns
 * what is still there then (empty: nothing leaked).
 */
export async function leftovers(
  stack: RunningStack,
  timeoutMs: number,
): Promise<{ processes: StackProcess[]; ports: number[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const processes = stackProcesses(stack.dataDir);
    const ports = await listeningPorts(stack);
    if ((processes.length === 0 && ports.length === 0) || Date.now() > deadline)
      return { processes, ports };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILLs whatever a failed test left behind, so the next test and the machine stay clean. */
export function killLeftovers(dataDir: string): void {
  for (const { pid } of stackProcesses(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

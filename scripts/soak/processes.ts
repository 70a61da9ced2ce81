import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A real process of the soak run (dev server, worker, receiver), in its own process group so
 * that a SIGKILL takes it and its children down at once, as a crash would. Output goes to a log
 * file; the latest lines stay in memory for `waitForLine`.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  private readonly recent: string[] = [];
  private exits = 0;
  private waiters: { pattern: RegExp; resolve: () => void }[] = [];

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  }

  /** Starts it and resolves once a line matches `ready` (or at once without one). */
  async start(ready?: RegExp, timeoutMs = 60_000): Promise<void> {
    const child = spawn(this.command, [...this.args], {
      env: this.env,
      cwd: this.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.line(line));
    }
    child.once('exit', () => {
      this.exits += 1;
    });
    if (ready) await this.waitForLine(ready, timeoutMs);
  }

  /** Kills the whole process group at once (default SIGKILL: a crash) and waits for its exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Gone already.
    }
    await exited;
  }

  /** Stops it politely (SIGTERM), SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    const timer = setTimeout(() => void this.kill('SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }

  /** The running child's pid (the leader of its process group). */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** How many times it has exited, killed or not. */
  get exitCount(): number {
    return this.exits;
  }

  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (this.recent.some((l) => pattern.test(l))) {
      this.recent.length = 0;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        pattern,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The latest lines it printed, for a failure message. */
  tail(lines = 20): string {
    return this.recent.slice(-lines).join('\n');
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private line(line: string): void {
    this.log.write(`${new Date().toISOString()} ${line}\n`);
    this.recent.push(line);
    if (this.recent.length > 200) this.recent.shift();
    const ready = this.waiters.filter((w) => w.pattern.test(line));
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      this.recent.length = 0;
      for (const w of ready) w.resolve();
    }
  }
}

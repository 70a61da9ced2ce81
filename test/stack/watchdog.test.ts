import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, stackProcesses } from './harness.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The watchdog each child of the stack runs under, with this test process as "the stack". */
describe('the stack child watchdog', () => {
  // A marker in the environment of everything started here (see stackProcesses).
  let marker = '';

  afterEach(() => killLeftovers(marker));

  const watch = (graceMs: number, script: string) => {
    marker = `watchdog-test-${randomUUID()}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/stack/watchdog.ts', String(graceMs), 'sh', '-c', script],
      {
        cwd: projectRoot,
        env: { ...process.env, STACK_DATA_DIR: marker },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    return { child, exited };
  };

  /** Waits until `count` processes carry the marker (the watchdog and what it started). */
  const waitForProcesses = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (stackProcesses(marker).length < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} processes started`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** What still carries the marker after up to 2 s (SIGKILL is delivered, not instant). */
  const leftAfterAWhile = async () => {
    const deadline = Date.now() + 2_000;
    while (stackProcesses(marker).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    return stackProcesses(marker);
  };

  it('ends the command and all it started once the stack is gone, SIGKILL if it ignores SIGTERM', async () => {
    // A command that ignores SIGTERM and has a child of its own.
    const { child, exited } = watch(300, 'trap "" TERM; sleep 300 & sleep 300; wait');
    await waitForProcesses(4); // watchdog, sh, two sleeps
    // What the kernel does to the stack's end of the pipe when the stack dies, even by SIGKILL.
    child.stdio[3]?.destroy();
    expect(await exited).toBe('SIGKILL');
    expect(await leftAfterAWhile()).toEqual([]);
  });

  it('passes SIGTERM on, and ends as the command ended, leaving nothing behind', async () => {
    // The command stops on SIGTERM; what it started ignores it and is left behind by it.
    const script = 'trap "exit 3" TERM; (trap "" TERM; exec sleep 300) & wait';
    const { child, exited } = watch(10_000, script);
    await waitForProcesses(3); // watchdog, sh, sleep
    child.kill('SIGTERM');
    expect(await exited).toBe(3);
    expect(await leftAfterAWhile()).toEqual([]);
  });
});

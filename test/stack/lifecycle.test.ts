import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, leftovers, startStack, type RunningStack } from './harness.js';

/**
 * However the stack dies, nothing of it may stay behind: a leftover dev server holds port 7233
 * and the next `npm start` refuses to run. One real stack per way of dying.
 */
describe('npm start leaves nothing running when it ends', () => {
  let stack: RunningStack | undefined;

  afterEach(() => {
    if (!stack) return;
    killLeftovers(stack.dataDir);
    rmSync(stack.dataDir, { recursive: true, force: true });
    stack = undefined;
  });

  /** Longest a clean stop may take: each child's grace, with room for a busy machine. */
  const STOP_MS = 25_000;

  const expectNothingLeft = async (s: RunningStack) => {
    const left = await leftovers(s, STOP_MS);
    expect(left.processes, s.output()).toEqual([]);
    expect(left.ports).toEqual([]);
  };

  // Not the order: tsx's runner may SIGKILL the stack when its second SIGINT is answered late
  // (a busy machine), and then the watchdogs end the children all at once.
  it.for([
    {
      what: 'Ctrl-C in a terminal (SIGINT to the whole job, npm in front)',
      via: 'npm',
      signal: 'SIGINT',
    },
    { what: 'closing the terminal (SIGHUP to the whole job)', via: 'npm', signal: 'SIGHUP' },
    { what: 'a SIGKILL of the stack process', via: 'node', signal: 'SIGKILL' },
  ] as const)('$what stops every child', { timeout: 120_000 }, async ({ via, signal }) => {
    stack = await startStack({ via });
    // npm in front: the whole process group, as a terminal signals it.
    process.kill(via === 'npm' ? -stack.pgid : stack.pgid, signal);
    await expectNothingLeft(stack);
  });

  it('a second SIGINT does not cut the shutdown short: all stops, Temporal last', async () => {
    stack = await startStack({ via: 'node' });
    process.kill(stack.pgid, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(stack.pgid, 'SIGINT');
    await expectNothingLeft(stack);
    expect(await stack.exited).toBe(0);
    const output = stack.output();
    expect(output).toContain('[stack] stopped');
    // Temporal goes last, so the worker and the receiver can finish what they hold.
    const stoppedAt = (name: string) => output.indexOf(`[stack] ${name} stopped`);
    for (const name of ['callbacks', 'worker', 'sandbox'])
      expect(stoppedAt(name), name).toBeGreaterThan(-1);
    expect(stoppedAt('temporal')).toBeGreaterThan(
      Math.max(stoppedAt('callbacks'), stoppedAt('worker'), stoppedAt('sandbox')),
    );
  }, 120_000);

  it('keeps its data private: the directory 0700, its files 0600, and stops on SIGTERM', async () => {
    // A data directory from before: world-readable, with a saved sandbox state.
    const dataDir = mkdtempSync(join(tmpdir(), 'stack-life-'));
    chmodSync(dataDir, 0o755);
    const stateFile = join(dataDir, 'sandbox-orders.json');
    const emptyState = { version: 1, savedAtMs: 0, instance: '0A0B', sequence: 0 };
    writeFileSync(stateFile, JSON.stringify({ ...emptyState, orders: [], records: [] }), {
      mode: 0o644,
    });
    stack = await startStack({ via: 'node', dataDir });

    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(dataDir).toString(8)).toBe('700');
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['temporal.sqlite', 'sandbox-orders.json']));
    for (const file of files)
      expect(`${file} ${mode(join(dataDir, file)).toString(8)}`).toBe(`${file} 600`);

    process.kill(stack.pgid, 'SIGTERM');
    await expectNothingLeft(stack);
    expect(await stack.exited).toBe(0);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { sandboxFixture, waitFor } from '../support/sandbox.js';

const sandbox = sandboxFixture();

describe('status schedule', () => {
  it('timed: scheduled -> pending -> processing -> success at the configured offsets', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const receiver = await sandbox.receiver();
    const gw = await sandbox.start({
      clock,
      schedule: {
        mode: 'timed',
        pendingAfterMs: 1000,
        processingAfterMs: 2000,
        finalAfterMs: 5000,
      },
      callbacks: { attempts: 1, intervalMs: 0, timeoutMs: 1000 },
    });
    await sandbox.create(gw, 'T-1', { notify_url: receiver.url });
    const status = async (clId: string) => (await sandbox.single(gw, clId))?.['status'];
    const seen = [await status('T-1')];
    for (const step of [999, 1, 1000, 2999]) {
      clock.advance(step);
      seen.push(await status('T-1'));
    }
    expect(seen).toEqual([0, 0, 1, 2, 2]);
    expect(receiver.received).toHaveLength(0);
    clock.advance(1);
    expect(await status('T-1')).toBe(3);
    const [cb] = await waitFor(() =>
      receiver.received.length > 0 ? receiver.received : undefined,
    );
    expect(cb?.body).toMatchObject({
      status: 3,
      create_time: Date.UTC(2024, 0, 1) / 1000,
      update_time: Date.UTC(2024, 0, 1) / 1000 + 5,
    });
    expect(gw.record('T-1').statuses.map((s) => [s.to, s.cause])).toEqual([
      [0, 'created'],
      [1, 'schedule'],
      [2, 'schedule'],
      [3, 'schedule'],
    ]);
  });

  it('on-query: each answered query moves the order one step, after the answer', async () => {
    const gw = await sandbox.start();
    await sandbox.create(gw, 'OQ');
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push((await sandbox.single(gw, 'OQ'))?.['status']);
    expect(seen).toEqual([0, 1, 2, 3, 3]);
  });
});

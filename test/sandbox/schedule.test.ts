import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/sandbox/clock.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import {
  CallbackReceiver,
  MERCHANT,
  TestHttp,
  createFields,
  signedBody,
  waitFor,
} from './support.js';

const http = new TestHttp();
let gateway: SandboxGateway | undefined;
let receiver: CallbackReceiver | undefined;

afterEach(async () => {
  await gateway?.close();
  await receiver?.close();
  gateway = undefined;
  receiver = undefined;
});
afterAll(() => http.close());

async function status(gw: SandboxGateway, clId: string): Promise<unknown> {
  const res = await http.get(`${gw.url}/gateway/api/v2/payouts/${clId}`, MERCHANT.authToken);
  return (res.json?.['data'] as Record<string, unknown> | undefined)?.['status'];
}

describe('status schedule', () => {
  it('timed: scheduled -> pending -> processing -> success at the configured offsets', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    receiver = await new CallbackReceiver().start();
    gateway = await startSandboxGateway({
      clock,
      rules: [],
      schedule: {
        mode: 'timed',
        pendingAfterMs: 1000,
        processingAfterMs: 2000,
        finalAfterMs: 5000,
      },
      callbacks: { attempts: 1, intervalMs: 0, timeoutMs: 1000 },
    });
    const gw = gateway;
    await http.post(
      `${gw.url}/gateway/api/v2/payouts`,
      signedBody(createFields('T-1', { notify_url: receiver.url })),
    );
    const seen = [await status(gw, 'T-1')];
    for (const step of [999, 1, 1000, 2999]) {
      clock.advance(step);
      seen.push(await status(gw, 'T-1'));
    }
    expect(seen).toEqual([0, 0, 1, 2, 2]);
    expect(receiver.received).toHaveLength(0);
    clock.advance(1);
    expect(await status(gw, 'T-1')).toBe(3);
    const rx = receiver;
    const [cb] = await waitFor(() => (rx.received.length > 0 ? rx.received : undefined));
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
    gateway = await startSandboxGateway({ rules: [], schedule: { mode: 'on-query' } });
    const gw = gateway;
    await http.post(`${gw.url}/gateway/api/v2/payouts`, signedBody(createFields('OQ')));
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(await status(gw, 'OQ'));
    expect(seen).toEqual([0, 1, 2, 3, 3]);
  });

  it('real time: a short timed schedule finishes on its own', async () => {
    gateway = await startSandboxGateway({
      rules: [],
      schedule: { mode: 'timed', pendingAfterMs: 5, processingAfterMs: 10, finalAfterMs: 20 },
    });
    const gw = gateway;
    await http.post(`${gw.url}/gateway/api/v2/payouts`, signedBody(createFields('RT')));
    await waitFor(() => (gw.order('RT')?.status === 3 ? true : undefined), 2000, 'success');
  });
});

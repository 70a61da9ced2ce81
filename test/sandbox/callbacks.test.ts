import { describe, expect, it } from 'vitest';
import { verifySign } from '../../src/gateway/sign.js';
import type { ScenarioInput } from '../../src/sandbox/scenario.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  MERCHANT,
  sandboxFixture,
  waitFor,
  type CallbackAnswer,
  type CallbackReceiver,
} from '../support/sandbox.js';

const sandbox = sandboxFixture();

const FAST = { attempts: 5, intervalMs: 10, timeoutMs: 1000 };

/** A sandbox whose orders finalize on the first query, and a receiver answering as told. */
async function setUp(
  scenario: ScenarioInput,
  options: { answer?: CallbackAnswer; callbacks?: typeof FAST; clock?: ManualClock } = {},
) {
  const rx = await sandbox.receiver(options.answer);
  const gw = await sandbox.start({
    rules: [{ scenario: { finalize: { kind: 'after-queries', queries: 0 }, ...scenario } }],
    callbacks: options.callbacks ?? FAST,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { gw, rx };
}

async function createWithNotify(gw: SandboxGateway, rx: CallbackReceiver, clId: string) {
  const res = await sandbox.create(gw, clId, { notify_url: rx.url });
  expect(res.json?.['error_code']).toBe('0000');
}

describe('callbacks', () => {
  it('posts failures with error_msg, and cancellations', async () => {
    const { gw, rx } = await setUp({ outcome: 'failed', failureMessage: 'Account closed' });
    await createWithNotify(gw, rx, 'CB-FAIL');
    const [cb] = await waitFor(() => (rx.received.length > 0 ? rx.received : undefined));
    expect(cb?.body).toMatchObject({ status: 5, error_msg: 'Account closed' });
    expect(verifySign(cb?.body ?? {}, MERCHANT.secret, 'md5')).toBe(true);

    gw.setRules([
      { scenario: { outcome: 'cancelled', finalize: { kind: 'after-queries', queries: 0 } } },
    ]);
    await createWithNotify(gw, rx, 'CB-CANCEL');
    const second = await waitFor(() => rx.received[1]);
    expect(second.body).toMatchObject({ payout_cl_id: 'CB-CANCEL', status: 4 });
  });

  it('retries until the receiver answers {"error_code":"0000"}, then stops', async () => {
    const { gw, rx } = await setUp(
      {},
      {
        answer: (n) =>
          n === 1
            ? { status: 500, body: 'oops' }
            : n === 2
              ? { status: 200, body: '{"error_code":"9999"}' }
              : { status: 200, body: '{"error_code":"0000"}' },
      },
    );
    await createWithNotify(gw, rx, 'CB-RETRY');
    await waitFor(() => (rx.received.length >= 3 ? true : undefined));
    await gw.callbacksIdle();
    expect(rx.received).toHaveLength(3);
    expect(new Set(rx.received.map((r) => r.text)).size).toBe(1);
    expect(gw.record('CB-RETRY').callbacks.map((c) => [c.attempt, c.acknowledged])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('gives up after the configured attempts, recording each', async () => {
    const { gw, rx } = await setUp(
      {},
      { answer: () => ({ status: 503, body: '' }), callbacks: { ...FAST, attempts: 3 } },
    );
    await createWithNotify(gw, rx, 'CB-GIVEUP');
    await waitFor(() => (gw.record('CB-GIVEUP').callbacks.length >= 3 ? true : undefined));
    await gw.callbacksIdle();
    expect(rx.received).toHaveLength(3);
    expect(gw.record('CB-GIVEUP').callbacks.every((c) => !c.acknowledged)).toBe(true);
  });

  it('records a receiver that cannot be reached', async () => {
    const { gw, rx } = await setUp({}, { callbacks: { ...FAST, attempts: 2 } });
    const url = rx.url;
    await rx.close();
    await sandbox.create(gw, 'CB-DOWN', { notify_url: url });
    await waitFor(() => (gw.record('CB-DOWN').callbacks.length >= 2 ? true : undefined));
    expect(gw.record('CB-DOWN').callbacks[0]?.response).toEqual({
      error: expect.stringMatching(/ECONNREFUSED/) as unknown,
    });
  });

  it('duplicates: delivers the same callback as many times as asked', async () => {
    const { gw, rx } = await setUp({ callbacks: { copies: 3 } });
    await createWithNotify(gw, rx, 'CB-DUP');
    await waitFor(() => (rx.received.length >= 3 ? true : undefined));
    await gw.callbacksIdle();
    expect(rx.received.map((r) => r.text)).toEqual(Array(3).fill(rx.received[0]?.text));
  });

  it('late: waits the delay on the clock before the first attempt', async () => {
    const clock = new ManualClock();
    const { gw, rx } = await setUp({ callbacks: { delayMs: 60_000 } }, { clock });
    await createWithNotify(gw, rx, 'CB-LATE');
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.received).toHaveLength(0);
    clock.advance(60_000);
    const [cb] = await waitFor(() => (rx.received.length > 0 ? rx.received : undefined));
    expect(cb?.body['status']).toBe(3);
  });

  it('out of order: a correctly signed processing callback after the final one', async () => {
    const { gw, rx } = await setUp({ callbacks: { processingAfterFinal: true } });
    await createWithNotify(gw, rx, 'CB-OOO');
    await waitFor(() => (rx.received.length >= 2 ? true : undefined));
    expect(rx.received.map((r) => r.body['status'])).toEqual([3, 2]);
    expect(verifySign(rx.received[1]?.body ?? {}, MERCHANT.secret, 'md5')).toBe(true);
  });

  it('bad sign: the callback sign does not verify', async () => {
    const { gw, rx } = await setUp({ callbacks: { badSign: true } });
    await createWithNotify(gw, rx, 'CB-BAD');
    const [cb] = await waitFor(() => (rx.received.length > 0 ? rx.received : undefined));
    expect(verifySign(cb?.body ?? {}, MERCHANT.secret, 'md5')).toBe(false);
  });

  it('none: sends no callback at all', async () => {
    const { gw, rx } = await setUp({ callbacks: { send: false } });
    await createWithNotify(gw, rx, 'CB-NONE');
    expect(gw.order('CB-NONE')?.status).toBe(3);
    await gw.callbacksIdle();
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.received).toHaveLength(0);
    expect(gw.record('CB-NONE').callbacks).toEqual([]);
  });

  it('close() stops retries that are waiting', async () => {
    const { gw, rx } = await setUp(
      {},
      {
        answer: () => ({ status: 500, body: '' }),
        callbacks: { attempts: 10, intervalMs: 60_000, timeoutMs: 1000 },
      },
    );
    await createWithNotify(gw, rx, 'CB-CLOSE');
    await waitFor(() => (rx.received.length > 0 ? true : undefined));
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(rx.received).toHaveLength(1);
  });
});

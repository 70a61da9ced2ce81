/**
 * Repeated callbacks (the gateway's retries, or a replay of a genuine one) against a real
 * receiver with a counting fake delivery: a repeat costs a counter, not a signal.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryMemory } from '../../src/callback/memory.js';
import {
  startCallbackReceiver,
  type CallbackReceiver,
  type DeliveryResult,
} from '../../src/callback/receiver.js';
import { verifyCallback } from '../../src/gateway/callback.js';
import { sign } from '../../src/gateway/sign.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import { TEST_SECRET, testConfig } from '../gateway/helpers/config.js';
import { MINIMAL_CALLBACK_FIELDS } from '../support/callback-fields.js';
import { createMemoryLogger } from '../support/logger.js';

const config = testConfig('https://gw.example.com');

function callback(overrides: Record<string, string> = {}): string {
  const fields = {
    ...MINIMAL_CALLBACK_FIELDS,
    update_time: '1700000100',
    ...overrides,
  };
  return JSON.stringify({ ...fields, sign: sign(fields, TEST_SECRET, 'md5') });
}

let receiver: CallbackReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A receiver whose delivery counts signals and answers as `answer` says. */
async function start(
  answer: (n: number) => Promise<DeliveryResult> = () => Promise.resolve('delivered'),
  memory?: DeliveryMemory,
) {
  const signals: PayoutNotification[] = [];
  const log = createMemoryLogger();
  receiver = await startCallbackReceiver(
    {
      verify: (body) => verifyCallback(body, config),
      deliver: (n) => {
        signals.push(n);
        return answer(signals.length);
      },
      log,
    },
    {
      host: '127.0.0.1',
      port: 0,
      path: '/cb',
      maxBodyBytes: 4096,
      ...(memory === undefined ? {} : { memory }),
    },
  );
  const url = `${receiver.url}/cb`;
  const post = async (body: string) => {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, string> };
  };
  return { signals, log, post, receiver };
}

describe('callback receiver: repeats', () => {
  it('one genuine callback replayed 210 times is signalled once; every repeat gets 0000', async () => {
    const { signals, log, post, receiver } = await start();
    const body = callback();
    for (let i = 0; i < 210; i++) {
      expect(await post(body)).toEqual({ status: 200, body: { error_code: '0000' } });
    }
    expect(signals).toHaveLength(1);
    expect(receiver.stats()).toEqual({ remembered: 1, repeats: 209 });
    // One line for the delivery and at most one for all its repeats, never one per repeat.
    expect(log.entries.length).toBeLessThanOrEqual(2);
    expect(log.entries.filter((e) => /repeat/i.test(e.message))).toHaveLength(1);
  });

  it('concurrent repeats wait for the delivery in flight instead of signalling again', async () => {
    let release: (r: DeliveryResult) => void = () => undefined;
    const slow = new Promise<DeliveryResult>((resolve) => (release = resolve));
    const { signals, post } = await start(() => slow);
    const body = callback();
    const replies = Array.from({ length: 20 }, () => post(body));
    await new Promise((resolve) => setTimeout(resolve, 100));
    release('delivered');
    for (const reply of await Promise.all(replies))
      expect(reply.body).toEqual({ error_code: '0000' });
    expect(signals).toHaveLength(1);
  });

  it('a new status, or the same one signed anew, is a new callback', async () => {
    const { signals, post } = await start();
    await post(callback({ status: '2' }));
    await post(callback({ status: '3' }));
    await post(callback({ status: '3', update_time: '1700000200' }));
    await post(callback({ status: '3' }));
    expect(signals.map((s) => s.statusCode)).toEqual([2, 3, 3]);
  });

  it('a failed delivery is not remembered: the retry signals, and only then repeats are free', async () => {
    const { signals, post } = await start((n) =>
      n === 1 ? Promise.reject(new Error('14 UNAVAILABLE')) : Promise.resolve('delivered'),
    );
    expect((await post(callback())).status).toBe(503);
    expect((await post(callback())).body).toEqual({ error_code: '0000' });
    expect((await post(callback())).body).toEqual({ error_code: '0000' });
    expect(signals).toHaveLength(2);
  });

  it('an unknown payout is asked about again each time (it may exist by then)', async () => {
    const { signals, post } = await start(() => Promise.resolve('unknown-payout'));
    expect((await post(callback())).status).toBe(404);
    expect((await post(callback())).status).toBe(404);
    expect(signals).toHaveLength(2);
  });

  it('forgets after the TTL, and holds at most maxEntries', async () => {
    let now = 1_000_000;
    const memory = new DeliveryMemory({ maxEntries: 3, ttlMs: 60_000, now: () => now });
    const { signals, post, receiver } = await start(undefined, memory);
    await post(callback());
    now += 59_999;
    await post(callback());
    expect(signals).toHaveLength(1);
    now += 1;
    await post(callback());
    expect(signals).toHaveLength(2);

    for (const status of ['0', '1', '2']) await post(callback({ status }));
    expect(receiver.stats().remembered).toBe(3);
    await post(callback()); // the oldest, forgotten to make room
    expect(signals).toHaveLength(6);
  });
});

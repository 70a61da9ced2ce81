import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startCallbackReceiver,
  type CallbackReceiver,
  type DeliveryResult,
} from '../../src/callback/receiver.js';
import { verifyCallback } from '../../src/gateway/callback.js';
import { sign } from '../../src/gateway/sign.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import { SUCCESS_CALLBACK_FIELDS } from '../support/callback-fields.js';
import { TEST_SECRET, testConfig } from '../gateway/helpers/config.js';
import { createMemoryLogger } from '../support/logger.js';

const SECRET = TEST_SECRET;
const config = testConfig('https://gateway.example');

function signedCallback(overrides: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = { ...SUCCESS_CALLBACK_FIELDS, ...overrides };
  return { ...fields, sign: sign(fields, SECRET, 'md5') };
}

describe('callback receiver', () => {
  let receiver: CallbackReceiver;
  let delivered: PayoutNotification[];
  let deliver: (n: PayoutNotification) => Promise<DeliveryResult>;
  const log = createMemoryLogger();

  beforeEach(async () => {
    delivered = [];
    deliver = (n) => {
      delivered.push(n);
      return Promise.resolve('delivered');
    };
    receiver = await startCallbackReceiver(
      { verify: (body) => verifyCallback(body, config), deliver: (n) => deliver(n), log },
      { host: '127.0.0.1', port: 0, path: '/callbacks/payout', maxBodyBytes: 4096 },
    );
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function post(
    body: string,
    headers: Record<string, string> = {},
    path = '/callbacks/payout',
  ) {
    const res = await request(`${receiver.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json;charset=utf-8', ...headers },
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, string> };
  }

  it('signals the payout for a verified callback and answers 0000', async () => {
    const reply = await post(JSON.stringify(signedCallback()));
    expect(reply).toEqual({ status: 200, body: { error_code: '0000' } });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      payoutClId: 'ORDER-1',
      payoutId: 'POT00000001',
      state: 'success',
      amountCents: 50_000,
    });
  });

  it('answers 0000 to a duplicate for a payout that is already final, so the gateway stops', async () => {
    deliver = () => Promise.resolve('already-final');
    const reply = await post(JSON.stringify(signedCallback()));
    expect(reply.body).toEqual({ error_code: '0000' });
  });

  it('refuses a bad sign and delivers nothing', async () => {
    const forged = { ...signedCallback(), status: '5' };
    const reply = await post(JSON.stringify(forged));
    expect(reply.status).toBe(401);
    expect(reply.body['error_code']).toBe('SIGNATURE_INVALID');
    expect(delivered).toEqual([]);
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    expect((await post('status=3&sign=x')).status).toBe(400);
    expect(
      (await post(JSON.stringify(signedCallback()), { 'content-type': 'text/plain' })).status,
    ).toBe(415);
    expect(delivered).toEqual([]);
  });

  it('refuses a callback missing required fields, naming them', async () => {
    const { payout_cl_id: _dropped, ...rest } = signedCallback();
    const reply = await post(JSON.stringify(rest));
    expect(reply.status).toBe(400);
    expect(reply.body['error_msg']).toContain('payout_cl_id');
    expect(delivered).toEqual([]);
  });

  it('refuses a body over the size limit', async () => {
    const huge = JSON.stringify({ ...signedCallback(), memo: 'x'.repeat(10_000) });
    expect((await post(huge)).status).toBe(413);
    expect(delivered).toEqual([]);
  });

  it.each(['ORDER:1', 'ORDER 1', 'ORDER/1', 'x'.repeat(33)])(
    'refuses a signed callback whose payout_cl_id cannot be ours (%s), naming the field',
    async (payoutClId) => {
      const reply = await post(JSON.stringify(signedCallback({ payout_cl_id: payoutClId })));
      expect(reply.status).toBe(400);
      expect(reply.body['error_code']).toBe('MALFORMED');
      expect(reply.body['error_msg']).toMatch(/^payout_cl_id: /);
      expect(delivered).toEqual([]);
    },
  );

  it('answers an oversized chunked body (no content-length) with 413 and JSON, not a reset', async () => {
    const chunk = Buffer.from('x'.repeat(1024));
    // A stream of unknown length goes chunked, without content-length.
    const body = Readable.from([
      Buffer.from('{"memo":"'),
      ...Array.from({ length: 64 }, () => chunk),
      Buffer.from('"}'),
    ]);
    const res = await request(`${receiver.url}/callbacks/payout`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(await res.body.json()).toEqual({ error_code: 'TOO_LARGE', error_msg: 'body too large' });
    expect(delivered).toEqual([]);
  });

  it('does not create a payout it does not know: it answers an error instead', async () => {
    deliver = () => Promise.resolve('unknown-payout');
    const reply = await post(JSON.stringify(signedCallback()));
    expect(reply.status).toBe(404);
    expect(reply.body['error_code']).toBe('UNKNOWN_PAYOUT');
  });

  it('asks the gateway to retry when Temporal cannot be reached', async () => {
    deliver = () => Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
    const reply = await post(JSON.stringify(signedCallback()));
    expect(reply.status).toBe(503);
    expect(reply.body['error_code']).not.toBe('0000');
  });

  it('answers only POST on its own path', async () => {
    expect((await post(JSON.stringify(signedCallback()), {}, '/elsewhere')).status).toBe(404);
    const get = await request(`${receiver.url}/callbacks/payout`);
    expect(get.statusCode).toBe(405);
    await get.body.dump();
  });

  it('never logs the secret or the sign', () => {
    const text = JSON.stringify(log.entries);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(signedCallback()['sign']);
  });
});

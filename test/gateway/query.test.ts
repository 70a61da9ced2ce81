import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { type QueryPayoutInput, queryPayout } from '../../src/gateway/query.js';
import type { GatewayOrder } from '../../vocabulary/gateway.js';
import { TEST_ORDER, TEST_SECRET, TEST_TOKEN } from './helpers/config.js';
import { type ReceivedRequest, json, sleep, testGatewayFixture } from './helpers/http-server.js';
import { referenceHmac, signedMd5 } from './helpers/independent-sign.js';

const INPUT: QueryPayoutInput = { merchantOrderId: 'ORD-1', amountCents: 12345 };

/** An order as the list answer carries it, before its sign. */
const ITEM = {
  amount: '12345',
  real_amount: '12345',
  fee: '0',
  payout_id: 'POT00000001',
  payout_cl_id: 'ORD-1',
  platform_id: 'PF0002',
  platform_channel_id: 'CH01',
  status: '3',
  memo: '',
  create_time: '1700000000',
  update_time: '1700000100',
};
const ORDER: GatewayOrder = TEST_ORDER;

const signed = (fields: Record<string, unknown>) => signedMd5(fields, TEST_SECRET);
const list = (...items: unknown[]) => ({ error_code: '0000', data: items, total: items.length });

const gateway = testGatewayFixture();

async function queryTo(
  handler: (request: ReceivedRequest, res: ServerResponse) => void,
  env: Record<string, string> = {},
  input: QueryPayoutInput = INPUT,
) {
  return queryPayout(input, await gateway.serve(handler, env));
}

/** Answers every request with the same JSON. */
const answer =
  (value: unknown, status = 200) =>
  (_req: ReceivedRequest, res: ServerResponse) =>
    json(res, value, status);

describe('queryPayout: the request sent', () => {
  it('list form: GET path?payout_cl_id= with the token, one request', async () => {
    const outcome = await queryTo(answer(list(signed(ITEM))));
    expect(outcome).toEqual({ kind: 'found', order: ORDER });
    expect(gateway.received).toHaveLength(1);
    const [sent] = gateway.received;
    expect(sent?.method).toBe('GET');
    expect(sent?.url).toBe('/gateway/api/v2/payouts?payout_cl_id=ORD-1');
    expect(sent?.headers['authorization']).toBe(TEST_TOKEN);
    expect(sent?.body).toBe('');
  });

  it('single form: GET path/ID, one object as data', async () => {
    const outcome = await queryTo(answer({ error_code: '0000', data: signed(ITEM) }), {
      GATEWAY_QUERY_FORM: 'single',
      GATEWAY_PAYOUTS_PATH: '/gateway/api/v1/payouts',
    });
    expect(outcome).toEqual({ kind: 'found', order: ORDER });
    expect(gateway.received[0]?.url).toBe('/gateway/api/v1/payouts/ORD-1');
    expect(gateway.received[0]?.headers['authorization']).toBe(TEST_TOKEN);
  });

  it('sends nothing for unusable input', async () => {
    const deps = await gateway.serve(answer(list()));
    await expect(queryPayout({ merchantOrderId: '', amountCents: 0 }, deps)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(gateway.received).toHaveLength(0);
  });
});

describe('queryPayout: found orders', () => {
  it('accepts numbers sent as JSON numbers, as the same integers', async () => {
    const numeric = {
      ...ITEM,
      amount: 12345,
      real_amount: 12345,
      fee: 0,
      status: 3,
      create_time: 1700000000,
      update_time: 1700000100,
    };
    expect(await queryTo(answer(list(signed(numeric))))).toEqual({ kind: 'found', order: ORDER });
  });

  it.each<[number | string, string]>([
    [0, 'scheduled'],
    [1, 'pending'],
    ['2', 'processing'],
    [3, 'success'],
    [4, 'cancelled'],
    ['5', 'failed'],
    [6, 'under-review'],
    [7, 'unknown-status'],
    ['42', 'unknown-status'],
  ])('maps status %s to %s', async (status, state) => {
    const outcome = await queryTo(answer(list(signed({ ...ITEM, status }))));
    expect(outcome).toMatchObject({ kind: 'found', order: { state, statusCode: Number(status) } });
  });

  it('keeps a memo, and drops informational fields that are not integers', async () => {
    const item = signed({ ...ITEM, memo: 'paid', create_time: '2024-01-01 10:00:00' });
    const outcome = await queryTo(answer(list(item)));
    expect(outcome).toMatchObject({ kind: 'found', order: { memo: 'paid' } });
    expect(outcome.kind === 'found' && outcome.order).not.toHaveProperty('createTime');
  });

  it('needs only the identity, amount and status fields', async () => {
    const minimal = {
      payout_id: 'POT00000001',
      payout_cl_id: 'ORD-1',
      platform_id: 'PF0002',
      amount: 12345,
      status: 1,
    };
    expect(await queryTo(answer(list(signed(minimal))))).toEqual({
      kind: 'found',
      order: {
        payoutId: 'POT00000001',
        payoutClId: 'ORD-1',
        platformId: 'PF0002',
        state: 'pending',
        statusCode: 1,
        amountCents: 12345,
      },
    });
  });

  it('verifies an item marked HMAC-SHA256 as HMAC', async () => {
    const item = { ...ITEM, sign_type: 'HMAC-SHA256', sign: referenceHmac(ITEM, TEST_SECRET) };
    expect(await queryTo(answer(list(item)))).toEqual({ kind: 'found', order: ORDER });
  });

  it('configured hmac-sha256: an MD5-signed item is bad-signature, with or without sign_type', async () => {
    const hmac = { GATEWAY_SIGN_MODE: 'hmac-sha256' };
    for (const item of [signed(ITEM), { ...signed(ITEM), sign_type: 'MD5' }]) {
      expect(await queryTo(answer(list(item)), hmac)).toEqual({
        kind: 'bad-signature',
        detail: 'data item 0: sign does not verify',
      });
      await gateway.close();
    }
    const unmarked = { ...ITEM, sign: referenceHmac(ITEM, TEST_SECRET) };
    expect(await queryTo(answer(list(unmarked)), hmac)).toEqual({ kind: 'found', order: ORDER });
  });

  it('takes the same order listed twice as one', async () => {
    expect(await queryTo(answer(list(signed(ITEM), signed(ITEM))))).toEqual({
      kind: 'found',
      order: ORDER,
    });
  });

  it('picks ours among other orders', async () => {
    const other = signed({ ...ITEM, payout_id: 'POT9', payout_cl_id: 'ORD-9', amount: '1' });
    expect(await queryTo(answer(list(other, signed(ITEM))))).toEqual({
      kind: 'found',
      order: ORDER,
    });
  });
});

describe('queryPayout: not found', () => {
  it('list form: an empty data list', async () => {
    expect(await queryTo(answer(list()))).toEqual({ kind: 'not-found' });
  });

  it('single form: 0050', async () => {
    const outcome = await queryTo(answer({ error_code: '0050', error_msg: 'No such order' }), {
      GATEWAY_QUERY_FORM: 'single',
    });
    expect(outcome).toEqual({ kind: 'not-found' });
  });

  it('never from an HTTP 404, even with a 0050 body: a wrong path is not "no order"', async () => {
    const outcome = await queryTo(answer({ error_code: '0050' }, 404), {
      GATEWAY_QUERY_FORM: 'single',
    });
    expect(outcome).toMatchObject({ kind: 'unavailable', reason: 'http-status' });
  });

  it.each([{ error_code: '0000' }, { error_code: '0000', data: null }])(
    'never from 0000 without a data list: %j',
    async (body) => {
      expect(await queryTo(answer(body))).toMatchObject({
        kind: 'unavailable',
        reason: 'invalid-response',
      });
    },
  );
});

describe('queryPayout: untrusted answers', () => {
  it('bad-signature for a tampered order', async () => {
    const tampered = { ...signed({ ...ITEM, status: '5' }), status: '3' };
    expect(await queryTo(answer(list(tampered)))).toMatchObject({ kind: 'bad-signature' });
  });

  it.each([
    ['without a sign', ITEM],
    ['signed with another secret', signedMd5(ITEM, 'another-secret')],
    ['with a short sign', { ...ITEM, sign: signed(ITEM).sign.slice(0, 31) }],
  ])('bad-signature for an order %s', async (_label, item) => {
    expect(await queryTo(answer(list(item)))).toMatchObject({ kind: 'bad-signature' });
  });

  it('bad-signature when any listed order fails, ours or not', async () => {
    const other = { ...ITEM, payout_id: 'POT9', payout_cl_id: 'ORD-9', sign: 'f'.repeat(32) };
    expect(await queryTo(answer(list(signed(ITEM), other)))).toMatchObject({
      kind: 'bad-signature',
    });
  });

  it('mismatch when the order is for another payout_cl_id', async () => {
    const outcome = await queryTo(
      answer({ error_code: '0000', data: signed({ ...ITEM, payout_cl_id: 'ORD-2' }) }),
      { GATEWAY_QUERY_FORM: 'single' },
    );
    expect(outcome).toEqual({
      kind: 'mismatch',
      field: 'payout_cl_id',
      expected: 'ORD-1',
      actual: 'ORD-2',
    });
  });

  it('mismatch, not not-found, when the list ignores our filter', async () => {
    const others = [1, 2].map((n) =>
      signed({ ...ITEM, payout_id: `P${n}`, payout_cl_id: `X${n}` }),
    );
    expect(await queryTo(answer(list(...others)))).toMatchObject({
      kind: 'mismatch',
      field: 'payout_cl_id',
      expected: 'ORD-1',
      actual: 'X1',
    });
  });

  it('mismatch for another merchant', async () => {
    expect(await queryTo(answer(list(signed({ ...ITEM, platform_id: 'PF0003' }))))).toEqual({
      kind: 'mismatch',
      field: 'platform_id',
      expected: 'PF0002',
      actual: 'PF0003',
      // The order itself is kept: what the gateway reports of it matters to a person.
      order: expect.objectContaining({ platformId: 'PF0003', state: 'success' }) as unknown,
    });
  });

  it('mismatch for another amount', async () => {
    expect(await queryTo(answer(list(signed({ ...ITEM, amount: 12344 }))))).toEqual({
      kind: 'mismatch',
      field: 'amount',
      expected: '12345',
      actual: '12344',
      order: expect.objectContaining({ amountCents: 12344 }) as unknown,
    });
  });

  it('mismatch with a detail when two different orders carry our payout_cl_id', async () => {
    const second = signed({ ...ITEM, payout_id: 'POT00000002', status: '1' });
    expect(await queryTo(answer(list(signed(ITEM), second)))).toEqual({
      kind: 'mismatch',
      field: 'payout_cl_id',
      expected: 'ORD-1',
      actual: 'POT00000001,POT00000002',
      detail: 'the gateway lists 2 different orders for this payout_cl_id',
    });
  });

  it('unavailable for a signed order of the wrong shape, naming the field', async () => {
    const outcome = await queryTo(answer(list(signed({ ...ITEM, status: 'done' }))));
    expect(outcome).toMatchObject({ kind: 'unavailable', reason: 'invalid-response' });
    expect(outcome.kind === 'unavailable' && outcome.detail).toContain('status');
  });
});

describe('queryPayout: unavailable', () => {
  it('0006: gateway-error with the code', async () => {
    const outcome = await queryTo(
      answer({ error_code: '0006', error_msg: 'Invalid Authorization' }),
    );
    expect(outcome).toEqual({
      kind: 'unavailable',
      reason: 'gateway-error',
      code: '0006',
      detail: 'error_code 0006: Invalid Authorization',
    });
  });

  it.each<[string, (res: ServerResponse) => void, string]>([
    ['HTTP 500', (res) => json(res, list(signed(ITEM)), 500), 'http-status'],
    ['an empty body', (res) => res.writeHead(200).end(), 'empty-body'],
    ['garbage', (res) => res.writeHead(200).end('not json'), 'invalid-json'],
    ['a reset connection', (res) => res.socket?.destroy(), 'connection'],
  ])('%s', async (_label, handler, reason) => {
    const outcome = await queryTo((_req, res) => handler(res));
    expect(outcome).toMatchObject({ kind: 'unavailable', reason });
  });

  it('a server that hangs: timeout, one request', async () => {
    const started = performance.now();
    const outcome = await queryTo(() => {});
    expect(outcome).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1600);
    await sleep(200);
    expect(gateway.received).toHaveLength(1);
  });

  it('never puts the token in a detail, even when a server echoes the request', async () => {
    const outcome = await queryTo((req, res) =>
      res.writeHead(401).end(`bad header ${String(req.headers['authorization'])}`),
    );
    expect(outcome).toMatchObject({ kind: 'unavailable', reason: 'http-status' });
    expect(JSON.stringify(outcome)).not.toContain(TEST_TOKEN);
    expect(outcome.kind === 'unavailable' && outcome.detail).toBe(
      'HTTP 401: bad header [redacted]',
    );
  });
});

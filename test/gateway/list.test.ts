import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { listPayouts, type ListPayoutsInput } from '../../src/gateway/list.js';
import { TEST_SECRET, TEST_TOKEN } from './helpers/config.js';
import { type ReceivedRequest, json, testGatewayFixture } from './helpers/http-server.js';
import { signedMd5 } from './helpers/independent-sign.js';

const WINDOW: ListPayoutsInput = {
  createdFrom: 1_700_000_000,
  createdTo: 1_700_003_600,
  offset: 0,
  limit: 500,
};

const item = (id: string, status = '3') =>
  signedMd5(
    {
      amount: '12345',
      payout_id: `POT-${id}`,
      payout_cl_id: id,
      platform_id: 'PF0002',
      status,
      create_time: '1700000100',
    },
    TEST_SECRET,
  );

const gateway = testGatewayFixture();

async function listFrom(
  handler: (request: ReceivedRequest, res: ServerResponse) => void,
  input: ListPayoutsInput = WINDOW,
  env: Record<string, string> = {},
) {
  return listPayouts(input, await gateway.serve(handler, env));
}

const answer = (value: unknown) => (_req: ReceivedRequest, res: ServerResponse) => json(res, value);

describe('listPayouts', () => {
  it('asks for one page of a create_time window with the token, the list form even when queries use the single form', async () => {
    const outcome = await listFrom(
      answer({ error_code: '0000', data: [item('A'), item('B', '1')], total: 7 }),
      { ...WINDOW, offset: 500, limit: 2 },
      { GATEWAY_QUERY_FORM: 'single' },
    );
    const [sent] = gateway.received;
    expect(sent?.method).toBe('GET');
    expect(sent?.url).toBe(
      '/gateway/api/v2/payouts?create_time__gte=1700000000&create_time__lte=1700003600&offset=500&limit=2',
    );
    expect(sent?.headers['authorization']).toBe(TEST_TOKEN);
    expect(outcome).toMatchObject({
      kind: 'page',
      total: 7,
      orders: [
        { payoutClId: 'A', state: 'success', amountCents: 12345, createTime: 1700000100 },
        { payoutClId: 'B', state: 'pending' },
      ],
    });
  });

  it('a page is trusted whole or not at all: one item with a bad sign makes it unusable', async () => {
    const forged = { ...item('B'), status: '5' };
    const outcome = await listFrom(answer({ error_code: '0000', data: [item('A'), forged] }));
    expect(outcome).toEqual({ kind: 'bad-signature', detail: 'data item 1: sign does not verify' });
  });

  it('without a total the page says null; an error code or a missing list is unavailable', async () => {
    expect(await listFrom(answer({ error_code: '0000', data: [] }))).toEqual({
      kind: 'page',
      orders: [],
      total: null,
    });
    await gateway.close();
    expect(
      await listFrom(answer({ error_code: '0006', error_msg: 'Invalid Authorization' })),
    ).toEqual({
      kind: 'unavailable',
      reason: 'gateway-error',
      code: '0006',
      detail: 'error_code 0006',
    });
    await gateway.close();
    expect(await listFrom(answer({ error_code: '0000', data: item('A') }))).toMatchObject({
      kind: 'unavailable',
      reason: 'invalid-response',
    });
  });

  it.each([
    [{ ...WINDOW, limit: 501 }, 'limit'],
    [{ ...WINDOW, limit: 0 }, 'limit'],
    [{ ...WINDOW, offset: -1 }, 'offset'],
    [{ ...WINDOW, createdTo: WINDOW.createdFrom - 1 }, 'createdTo'],
    [{ ...WINDOW, createdFrom: 1.5 }, 'createdFrom'],
  ])('refuses %o before sending anything (%s)', async (input, field) => {
    const error = await listFrom(answer({}), input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual([field]);
    expect(gateway.received).toHaveLength(0);
  });
});

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { receivedSignMode, verifySign, type WireValue } from '../../src/gateway/sign.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import { ManualClock } from '../../src/sandbox/clock.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import { MERCHANT, TestHttp, createFields, signedBody, type TestMerchant } from './support.js';

const http = new TestHttp();
let gateway: SandboxGateway | undefined;

async function start(options: Parameters<typeof startSandboxGateway>[0] = {}) {
  gateway = await startSandboxGateway({ rules: [], schedule: { mode: 'on-query' }, ...options });
  return gateway;
}

async function create(gw: SandboxGateway, clId: string, merchant: TestMerchant = MERCHANT) {
  const res = await http.post(
    `${gw.url}/gateway/api/v2/payouts`,
    signedBody(createFields(clId, {}, merchant), merchant),
  );
  expect(res.json?.['error_code']).toBe('0000');
  return (res.json?.['data'] as { payout_id: string }).payout_id;
}

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});
afterAll(() => http.close());

type Item = Record<string, WireValue>;

describe('GET /gateway/api/v2/payouts (list form)', () => {
  it('answers 0006 without the merchant token, or with it in another form', async () => {
    const gw = await start();
    await create(gw, 'Q-AUTH');
    for (const token of [undefined, 'wrong', `Bearer ${MERCHANT.authToken}`]) {
      const list = await http.get(`${gw.url}/gateway/api/v2/payouts?payout_cl_id=Q-AUTH`, token);
      expect(list.json).toEqual({ error_code: '0006', error_msg: 'Invalid Authorization' });
      const single = await http.get(`${gw.url}/gateway/api/v2/payouts/Q-AUTH`, token);
      expect(single.json?.['error_code']).toBe('0006');
    }
    expect(gw.record('Q-AUTH').queries.map((q) => q.outcome)).toEqual(Array(6).fill('0006'));
  });

  it.each<SignMode>(['md5', 'md5-key', 'hmac-sha256'])(
    'reports the order with every field, signed in the merchant mode %s',
    async (signMode) => {
      const merchant = { ...MERCHANT, signMode, feeCents: 300 };
      const clock = new ManualClock(Date.UTC(2024, 4, 1, 8, 0, 0));
      const gw = await start({ merchants: [merchant], clock });
      const payoutId = await create(gw, 'Q-1', merchant);
      const res = await http.get(
        `${gw.url}/gateway/api/v2/payouts?payout_cl_id=Q-1`,
        merchant.authToken,
      );
      expect(res.json?.['error_code']).toBe('0000');
      expect(res.json?.['total']).toBe(1);
      const [item] = res.json?.['data'] as Item[];
      expect(item).toMatchObject({
        amount: 50000,
        real_amount: 50000,
        fee: 300,
        payout_id: payoutId,
        payout_cl_id: 'Q-1',
        platform_id: 'PF0002',
        platform_channel_id: expect.any(String) as unknown,
        status: 0,
        memo: '',
        create_time: Date.UTC(2024, 4, 1, 8, 0, 0) / 1000,
        update_time: Date.UTC(2024, 4, 1, 8, 0, 0) / 1000,
      });
      expect(item?.['sign_type']).toBe(signMode === 'hmac-sha256' ? 'HMAC-SHA256' : undefined);
      const mode = receivedSignMode(item?.['sign_type'], signMode);
      expect(mode).toBe(signMode);
      expect(verifySign(item ?? {}, merchant.secret, mode)).toBe(true);
      expect(verifySign({ ...item, amount: 50001 }, merchant.secret, mode)).toBe(false);
    },
  );

  it('answers an empty list for an order it does not have', async () => {
    const gw = await start();
    const res = await http.get(
      `${gw.url}/gateway/api/v2/payouts?payout_cl_id=NOPE`,
      MERCHANT.authToken,
    );
    expect(res.json).toEqual({ error_code: '0000', data: [], total: 0 });
    expect(gw.record('NOPE').queries).toMatchObject([{ form: 'list', outcome: '0000-empty' }]);
  });

  it('finds an order by payout_id, and nothing when the two ids disagree', async () => {
    const gw = await start();
    const a = await create(gw, 'Q-A');
    await create(gw, 'Q-B');
    const byId = await http.get(
      `${gw.url}/gateway/api/v2/payouts?payout_id=${a}`,
      MERCHANT.authToken,
    );
    expect((byId.json?.['data'] as Item[]).map((i) => i['payout_cl_id'])).toEqual(['Q-A']);
    const both = await http.get(
      `${gw.url}/gateway/api/v2/payouts?payout_id=${a}&payout_cl_id=Q-B`,
      MERCHANT.authToken,
    );
    expect(both.json?.['total']).toBe(0);
  });

  it('shows a merchant only its own orders', async () => {
    const other = { platformId: 'PF0003', secret: 's3', authToken: 't3', signMode: 'md5' } as const;
    const gw = await start({ merchants: [MERCHANT, other] });
    await create(gw, 'MINE');
    await create(gw, 'THEIRS', other);
    const res = await http.get(
      `${gw.url}/gateway/api/v2/payouts?payout_cl_id=THEIRS`,
      MERCHANT.authToken,
    );
    expect(res.json?.['total']).toBe(0);
    const all = await http.get(`${gw.url}/gateway/api/v2/payouts`, MERCHANT.authToken);
    expect((all.json?.['data'] as Item[]).map((i) => i['payout_cl_id'])).toEqual(['MINE']);
  });

  it('pages with offset and limit (default 25, at most 500) and filters on create_time', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const gw = await start({ clock });
    const t0 = Date.UTC(2024, 0, 1) / 1000;
    for (let i = 0; i < 30; i++) {
      await create(gw, `P-${String(i).padStart(2, '0')}`);
      clock.advance(1000);
    }
    const list = (query: string) =>
      http.get(`${gw.url}/gateway/api/v2/payouts${query}`, MERCHANT.authToken);
    const ids = (res: Awaited<ReturnType<typeof list>>) =>
      (res.json?.['data'] as Item[]).map((i) => i['payout_cl_id']);

    const first = await list('');
    expect(first.json?.['total']).toBe(30);
    expect(ids(first)).toHaveLength(25);
    expect(ids(await list('?offset=28&limit=5'))).toEqual(['P-28', 'P-29']);
    const window = await list(`?create_time__gte=${t0 + 10}&create_time__lte=${t0 + 12}`);
    expect(ids(window)).toEqual(['P-10', 'P-11', 'P-12']);
    expect(window.json?.['total']).toBe(3);
    expect(ids(await list('?limit=500'))).toHaveLength(30);

    const tooMany = await list('?limit=501');
    expect(tooMany.json?.['error_code']).toBe('0001');
    expect(String(tooMany.json?.['error_msg'])).toContain('limit: from 1 to 500');
    const badTime = await list('?create_time__gte=yesterday');
    expect(String(badTime.json?.['error_msg'])).toContain('create_time__gte: Unix seconds');
  });

  it('sends numbers as strings when configured so, signed over those strings', async () => {
    const gw = await start({ numbers: 'string' });
    await create(gw, 'Q-STR');
    const res = await http.get(
      `${gw.url}/gateway/api/v2/payouts?payout_cl_id=Q-STR`,
      MERCHANT.authToken,
    );
    const [item] = res.json?.['data'] as Item[];
    expect(item).toMatchObject({ amount: '50000', status: '0', fee: '0' });
    expect(verifySign(item ?? {}, MERCHANT.secret, 'md5')).toBe(true);
  });
});

describe('GET /gateway/api/v2/payouts/{payout_cl_id} (single form)', () => {
  it('answers the order as one signed object', async () => {
    const gw = await start();
    const payoutId = await create(gw, 'S-1');
    const res = await http.get(`${gw.url}/gateway/api/v2/payouts/S-1`, MERCHANT.authToken);
    expect(res.json?.['error_code']).toBe('0000');
    const item = res.json?.['data'] as Item;
    expect(item).toMatchObject({ payout_id: payoutId, payout_cl_id: 'S-1', status: 0 });
    expect(verifySign(item, MERCHANT.secret, 'md5')).toBe(true);
    const v1 = await http.get(`${gw.url}/gateway/api/v1/payouts/S-1`, MERCHANT.authToken);
    expect((v1.json?.['data'] as Item)['payout_id']).toBe(payoutId);
  });

  it('answers 0050 for an order it does not have', async () => {
    const gw = await start();
    const res = await http.get(`${gw.url}/gateway/api/v2/payouts/NOPE`, MERCHANT.authToken);
    expect(res.json).toEqual({ error_code: '0050', error_msg: 'No such order' });
    expect(gw.record('NOPE').queries).toMatchObject([{ form: 'single', outcome: '0050' }]);
  });
});

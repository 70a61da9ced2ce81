import { describe, expect, it } from 'vitest';
import { verifySign, type WireValue } from '../../src/gateway/sign.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { ManualClock } from '../support/manual-clock.js';
import { MERCHANT, sandboxFixture } from '../support/sandbox.js';

const sandbox = sandboxFixture();
const { http, start } = sandbox;

async function create(gw: SandboxGateway, clId: string) {
  const res = await sandbox.create(gw, clId);
  expect(res.json?.['error_code']).toBe('0000');
  return (res.json?.['data'] as { payout_id: string }).payout_id;
}

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

  it('answers an empty list for an order it does not have', async () => {
    const gw = await start();
    const res = await sandbox.list(gw, '?payout_cl_id=NOPE');
    expect(res.json).toEqual({ error_code: '0000', data: [], total: 0 });
    expect(gw.record('NOPE').queries).toMatchObject([{ form: 'list', outcome: '0000-empty' }]);
  });

  it('finds an order by payout_id, and nothing when the two ids disagree', async () => {
    const gw = await start();
    const a = await create(gw, 'Q-A');
    await create(gw, 'Q-B');
    const byId = await sandbox.list(gw, `?payout_id=${a}`);
    expect((byId.json?.['data'] as Item[]).map((i) => i['payout_cl_id'])).toEqual(['Q-A']);
    const both = await sandbox.list(gw, `?payout_id=${a}&payout_cl_id=Q-B`);
    expect(both.json?.['total']).toBe(0);
  });

  it('pages with offset and limit (default 25, at most 500) and filters on create_time', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const gw = await start({ clock });
    const t0 = Date.UTC(2024, 0, 1) / 1000;
    for (let i = 0; i < 30; i++) {
      await create(gw, `P-${String(i).padStart(2, '0')}`);
      clock.advance(1000);
    }
    const list = (query: string) => sandbox.list(gw, query);
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

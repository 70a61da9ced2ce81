import { describe, expect, it } from 'vitest';
import { receivedSignMode, verifySign, type WireValue } from '../../src/gateway/sign.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import { ManualClock } from '../support/manual-clock.js';
import { MERCHANT, createFields, sandboxFixture, signedBody, waitFor } from '../support/sandbox.js';

const sandbox = sandboxFixture();
const { http, start } = sandbox;

describe('a round trip in each sign mode', () => {
  it.each<SignMode>(['md5', 'md5-key', 'hmac-sha256'])(
    '%s: the create verifies, one order; the query item and the callback are signed, every field',
    async (signMode) => {
      const merchant = { ...MERCHANT, signMode };
      const t0 = Date.UTC(2024, 4, 1, 8, 0, 0);
      const clock = new ManualClock(t0);
      const receiver = await sandbox.receiver();
      const gw = await start({
        merchant,
        clock,
        callbacks: { attempts: 1, intervalMs: 0, timeoutMs: 1000 },
      });
      const res = await sandbox.create(gw, 'ORD-1', { notify_url: receiver.url });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        error_code: '0000',
        data: { payout_id: expect.stringMatching(/^POT/) as unknown },
      });
      const payoutId = (res.json?.['data'] as { payout_id: string }).payout_id;
      expect(gw.orders()).toMatchObject([
        { payoutId, amountCents: 50000, platformId: 'PF0002', status: 0 },
      ]);
      const verified = (fields: Record<string, WireValue>) => {
        expect(fields['sign_type']).toBe(signMode === 'hmac-sha256' ? 'HMAC-SHA256' : undefined);
        const mode = receivedSignMode(fields['sign_type'], signMode);
        expect(mode).toBe(signMode);
        expect(verifySign({ ...fields, amount: 50001 }, merchant.secret, mode)).toBe(false);
        return verifySign(fields, merchant.secret, mode);
      };

      const list = await sandbox.list(gw, '?payout_cl_id=ORD-1');
      expect(list.json).toMatchObject({ error_code: '0000', total: 1 });
      const [item] = list.json?.['data'] as Array<Record<string, WireValue>>;
      expect(item).toMatchObject({
        amount: 50000,
        real_amount: 50000,
        fee: 0,
        payout_id: payoutId,
        payout_cl_id: 'ORD-1',
        platform_id: 'PF0002',
        platform_channel_id: expect.any(String) as unknown,
        status: 0,
        memo: '',
        create_time: t0 / 1000,
        update_time: t0 / 1000,
      });
      expect(verified(item ?? {})).toBe(true);

      for (let i = 0; i < 3; i++) await sandbox.list(gw, '?payout_cl_id=ORD-1');
      const [cb] = await waitFor(() =>
        receiver.received.length > 0 ? receiver.received : undefined,
      );
      const body = cb?.body ?? {};
      expect(body).toMatchObject({
        payout_id: payoutId,
        payout_cl_id: 'ORD-1',
        platform_id: 'PF0002',
        amount: 50000,
        real_amount: 50000,
        fee: 0,
        status: 3,
        create_time: t0 / 1000,
        update_time: t0 / 1000,
      });
      expect(body['error_msg']).toBeUndefined();
      expect(verified(body)).toBe(true);
      await gw.callbacksIdle();
      expect(gw.record('ORD-1').callbacks).toMatchObject([
        { attempt: 1, delivery: 'copy-1', status: 3, acknowledged: true, body: cb?.text },
      ]);
    },
  );
});

describe('POST /gateway/api/v2/payouts', () => {
  it('takes amount and request_time as JSON numbers too', async () => {
    const gw = await start();
    const body = signedBody(createFields('ORD-NUM', { amount: 12345, request_time: 1595504997 }));
    const res = await http.post(`${gw.url}/gateway/api/v2/payouts`, body);
    expect(res.json?.['error_code']).toBe('0000');
    expect(gw.order('ORD-NUM')?.amountCents).toBe(12345);
  });

  it('serves the same create call under /gateway/api/v1/payouts', async () => {
    const gw = await start();
    const res = await http.post(`${gw.url}/gateway/api/v1/payouts`, signedBody(createFields('V1')));
    expect(res.json?.['error_code']).toBe('0000');
    expect(gw.order('V1')).toBeDefined();
  });

  it('answers 0004 and creates nothing when the sign does not verify', async () => {
    const gw = await start();
    const url = `${gw.url}/gateway/api/v2/payouts`;
    const good = JSON.parse(signedBody(createFields('BAD-1'))) as Record<string, unknown>;
    const tampered = JSON.stringify({ ...good, amount: '50001' });
    const wrongKey = signedBody(createFields('BAD-2'), { ...MERCHANT, secret: 'not-the-secret' });
    const keySuffix = signedBody(createFields('BAD-3'), MERCHANT, 'md5-key');
    const noSign = JSON.stringify(createFields('BAD-4'));
    for (const body of [tampered, wrongKey, keySuffix, noSign]) {
      const res = await http.post(url, body);
      expect(res.json).toEqual({ error_code: '0004', error_msg: 'Signature verification failed!' });
    }
    expect(gw.orders()).toEqual([]);
    expect(gw.record('BAD-1').creates).toMatchObject([{ created: false, outcome: '0004' }]);
  });

  it('answers 0004 for a platform_id it does not know', async () => {
    const gw = await start();
    const res = await sandbox.create(gw, 'WHO', {}, { ...MERCHANT, platformId: 'PF9999' });
    expect(res.json?.['error_code']).toBe('0004');
    expect(gw.orders()).toEqual([]);
  });

  it('checks HMAC when the body says sign_type HMAC-SHA256, even for an md5 merchant', async () => {
    const gw = await start();
    const res = await http.post(
      `${gw.url}/gateway/api/v2/payouts`,
      signedBody(createFields('HMAC'), MERCHANT, 'hmac-sha256'),
    );
    expect(res.json?.['error_code']).toBe('0000');
  });

  it('signs over every field as received, unknown extra fields included', async () => {
    const gw = await start();
    const url = `${gw.url}/gateway/api/v2/payouts`;
    const withExtra = signedBody(createFields('EXTRA', { memo: 'rent', bank_branch: '' }));
    expect((await http.post(url, withExtra)).json?.['error_code']).toBe('0000');
    // The same extra field added after signing breaks the sign.
    const signed = JSON.parse(signedBody(createFields('EXTRA-2'))) as Record<string, unknown>;
    const added = JSON.stringify({ ...signed, memo: 'rent' });
    expect((await http.post(url, added)).json?.['error_code']).toBe('0004');
  });

  it.each([
    ['service_id', { service_id: 'SVC0001' }, 'service_id: must be SVC0004'],
    ['a missing bank_name', { bank_name: undefined }, 'bank_name: required, a string'],
    ['a fractional amount', { amount: '500.5' }, 'amount: required, an integer'],
    ['a zero amount', { amount: 0 }, 'amount: must be positive'],
    ['a non-http notify_url', { notify_url: 'ftp://x/y' }, 'notify_url: an http(s) URL'],
    ['a missing request_time', { request_time: undefined }, 'request_time: required, an integer'],
  ])('answers 0001 naming the field for %s, creating nothing', async (_what, override, rule) => {
    const gw = await start();
    const res = await sandbox.create(gw, 'INVALID', override);
    expect(res.json?.['error_code']).toBe('0001');
    expect(String(res.json?.['error_msg'])).toContain(rule);
    expect(gw.orders()).toEqual([]);
  });

  it('answers 0001 for a body that is not a JSON object', async () => {
    const gw = await start();
    const res = await http.post(`${gw.url}/gateway/api/v2/payouts`, 'amount=1&sign=x');
    expect(res.json?.['error_code']).toBe('0001');
  });

  it('answers the duplicate code for a second create with the same payout_cl_id, keeping one order', async () => {
    const gw = await start();
    const url = `${gw.url}/gateway/api/v2/payouts`;
    const first = await http.post(url, signedBody(createFields('DUP')));
    const again = await http.post(url, signedBody(createFields('DUP', { amount: '1' })));
    expect(first.json?.['error_code']).toBe('0000');
    expect(again.json?.['error_code']).toBe('0011');
    expect(gw.orders()).toHaveLength(1);
    expect(gw.order('DUP')?.amountCents).toBe(50000);
    const creates = gw.record('DUP').creates;
    expect(creates.map((c) => [c.created, c.outcome])).toEqual([
      [true, '0000'],
      [false, '0011'],
    ]);
  });

  it('records each create with its exact body text', async () => {
    const gw = await start();
    const body = `  ${signedBody(createFields('REC'))}\n`;
    await http.post(`${gw.url}/gateway/api/v2/payouts`, body);
    const [entry] = gw.record('REC').creates;
    expect(entry).toMatchObject({
      bodyText: body,
      created: true,
      outcome: '0000',
      path: '/gateway/api/v2/payouts',
    });
  });

  it('answers 405 for another method and 404 for another path', async () => {
    const gw = await start();
    expect((await http.call('PUT', `${gw.url}/gateway/api/v2/payouts`)).status).toBe(405);
    expect((await http.get(`${gw.url}/gateway/api/v3/payouts`)).status).toBe(404);
  });
});

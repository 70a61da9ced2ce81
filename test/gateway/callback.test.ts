import { describe, expect, it } from 'vitest';
import { verifyCallback } from '../../src/gateway/callback.js';
import { TEST_ORDER, TEST_SECRET, testConfig } from './helpers/config.js';
import { referenceHmac, referenceMd5, signedMd5 } from './helpers/independent-sign.js';

const config = testConfig('https://gw.example.com');

/** A success callback as the docs list its fields, before the sign. */
const CALLBACK = {
  payout_id: 'POT00000001',
  payout_cl_id: 'ORD-1',
  platform_id: 'PF0002',
  amount: '12345',
  real_amount: '12345',
  fee: '150',
  status: '3',
  create_time: '1700000000',
  update_time: '1700000100',
};

const errorOf = (body: unknown) => {
  const result = verifyCallback(body, config);
  return result.ok ? undefined : result.error;
};

describe('verifyCallback', () => {
  it('accepts a well-signed callback and reads it', () => {
    const body = signedMd5(CALLBACK, TEST_SECRET);
    expect(verifyCallback(body, config)).toEqual({
      ok: true,
      notification: {
        ...TEST_ORDER,
        feeCents: 150,
        fields: { ...CALLBACK, sign: body.sign },
      },
    });
  });

  it('accepts numbers as JSON numbers, the body as text, and an error message', () => {
    const numeric = { ...CALLBACK, amount: 12345, status: 5, error_msg: 'Account frozen' };
    const body = JSON.stringify(signedMd5(numeric, TEST_SECRET));
    const result = verifyCallback(body, config);
    expect(result).toMatchObject({
      ok: true,
      notification: { amountCents: 12345, state: 'failed', errorMessage: 'Account frozen' },
    });
    expect(result.ok && result.notification.fields['amount']).toBe('12345');
  });

  it('verifies an HMAC-SHA256 callback by its sign_type, without signing sign_type', () => {
    const body = {
      ...CALLBACK,
      sign_type: 'HMAC-SHA256',
      sign: referenceHmac(CALLBACK, TEST_SECRET),
    };
    expect(verifyCallback(body, config).ok).toBe(true);
    // The same HMAC under md5 rules (no sign_type) is refused.
    const { sign_type: _dropped, ...unmarked } = body;
    expect(errorOf(unmarked)?.code).toBe('bad-signature');
  });

  describe('configured hmac-sha256: only HMAC-SHA256 verifies (no downgrade to MD5)', () => {
    const hmac = testConfig('https://gw.example.com', { GATEWAY_SIGN_MODE: 'hmac-sha256' });
    const hmacError = (body: unknown) => {
      const result = verifyCallback(body, hmac);
      return result.ok ? undefined : result.error.code;
    };

    it('refuses an MD5-signed callback without sign_type', () => {
      expect(hmacError(signedMd5(CALLBACK, TEST_SECRET))).toBe('bad-signature');
    });

    it('refuses an MD5-signed callback that says sign_type MD5', () => {
      expect(hmacError({ ...signedMd5(CALLBACK, TEST_SECRET), sign_type: 'MD5' })).toBe(
        'bad-signature',
      );
    });

    it('refuses an md5-key-signed callback', () => {
      const sign = referenceMd5(CALLBACK, `key=${TEST_SECRET}`);
      expect(hmacError({ ...CALLBACK, sign })).toBe('bad-signature');
    });

    it('accepts HMAC with or without sign_type', () => {
      const sign = referenceHmac(CALLBACK, TEST_SECRET);
      expect(hmacError({ ...CALLBACK, sign_type: 'HMAC-SHA256', sign })).toBeUndefined();
      expect(hmacError({ ...CALLBACK, sign })).toBeUndefined();
    });
  });

  it('configured md5-key: takes an upgrade to HMAC, refuses the other MD5 form', () => {
    const keyed = testConfig('https://gw.example.com', { GATEWAY_SIGN_MODE: 'md5-key' });
    const sign = referenceHmac(CALLBACK, TEST_SECRET);
    expect(verifyCallback({ ...CALLBACK, sign_type: 'HMAC-SHA256', sign }, keyed).ok).toBe(true);
    expect(verifyCallback(signedMd5(CALLBACK, TEST_SECRET), keyed).ok).toBe(false);
  });

  it('verifies in md5-key mode when configured', () => {
    const keyed = testConfig('https://gw.example.com', { GATEWAY_SIGN_MODE: 'md5-key' });
    // MD5 of canonical + '&' + 'key=SECRET'.
    const sign = referenceMd5(CALLBACK, `key=${TEST_SECRET}`);
    expect(verifyCallback({ ...CALLBACK, sign }, keyed).ok).toBe(true);
    expect(verifyCallback({ ...CALLBACK, sign }, config).ok).toBe(false);
  });

  it('refuses a signed callback whose payout_cl_id no merchant order id of ours can be', () => {
    for (const id of ['ORD:1', 'ORD 1', 'x'.repeat(33), '']) {
      const error = errorOf(signedMd5({ ...CALLBACK, payout_cl_id: id }, TEST_SECRET));
      expect(error?.code).toBe('malformed');
      expect(error?.detail).toMatch(/payout_cl_id/);
    }
  });

  it('keeps an unknown status code as unknown-status', () => {
    const result = verifyCallback(signedMd5({ ...CALLBACK, status: '9' }, TEST_SECRET), config);
    expect(result).toMatchObject({
      ok: true,
      notification: { state: 'unknown-status', statusCode: 9 },
    });
  });
});

describe('verifyCallback: the sign covers every received field', () => {
  it('accepts fields the docs do not list, when they were signed', () => {
    const extended = { ...CALLBACK, channel_ref: 'CR-77', bank_txn: 'T1' };
    const result = verifyCallback(signedMd5(extended, TEST_SECRET), config);
    expect(result.ok).toBe(true);
    expect(result.ok && result.notification.fields['channel_ref']).toBe('CR-77');
  });

  it('refuses a field added after signing', () => {
    const body = { ...signedMd5(CALLBACK, TEST_SECRET), channel_ref: 'CR-77' };
    expect(errorOf(body)).toEqual({ code: 'bad-signature', detail: 'sign does not verify (md5)' });
  });

  it('refuses a changed value, a wrong sign, a sign of the wrong length', () => {
    const good = signedMd5(CALLBACK, TEST_SECRET);
    expect(errorOf({ ...good, status: '5' })?.code).toBe('bad-signature');
    expect(errorOf({ ...good, amount: '99999' })?.code).toBe('bad-signature');
    expect(errorOf({ ...good, sign: '0'.repeat(32) })?.code).toBe('bad-signature');
    expect(errorOf({ ...good, sign: good.sign.slice(0, 31) })?.code).toBe('bad-signature');
    expect(errorOf({ ...good, sign: `${good.sign}0` })?.code).toBe('bad-signature');
    expect(errorOf({ ...good, sign: referenceHmac(CALLBACK, TEST_SECRET) })?.code).toBe(
      'bad-signature',
    );
  });
});

describe('verifyCallback: malformed and foreign callbacks', () => {
  it.each(['payout_id', 'payout_cl_id', 'platform_id', 'amount', 'status'])(
    'malformed without %s, naming it',
    (field) => {
      const { [field as keyof typeof CALLBACK]: _gone, ...rest } = CALLBACK;
      const error = errorOf(signedMd5(rest, TEST_SECRET));
      expect(error?.code).toBe('malformed');
      expect(error?.detail).toBe(`missing fields: ${field}`);
    },
  );

  it('malformed without a sign, or with an empty one', () => {
    expect(errorOf(CALLBACK)).toEqual({ code: 'malformed', detail: 'missing fields: sign' });
    expect(errorOf({ ...CALLBACK, sign: '' })?.code).toBe('malformed');
  });

  it('malformed for what is not a JSON object', () => {
    for (const body of [null, 'not json', '[1]', [CALLBACK], 42]) {
      expect(errorOf(body)?.code).toBe('malformed');
    }
  });

  it('malformed for a signed field of the wrong shape, naming the field', () => {
    const error = errorOf(signedMd5({ ...CALLBACK, amount: '12.5' }, TEST_SECRET));
    expect(error?.code).toBe('malformed');
    expect(error?.detail).toContain('amount');
  });

  it('wrong-platform for a well-signed callback of another merchant', () => {
    const error = errorOf(signedMd5({ ...CALLBACK, platform_id: 'PF0009' }, TEST_SECRET));
    expect(error).toEqual({ code: 'wrong-platform', detail: 'platform_id is not our merchant id' });
  });
});

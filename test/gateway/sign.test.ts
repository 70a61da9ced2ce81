import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UnsignableFieldError,
  canonicalString,
  acceptedSignMode,
  receivedSignMode,
  sign,
  verifySign,
} from '../../src/gateway/sign.js';
import { DOC_EXAMPLE } from './helpers/config.js';

const SECRET = 'ThisIsYourSecretKey123';

const DOC_CANONICAL =
  'amount=50000&bank_name=中国农业银行&name=test_name&notify_url=https://xxx.xx/notification' +
  '&number=test&payout_cl_id=DEVPOT00143538&platform_id=PF0002&request_time=1595504997&service_id=SVC0004';

describe('sign: vectors computed outside the code under test', () => {
  it('builds the documented canonical string', () => {
    expect(canonicalString(DOC_EXAMPLE)).toBe(DOC_CANONICAL);
  });

  it('md5 mode: MD5 of canonical&SECRET', () => {
    // printf '%s' "$DOC_CANONICAL&ThisIsYourSecretKey123" | md5sum
    expect(sign(DOC_EXAMPLE, SECRET, 'md5')).toBe('695a96dbbca3cbab917ccba7471425ee');
  });

  it('md5-key mode: MD5 of canonical&key=SECRET', () => {
    // printf '%s' "$DOC_CANONICAL&key=ThisIsYourSecretKey123" | md5sum
    expect(sign(DOC_EXAMPLE, SECRET, 'md5-key')).toBe('92537326dc826231e4d390e82a815f1c');
  });

  it('hmac-sha256 mode: HMAC of the canonical string, nothing appended', () => {
    // printf '%s' "$DOC_CANONICAL" | openssl dgst -sha256 -hmac ThisIsYourSecretKey123
    expect(sign(DOC_EXAMPLE, SECRET, 'hmac-sha256')).toBe(
      '945b015908782443ef1ed71cc9383ba66e5fea469514add6491b30e705c7580c',
    );
  });

  const withEmpties = {
    status: '3',
    memo: '',
    note: null,
    absent: undefined,
    fee: 0,
    payout_cl_id: 'A1',
    amount: 100,
  };

  it('drops empty values, keeps 0 as "0", renders numbers as digits', () => {
    expect(canonicalString(withEmpties)).toBe('amount=100&fee=0&payout_cl_id=A1&status=3');
    // printf '%s' 'amount=100&fee=0&payout_cl_id=A1&status=3&ThisIsYourSecretKey123' | md5sum
    expect(sign(withEmpties, SECRET, 'md5')).toBe('0aeb041d003d587024b243bd7e7fb08f');
    // printf '%s' 'amount=100&fee=0&payout_cl_id=A1&status=3&key=ThisIsYourSecretKey123' | md5sum
    expect(sign(withEmpties, SECRET, 'md5-key')).toBe('3c9dd9e65508622eb471217d7b5bc9ab');
    // printf '%s' 'amount=100&fee=0&payout_cl_id=A1&status=3' | openssl dgst -sha256 -hmac ThisIsYourSecretKey123
    expect(sign(withEmpties, SECRET, 'hmac-sha256')).toBe(
      'aa137eff587a8dd985271ec8b42212bc0e437521149ccbc0db1b45b51171bdf0',
    );
  });

  it('signs an array value as compact JSON', () => {
    const fields = { payout_cl_id: 'A1', items: [1, 'a', { b: 2 }] };
    expect(canonicalString(fields)).toBe('items=[1,"a",{"b":2}]&payout_cl_id=A1');
    // printf '%s' 'items=[1,"a",{"b":2}]&payout_cl_id=A1&ThisIsYourSecretKey123' | md5sum
    expect(sign(fields, SECRET, 'md5')).toBe('4ddd6cb1bf97f8d961217e06fb3cc040');
  });

  it('lets notify_url hold & and =, signed as is', () => {
    const fields = { amount: 1, notify_url: 'https://x.example/cb?a=1&b=2' };
    // printf '%s' 'amount=1&notify_url=https://x.example/cb?a=1&b=2&ThisIsYourSecretKey123' | md5sum
    expect(sign(fields, SECRET, 'md5')).toBe('c005b4ebc02d3d55edbc2c7a2f6d5adf');
  });

  it('never covers sign and sign_type', () => {
    const decorated = { ...DOC_EXAMPLE, sign: 'whatever', sign_type: 'HMAC-SHA256' };
    expect(sign(decorated, SECRET, 'md5')).toBe('695a96dbbca3cbab917ccba7471425ee');
  });
});

describe('sign: refuses what cannot be signed unambiguously', () => {
  it.each([
    ['a control character in a value', { name: 'a\nb' }, 'name'],
    ['DEL in a value', { name: 'a\u007fb' }, 'name'],
    ['a C1 control in a value', { name: 'a\u0085b' }, 'name'],
    ['a lone surrogate in a value', { city: 'a\ud800' }, 'city'],
    ['& in a value', { bank_name: 'A&B' }, 'bank_name'],
    ['= in a value', { bank_name: 'A=B' }, 'bank_name'],
    ['& in a field name', { 'a&b': 'x' }, 'a&b'],
    ['a control character in notify_url', { notify_url: 'https://x/\t' }, 'notify_url'],
  ])('%s', (_label, fields, field) => {
    expect(() => sign(fields, SECRET, 'md5')).toThrow(UnsignableFieldError);
    try {
      sign(fields, SECRET, 'md5');
    } catch (error) {
      expect((error as UnsignableFieldError).field).toBe(field);
      expect((error as UnsignableFieldError).code).toBe('ERR_UNSIGNABLE_FIELD');
    }
  });
});

describe('verifySign', () => {
  const received = { ...DOC_EXAMPLE, sign: '695a96dbbca3cbab917ccba7471425ee' };

  it('accepts the right sign, in either case', () => {
    expect(verifySign(received, SECRET, 'md5')).toBe(true);
    expect(verifySign({ ...received, sign: received.sign.toUpperCase() }, SECRET, 'md5')).toBe(
      true,
    );
  });

  it('refuses a wrong, short, long or missing sign, and the wrong mode', () => {
    expect(
      verifySign({ ...received, sign: '695a96dbbca3cbab917ccba7471425ef' }, SECRET, 'md5'),
    ).toBe(false);
    expect(verifySign({ ...received, sign: '695a96dbbca3cbab' }, SECRET, 'md5')).toBe(false);
    expect(verifySign({ ...received, sign: `${received.sign}00` }, SECRET, 'md5')).toBe(false);
    expect(verifySign(DOC_EXAMPLE, SECRET, 'md5')).toBe(false);
    expect(verifySign(received, SECRET, 'md5-key')).toBe(false);
    expect(verifySign(received, 'another-secret', 'md5')).toBe(false);
  });

  it('verifies what we receive in HMAC only, when HMAC is configured; else as said or configured', () => {
    expect(acceptedSignMode(undefined, 'hmac-sha256')).toBe('hmac-sha256');
    expect(acceptedSignMode('MD5', 'hmac-sha256')).toBe('hmac-sha256');
    expect(acceptedSignMode('HMAC-SHA256', 'md5')).toBe('hmac-sha256');
    expect(acceptedSignMode(undefined, 'md5-key')).toBe('md5-key');
    expect(acceptedSignMode('MD5', 'md5')).toBe('md5');
  });

  it('reads a message as the gateway does: HMAC only when it says so', () => {
    expect(receivedSignMode('HMAC-SHA256', 'md5')).toBe('hmac-sha256');
    expect(receivedSignMode('hmac-sha256', 'md5-key')).toBe('hmac-sha256');
    expect(receivedSignMode(undefined, 'md5-key')).toBe('md5-key');
    expect(receivedSignMode(undefined, 'hmac-sha256')).toBe('md5');
  });
});

describe('sign: properties', () => {
  // Signable names and values: no &, =, C0 or C1 control characters; values non-empty.
  const name = fc
    .stringMatching(/^[a-z_][a-z0-9_]{0,11}$/)
    .filter((n) => n !== 'sign' && n !== 'sign_type');
  const text = fc
    .string({ unit: 'binary', minLength: 1, maxLength: 12 })
    // eslint-disable-next-line no-control-regex
    .map((s) => s.replace(/[&=\u0000-\u001f\u007f-\u009f]/g, ''))
    .filter((s) => s.length > 0);
  const value = fc.oneof(text, fc.integer({ min: 0, max: 10_000_000 }));
  const fields = fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 });

  it('field order never changes the sign', () => {
    const reorderedPair = fields.chain((map) => {
      const keys = Object.keys(map);
      const order = fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length });
      return fc.tuple(fc.constant(map), order);
    });
    fc.assert(
      fc.property(reorderedPair, ([map, order]) => {
        const reordered = Object.fromEntries(order.map((k) => [k, map[k]]));
        expect(sign(reordered, SECRET, 'md5')).toBe(sign(map, SECRET, 'md5'));
        expect(sign(reordered, SECRET, 'md5-key')).toBe(sign(map, SECRET, 'md5-key'));
        expect(sign(reordered, SECRET, 'hmac-sha256')).toBe(sign(map, SECRET, 'hmac-sha256'));
      }),
    );
  });

  /** The map as the gateway sees it: each value as its wire text. */
  const asText = (map: Record<string, string | number>) =>
    Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)]));

  it('the canonical string can be read back into the very map it came from', () => {
    fc.assert(
      fc.property(fields, (map) => {
        const back = Object.fromEntries(
          canonicalString(map)
            .split('&')
            .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
        );
        expect(back).toEqual(asText(map));
      }),
    );
  });

  it('distinct field maps never share a canonical string', () => {
    fc.assert(
      fc.property(fields, fields, (a, b) => {
        fc.pre(
          JSON.stringify(Object.entries(asText(a)).sort()) !==
            JSON.stringify(Object.entries(asText(b)).sort()),
        );
        expect(canonicalString(a)).not.toBe(canonicalString(b));
      }),
    );
    // Why & and = are refused in what we send: unchecked, these two maps would collide.
    expect(canonicalString({ a: '1&b=2' }, { strict: false })).toBe(
      canonicalString({ a: '1', b: '2' }),
    );
    expect(() => canonicalString({ a: '1&b=2' })).toThrow(UnsignableFieldError);
  });
});

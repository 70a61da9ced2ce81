import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { buildCreateRequest, wireCreateRequestSchema } from '../../src/gateway/create-request.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { DOC_EXAMPLE, TEST_SECRET, testConfig } from './helpers/config.js';
import { referenceCanonical, referenceHmac, referenceMd5 } from './helpers/independent-sign.js';

/** The doc page's example, as our request and config. */
const DOC_REQUEST: PayoutRequest = {
  merchantOrderId: 'DEVPOT00143538',
  amountCents: 50000,
  bankName: '中国农业银行',
  recipientName: 'test_name',
  accountNumber: 'test',
};
const DOC_TIME_MS = 1_595_504_997_123;
const docConfig = (env: Record<string, string> = {}) =>
  testConfig('https://gw.example.com', {
    GATEWAY_NOTIFY_URL: 'https://xxx.xx/notification',
    ...env,
  });

/** The fields a ValidationError names. */
function badFields(
  request: PayoutRequest,
  config: GatewayConfig = docConfig(),
  now = DOC_TIME_MS,
): string[] {
  try {
    buildCreateRequest(request, config, () => now);
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const issue of error.issues) expect(error.message).toContain(issue.field);
      return error.issues.map((i) => i.field);
    }
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('buildCreateRequest', () => {
  it("reproduces the doc's example, signed as computed outside the code", () => {
    const { fields, body } = buildCreateRequest(DOC_REQUEST, docConfig(), () => DOC_TIME_MS);
    expect(fields).toEqual({
      ...DOC_EXAMPLE,
      // printf '%s' 'amount=50000&bank_name=中国农业银行&name=test_name&notify_url=https://xxx.xx/notification&number=test&payout_cl_id=DEVPOT00143538&platform_id=PF0002&request_time=1595504997&service_id=SVC0004&ThisIsYourSecretKey123' | md5sum
      sign: '695a96dbbca3cbab917ccba7471425ee',
    });
    expect(JSON.parse(body)).toEqual(fields);
  });

  it('renders amount and request_time as JSON numbers when configured, and signs that text', () => {
    const config = docConfig({
      GATEWAY_AMOUNT_FORMAT: 'number',
      GATEWAY_REQUEST_TIME_FORMAT: 'number',
    });
    const { body } = buildCreateRequest(DOC_REQUEST, config, () => DOC_TIME_MS);
    expect(body).toContain('"amount":50000');
    expect(body).toContain('"request_time":1595504997');
    // The signed text does not depend on the JSON type: same digits, same sign.
    expect((JSON.parse(body) as { sign: string }).sign).toBe('695a96dbbca3cbab917ccba7471425ee');
  });

  it('can mix the two renderings', () => {
    const config = docConfig({ GATEWAY_AMOUNT_FORMAT: 'number' });
    const { body } = buildCreateRequest(DOC_REQUEST, config, () => DOC_TIME_MS);
    expect(body).toContain('"amount":50000');
    expect(body).toContain('"request_time":"1595504997"');
  });

  it('sends exactly the text it signed, optional fields included', () => {
    const request = { ...DOC_REQUEST, bankBranch: '北京分行', province: '北京', city: '北京市' };
    const { body } = buildCreateRequest(request, docConfig(), () => DOC_TIME_MS);
    const sent = JSON.parse(body) as Record<string, unknown>;
    expect(referenceCanonical(sent)).toBe(
      'amount=50000&bank_branch=北京分行&bank_name=中国农业银行&city=北京市&name=test_name' +
        '&notify_url=https://xxx.xx/notification&number=test&payout_cl_id=DEVPOT00143538' +
        '&platform_id=PF0002&province=北京&request_time=1595504997&service_id=SVC0004',
    );
    expect(sent['sign']).toBe(referenceMd5(sent, TEST_SECRET));
  });

  it('leaves out notify_url when none is configured', () => {
    const config = testConfig('https://gw.example.com');
    const { fields } = buildCreateRequest(DOC_REQUEST, config, () => DOC_TIME_MS);
    expect(fields).not.toHaveProperty('notify_url');
    expect(fields.sign).toBe(referenceMd5(fields, TEST_SECRET));
  });

  it('adds sign_type HMAC-SHA256 in hmac mode, outside the signed text', () => {
    const config = docConfig({ GATEWAY_SIGN_MODE: 'hmac-sha256' });
    const { fields } = buildCreateRequest(DOC_REQUEST, config, () => DOC_TIME_MS);
    expect(fields.sign_type).toBe('HMAC-SHA256');
    // printf '%s' 'amount=50000&…&service_id=SVC0004' | openssl dgst -sha256 -hmac ThisIsYourSecretKey123
    expect(fields.sign).toBe('945b015908782443ef1ed71cc9383ba66e5fea469514add6491b30e705c7580c');
    expect(fields.sign).toBe(referenceHmac(fields, TEST_SECRET));
  });

  it('signs with &key=SECRET in md5-key mode', () => {
    const config = docConfig({ GATEWAY_SIGN_MODE: 'md5-key' });
    const { fields } = buildCreateRequest(DOC_REQUEST, config, () => DOC_TIME_MS);
    expect(fields).not.toHaveProperty('sign_type');
    // printf '%s' 'amount=50000&…&service_id=SVC0004&key=ThisIsYourSecretKey123' | md5sum
    expect(fields.sign).toBe('92537326dc826231e4d390e82a815f1c');
  });
});

describe('buildCreateRequest refuses, naming the wire field', () => {
  it.each<[string, Partial<PayoutRequest>, string]>([
    ['an empty payout_cl_id', { merchantOrderId: '' }, 'payout_cl_id'],
    ['a payout_cl_id over 32 characters', { merchantOrderId: 'A'.repeat(33) }, 'payout_cl_id'],
    ['a zero amount', { amountCents: 0 }, 'amount'],
    ['a negative amount', { amountCents: -5 }, 'amount'],
    ['a fractional amount', { amountCents: 1.5 }, 'amount'],
    ['an amount of 11 digits', { amountCents: 10_000_000_000 }, 'amount'],
    ['an empty bank_name', { bankName: '' }, 'bank_name'],
    ['a blank name', { recipientName: '   ' }, 'name'],
    ['an empty number', { accountNumber: '' }, 'number'],
    ['an empty bank_branch', { bankBranch: '' }, 'bank_branch'],
    ['an empty province', { province: '' }, 'province'],
    ['an empty city', { city: '' }, 'city'],
    ['& in a value (unsignable)', { bankName: 'A&B Bank' }, 'bank_name'],
    ['= in a value (unsignable)', { city: 'a=b' }, 'city'],
    ['a control character (unsignable)', { recipientName: 'Li\nWei' }, 'name'],
  ])('%s', (_label, change, field) => {
    expect(badFields({ ...DOC_REQUEST, ...change })).toEqual([field]);
  });

  it('accepts the largest amount of 10 digits', () => {
    const { fields } = buildCreateRequest(
      { ...DOC_REQUEST, amountCents: 9_999_999_999 },
      docConfig(),
      () => DOC_TIME_MS,
    );
    expect(fields.amount).toBe('9999999999');
  });

  it('a platform_id over 7 characters', () => {
    expect(badFields(DOC_REQUEST, { ...docConfig(), platformId: 'PF000002' })).toEqual([
      'platform_id',
    ]);
  });

  it('a request_time that is not 10 digits of seconds', () => {
    expect(badFields(DOC_REQUEST, docConfig(), 999_999_999_999)).toEqual(['request_time']);
    expect(badFields(DOC_REQUEST, docConfig(), 10_000_000_000_000)).toEqual(['request_time']);
    expect(badFields(DOC_REQUEST, docConfig(), 0)).toEqual(['request_time']);
  });

  it('an http notify_url unless the sandbox flag allows it', () => {
    const http = { ...docConfig(), notifyUrl: 'http://callbacks/notify' };
    expect(badFields(DOC_REQUEST, http)).toEqual(['notify_url']);
    const allowed = { ...http, allowHttp: true };
    expect(buildCreateRequest(DOC_REQUEST, allowed, () => DOC_TIME_MS).fields.notify_url).toBe(
      'http://callbacks/notify',
    );
  });

  it('a notify_url over 256 characters, or not a URL', () => {
    const long = `https://cb.example.com/${'x'.repeat(234)}`;
    expect(badFields(DOC_REQUEST, { ...docConfig(), notifyUrl: long })).toEqual(['notify_url']);
    expect(badFields(DOC_REQUEST, { ...docConfig(), notifyUrl: 'cb.example.com' })).toEqual([
      'notify_url',
    ]);
  });

  it('names every bad field at once', () => {
    const fields = badFields({ ...DOC_REQUEST, merchantOrderId: '', amountCents: 0, bankName: '' });
    expect(fields.sort()).toEqual(['amount', 'bank_name', 'payout_cl_id']);
  });
});

describe('wireCreateRequestSchema', () => {
  const valid = {
    platform_id: 'PF0002',
    service_id: 'SVC0004',
    payout_cl_id: 'A1',
    amount: '100',
    bank_name: 'B',
    name: 'N',
    number: '1',
    request_time: '1595504997',
  };
  const schema = wireCreateRequestSchema({ allowHttp: false });
  const failing = (input: unknown) => {
    const result = schema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
  };

  it('accepts a valid request, amounts as strings or numbers', () => {
    expect(failing(valid)).toEqual([]);
    expect(failing({ ...valid, amount: 100, request_time: 1595504997 })).toEqual([]);
  });

  it('wants service_id SVC0004, digit strings without signs or leading zeros, no extra field', () => {
    expect(failing({ ...valid, service_id: 'SVC0001' })).toEqual(['service_id']);
    expect(failing({ ...valid, amount: '0100' })).toEqual(['amount']);
    expect(failing({ ...valid, amount: '+100' })).toEqual(['amount']);
    expect(failing({ ...valid, amount: '1e3' })).toEqual(['amount']);
    expect(failing({ ...valid, request_time: '159550499.7' })).toEqual(['request_time']);
    expect(failing({ ...valid, sign_type: 'MD5' })).toEqual(['sign_type']);
    expect(failing({ ...valid, memo: 'x' })).toEqual(['']);
  });
});

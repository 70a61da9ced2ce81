/**
 * Bad input stops at the door. Three boundaries, one table each: the client library's
 * `startPayout` (a ValidationError, nothing started), the callback receiver over real HTTP (the
 * right status, nothing delivered) and operator decisions (`invalid-input`). Every refusal names
 * the field and the rule, and never echoes the value it refused.
 */
import type { Client } from '@temporalio/client';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/callback/receiver.js';
import { createPayoutClient, ValidationError } from '../../src/client/index.js';
import { verifyCallback } from '../../src/gateway/callback.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import { parseOperatorDecision } from '../../workflows/decisions.js';
import { referenceHmac, referenceMd5 } from '../gateway/helpers/independent-sign.js';
import { SUCCESS_CALLBACK_FIELDS } from '../support/callback-fields.js';
import { TEST_SECRET, testConfig } from '../gateway/helpers/config.js';
import { createMemoryLogger } from '../support/logger.js';

/** The message names `field` as a word of its own (so `amount` is not found in `amountCents`). */
function namesField(message: string, field: string): boolean {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`).test(message);
}

/** Every string in `value` (keys excluded) that is long enough to be recognised in a message. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.trim().length >= 3) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) stringsIn(item, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) stringsIn(item, out);
  }
  return out;
}

// ---- startPayout -------------------------------------------------------------------------------

const VALID = {
  merchantOrderId: 'ORDER-1',
  amountCents: 50_000,
  bankName: '中国农业银行',
  recipientName: '李雷',
  accountNumber: '6228480000000000000',
};
const VALID_STRINGS = new Set(stringsIn(VALID));

/** The valid request with `changes` applied. */
const req = (changes: Record<string, unknown>): unknown => ({ ...VALID, ...changes });
/** The valid request without `field`. */
const omit = (field: keyof typeof VALID): unknown => {
  const { [field]: _dropped, ...rest } = VALID;
  return rest;
};

/** A fake Temporal client: it records every call the client library makes and starts nothing. */
function fakeTemporal() {
  const calls: string[] = [];
  const recorded =
    <T>(name: string, answer: () => T) =>
    (..._args: unknown[]): T => {
      calls.push(name);
      return answer();
    };
  const handle = {
    describe: recorded('handle.describe', () => Promise.reject(new Error('no such workflow'))),
    fetchHistory: recorded('handle.fetchHistory', () => Promise.resolve({ events: [] })),
  };
  const client = {
    options: { namespace: 'default' },
    workflowService: {
      describeTaskQueue: recorded('workflowService.describeTaskQueue', () => Promise.resolve({})),
    },
    workflow: {
      start: recorded('workflow.start', () => Promise.resolve({ workflowId: 'started' })),
      signalWithStart: recorded('workflow.signalWithStart', () => Promise.resolve({})),
      execute: recorded('workflow.execute', () => Promise.resolve({})),
      getHandle: recorded('workflow.getHandle', () => handle),
    },
  };
  return { client: client as unknown as Client, calls };
}

const long = (n: number, c = 'a') => c.repeat(n);

/** [input, field the message names, fragment of the rule]. */
const BAD_PAYOUTS: readonly (readonly [unknown, string, string])[] = [
  [omit('merchantOrderId'), 'merchantOrderId', 'required, a string'],
  [req({ merchantOrderId: '' }), 'merchantOrderId', 'must not be empty'],
  [req({ merchantOrderId: long(33) }), 'merchantOrderId', 'at most 32 characters'],
  [req({ merchantOrderId: 'ORDER:1' }), 'merchantOrderId', 'only letters, digits, _ and -'],
  [req({ merchantOrderId: 'ORDER 1' }), 'merchantOrderId', 'only letters, digits, _ and -'],
  [req({ merchantOrderId: 'ORDER/1' }), 'merchantOrderId', 'only letters, digits, _ and -'],
  [req({ merchantOrderId: 'ORDER-1\n' }), 'merchantOrderId', 'only letters, digits, _ and -'],
  [req({ merchantOrderId: '订单0001' }), 'merchantOrderId', 'only letters, digits, _ and -'],
  [req({ merchantOrderId: 12345 }), 'merchantOrderId', 'required, a string'],
  [req({ merchantOrderId: null }), 'merchantOrderId', 'required, a string'],
  [omit('amountCents'), 'amountCents', 'required, a number of cents'],
  [req({ amountCents: '50000' }), 'amountCents', 'required, a number of cents'],
  [req({ amountCents: -1 }), 'amountCents', 'must be positive'],
  [req({ amountCents: 0 }), 'amountCents', 'must be positive'],
  [req({ amountCents: 100.5 }), 'amountCents', 'whole number of cents'],
  [req({ amountCents: 10_000_000_000 }), 'amountCents', 'at most 10 digits'],
  [req({ amountCents: 2 ** 53 }), 'amountCents', 'at most 10 digits'],
  [req({ amountCents: Number.NaN }), 'amountCents', 'required, a number of cents'],
  [req({ amountCents: Infinity }), 'amountCents', 'required, a number of cents'],
  [req({ amountCents: true }), 'amountCents', 'required, a number of cents'],
  [req({ amountCents: [50_000] }), 'amountCents', 'required, a number of cents'],
  [omit('bankName'), 'bankName', 'required, a string'],
  [req({ bankName: '' }), 'bankName', 'must not be empty'],
  [req({ bankName: '   ' }), 'bankName', 'must not be empty'],
  [req({ bankName: long(65, '行') }), 'bankName', 'at most 64 characters'],
  [req({ bankName: 'Bank&Co' }), 'bankName', 'must not contain & or ='],
  [req({ bankName: { name: '中国农业银行' } }), 'bankName', 'required, a string'],
  [omit('recipientName'), 'recipientName', 'required, a string'],
  [req({ recipientName: 'Li=Lei' }), 'recipientName', 'must not contain & or ='],
  [req({ recipientName: 'Li\u0000Lei' }), 'recipientName', 'control characters'],
  [req({ recipientName: 'Li\nLei' }), 'recipientName', 'control characters'],
  [req({ recipientName: 'Li\u001b[31mLei' }), 'recipientName', 'control characters'],
  [req({ recipientName: 'Li\u007fLei' }), 'recipientName', 'control characters'],
  [req({ recipientName: 'Li\u0085Lei' }), 'recipientName', 'control characters'],
  [req({ recipientName: 'Li\ud800Lei' }), 'recipientName', 'no lone surrogates'],
  [req({ recipientName: ['Li', 'Lei'] }), 'recipientName', 'required, a string'],
  [omit('accountNumber'), 'accountNumber', 'required, a string'],
  [req({ accountNumber: '' }), 'accountNumber', 'letters and digits only, 1 to 34'],
  [req({ accountNumber: '6228 4800 0000 0000' }), 'accountNumber', 'letters and digits only'],
  [req({ accountNumber: '6228-4800-0000-0000' }), 'accountNumber', 'letters and digits only'],
  [req({ accountNumber: '+6228480000000000' }), 'accountNumber', 'letters and digits only'],
  [req({ accountNumber: '６２２８４８００００' }), 'accountNumber', 'letters and digits only'],
  [req({ accountNumber: long(35, '6') }), 'accountNumber', '1 to 34 characters'],
  [req({ accountNumber: 6228480000000000000 }), 'accountNumber', 'required, a string'],
  [req({ bankBranch: '' }), 'bankBranch', 'must not be empty when given'],
  [req({ bankBranch: null }), 'bankBranch', 'a string'],
  [req({ bankBranch: long(129) }), 'bankBranch', 'at most 128 characters'],
  [req({ province: 'He&Bei' }), 'province', 'must not contain & or ='],
  [req({ city: 'Bei\tjing' }), 'city', 'control characters'],
  [req({ city: long(65) }), 'city', 'at most 64 characters'],
  [
    req({ notify_url: 'https://attacker.example/cb' }),
    'notify_url',
    'not a field of a payout request',
  ],
  [req({ sign: '695a96dbbca3cbab917ccba7471425ee' }), 'sign', 'not a field of a payout request'],
  [req({ platformId: 'PF0003' }), 'platformId', 'not a field of a payout request'],
  [req({ amount: '50000' }), 'amount', 'not a field of a payout request'],
  [
    JSON.parse('{"__proto__":{"amountCents":1}}') as unknown,
    '__proto__',
    'not a field of a payout request',
  ],
  [{ request: VALID }, 'request', 'not a field of a payout request'],
  [null, '(request)', 'an object'],
  [undefined, '(request)', 'an object'],
  [[VALID], '(request)', 'an object'],
  [JSON.stringify(VALID), '(request)', 'an object'],
  [42, '(request)', 'an object'],
];

describe('startPayout refuses bad input before anything starts', () => {
  it('starts a valid request (the fake records the start these rows must not make)', async () => {
    const { client, calls } = fakeTemporal();
    const payouts = createPayoutClient({ client, platformId: 'PF0002' });
    await expect(payouts.startPayout(VALID)).resolves.toMatchObject({ created: true });
    expect(calls.filter((c) => c === 'workflow.start')).toHaveLength(1);
  });

  it.each(BAD_PAYOUTS.map(([input, field, rule], i) => ({ i, input, field, rule })))(
    'row $i: $field ($rule)',
    async ({ input, field, rule }) => {
      const { client, calls } = fakeTemporal();
      const payouts = createPayoutClient({ client, platformId: 'PF0002' });
      const error: unknown = await payouts.startPayout(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      const { message, type } = error as ValidationError;
      expect(type).toBe('ValidationError');
      expect(namesField(message, field), message).toBe(true);
      expect(message).toContain(rule);
      for (const value of stringsIn(input).filter((s) => !VALID_STRINGS.has(s))) {
        expect(message).not.toContain(value);
      }
      expect(calls.filter((c) => c.startsWith('workflow.'))).toEqual([]);
    },
  );
});

// ---- the callback receiver -------------------------------------------------------------------

const SECRET = TEST_SECRET;
const config = testConfig('https://gateway.example');
const MAX_BODY_BYTES = 4096;

const CALLBACK: Readonly<Record<string, unknown>> = SUCCESS_CALLBACK_FIELDS;

interface Post {
  readonly body: string | Buffer | Readable;
  readonly headers?: Record<string, string>;
}

/** The callback with `changes` (undefined drops a field), before any sign. */
function fields(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...CALLBACK, ...changes };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}
/** Signed with our secret (MD5, the configured mode), as the gateway sends it. */
const signedFields = (changes: Record<string, unknown> = {}) => {
  const f = fields(changes);
  return { ...f, sign: referenceMd5(f, SECRET) };
};
const signed = (changes: Record<string, unknown> = {}): Post => ({
  body: JSON.stringify(signedFields(changes)),
});
/** Signed correctly, then changed: what a forger can do without the secret. */
const tampered = (changes: Record<string, unknown>): Post => ({
  body: JSON.stringify({ ...signedFields(), ...changes }),
});
/** With this `sign` value (or none). */
const withSign = (sign: unknown, changes: Record<string, unknown> = {}): Post => ({
  body: JSON.stringify(sign === undefined ? fields(changes) : { ...fields(changes), sign }),
});
const raw = (body: string | Buffer, contentType?: string): Post => ({
  body,
  headers: contentType === undefined ? {} : { 'content-type': contentType },
});
const json = (value: unknown): Post => ({ body: JSON.stringify(value) });
/** A chunked body (no content-length) of `bytes` bytes. */
const chunked = (bytes: number): Post => ({
  body: Readable.from(
    Array.from({ length: Math.ceil(bytes / 1024) }, () => Buffer.from('x'.repeat(1024))),
  ),
});
const md5SignAsHmac = (): Post => {
  const f = fields({ sign_type: 'HMAC-SHA256' });
  return { body: JSON.stringify({ ...f, sign: referenceMd5(f, SECRET) }) };
};
const otherSecret = (): Post => withSign(referenceMd5(fields(), 'SomeoneElsesSecret'));
/** `status` appended again after signing: JSON.parse keeps the last one. */
const duplicateKey = (): Post => {
  const text = JSON.stringify(signedFields({ status: '5' }));
  return { body: `${text.slice(0, -1)},"status":"3"}` };
};

/** The body as JSON, when it is JSON text. */
function parsedOrNull(body: Post['body']): unknown {
  try {
    return typeof body === 'string' ? (JSON.parse(body.replace(/^\ufeff/, '')) as unknown) : null;
  } catch {
    return null;
  }
}

/** [request, HTTP status, field the error_msg names, fragment of the rule]. */
const BAD_CALLBACKS: readonly (readonly [Post, number, string, string])[] = [
  [withSign(undefined), 400, 'sign', 'missing'],
  [withSign(''), 400, 'sign', 'missing'],
  [withSign(null), 400, 'sign', 'missing'],
  [withSign(12345), 400, 'sign', 'must be a string'],
  [withSign('0'.repeat(32)), 401, 'sign', 'verification failed'],
  [otherSecret(), 401, 'sign', 'verification failed'],
  [withSign(referenceHmac(fields(), SECRET)), 401, 'sign', 'verification failed'],
  [md5SignAsHmac(), 401, 'sign', 'verification failed'],
  [tampered({ status: '5' }), 401, 'sign', 'verification failed'],
  [tampered({ error_msg: 'paid in full' }), 401, 'sign', 'verification failed'],
  [duplicateKey(), 401, 'sign', 'verification failed'],
  [signed({ platform_id: 'PF0003' }), 403, 'platform_id', 'not our merchant id'],
  [signed({ platform_id: 'pf0002' }), 403, 'platform_id', 'not our merchant id'],
  [signed({ platform_id: undefined }), 400, 'platform_id', 'missing'],
  [signed({ platform_id: { id: 'PF0002' } }), 400, 'platform_id', 'required, a string'],
  [signed({ status: 'x' }), 400, 'status', 'a non-negative integer'],
  [signed({ status: '-1' }), 400, 'status', 'a non-negative integer'],
  [signed({ status: 3.5 }), 400, 'status', 'a non-negative integer'],
  [signed({ status: true }), 400, 'status', 'a non-negative integer'],
  [signed({ status: '' }), 400, 'status', 'missing'],
  [signed({ amount: 'abc' }), 400, 'amount', 'a non-negative integer'],
  [signed({ amount: '1e3' }), 400, 'amount', 'a non-negative integer'],
  [signed({ amount: '-100' }), 400, 'amount', 'a non-negative integer'],
  [signed({ amount: '12345678901234567' }), 400, 'amount', 'a non-negative integer'],
  [signed({ payout_cl_id: 'ORDER:1' }), 400, 'payout_cl_id', 'only letters, digits, _ and -'],
  [signed({ payout_cl_id: 'PF0002:ORDER-1' }), 400, 'payout_cl_id', 'only letters, digits'],
  [signed({ payout_cl_id: long(33) }), 400, 'payout_cl_id', 'at most 32 characters'],
  [signed({ payout_cl_id: { id: 'ORDER-1' } }), 400, 'payout_cl_id', 'required, a string'],
  [signed({ payout_cl_id: ['ORDER-1'] }), 400, 'payout_cl_id', 'required, a string'],
  [signed({ payout_cl_id: undefined }), 400, 'payout_cl_id', 'missing'],
  [signed({ payout_id: 'POT\u00001' }), 400, 'payout_id', 'a non-empty id'],
  [signed({ payout_id: ' POT1' }), 400, 'payout_id', 'a non-empty id'],
  [signed({ payout_id: long(65) }), 400, 'payout_id', 'at most 64 characters'],
  [raw('status=3&sign=abc', 'application/json'), 400, 'body', 'not valid JSON'],
  [raw('', 'application/json'), 400, 'body', 'not valid JSON'],
  [raw(`\ufeff${JSON.stringify(signedFields())}`, 'application/json'), 400, 'body', 'JSON'],
  [json([signedFields()]), 400, 'body', 'not a JSON object'],
  [json('status=3'), 400, 'body', 'not a JSON object'],
  [json(JSON.stringify(signedFields())), 400, 'body', 'not a JSON object'],
  [json(null), 400, 'body', 'not a JSON object'],
  [raw(JSON.stringify(signedFields()), 'text/plain'), 415, 'content-type', 'JSON'],
  [raw(JSON.stringify(signedFields())), 415, 'content-type', 'JSON'],
  [raw('status=3&sign=abc', 'application/x-www-form-urlencoded'), 415, 'content-type', 'JSON'],
  [raw(JSON.stringify(signedFields()), 'application/jsonp'), 415, 'content-type', 'JSON'],
  [signed({ memo: long(MAX_BODY_BYTES) }), 413, 'body', 'too large'],
  [chunked(MAX_BODY_BYTES * 4), 413, 'body', 'too large'],
];

describe('the callback receiver refuses bad callbacks and delivers nothing', () => {
  let receiver: CallbackReceiver;
  const delivered: PayoutNotification[] = [];

  beforeAll(async () => {
    receiver = await startCallbackReceiver(
      {
        verify: (body) => verifyCallback(body, config),
        deliver: (n) => {
          delivered.push(n);
          return Promise.resolve('delivered');
        },
        log: createMemoryLogger(),
      },
      { host: '127.0.0.1', port: 0, path: '/callbacks/payout', maxBodyBytes: MAX_BODY_BYTES },
    );
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    delivered.length = 0;
  });

  async function post({ body, headers }: Post) {
    const res = await request(`${receiver.url}/callbacks/payout`, {
      method: 'POST',
      body,
      headers: headers ?? { 'content-type': 'application/json;charset=utf-8' },
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  }

  it('delivers a valid callback (the fake records the delivery these rows must not make)', async () => {
    expect(await post(signed())).toEqual({ status: 200, body: { error_code: '0000' } });
    expect(delivered).toHaveLength(1);
  });

  it.each(
    BAD_CALLBACKS.map(([post, status, field, rule], i) => ({ i, post, status, field, rule })),
  )('row $i: $status $field ($rule)', async ({ post: sent, status, field, rule }) => {
    const reply = await post(sent);
    expect(reply.status).toBe(status);
    expect(reply.body['error_code']).not.toBe('0000');
    const message = String(reply.body['error_msg']);
    expect(namesField(message, field), message).toBe(true);
    expect(message).toContain(rule);
    for (const text of stringsIn(parsedOrNull(sent.body))) expect(message).not.toContain(text);
    expect(delivered).toEqual([]);
  });
});

// ---- operator decisions ---------------------------------------------------------------------

const NOW = Date.parse('2025-01-01T00:00:00Z');
const wait = (changes: Record<string, unknown>) => ({
  action: 'keep-waiting',
  operatorId: 'alice',
  reason: 'bank holiday',
  ...changes,
});
const resubmit = (changes: Record<string, unknown>) => ({
  action: 'resubmit',
  operatorId: 'alice',
  reason: 'gateway support: no order',
  ...changes,
});
const confirm = (changes: Record<string, unknown>) => ({
  action: 'confirm-failed',
  operatorId: 'alice',
  reason: 'bank statement',
  ...changes,
});
const drop = (decision: Record<string, unknown>, field: string) => {
  const { [field]: _dropped, ...rest } = decision;
  return rest;
};

/** [input, field the message names, fragment of the rule]. */
const BAD_DECISIONS: readonly (readonly [unknown, string, string])[] = [
  [null, '(decision)', 'an object with action, operatorId and reason'],
  [[resubmit({})], '(decision)', 'an object'],
  [JSON.stringify(resubmit({})), '(decision)', 'an object'],
  [7, '(decision)', 'an object'],
  [drop(resubmit({}), 'action'), 'action', 'one of confirm-succeeded'],
  [resubmit({ action: 'approve' }), 'action', 'one of confirm-succeeded'],
  [resubmit({ action: 'Resubmit' }), 'action', 'one of confirm-succeeded'],
  [resubmit({ action: ['resubmit'] }), 'action', 'one of confirm-succeeded'],
  [drop(resubmit({}), 'operatorId'), 'operatorId', 'required, a string'],
  [resubmit({ operatorId: '' }), 'operatorId', 'must not be empty'],
  [resubmit({ operatorId: '   ' }), 'operatorId', 'must not be empty'],
  [resubmit({ operatorId: long(201) }), 'operatorId', 'at most 200 characters'],
  [resubmit({ operatorId: 'ali\nce' }), 'operatorId', 'no control characters'],
  [resubmit({ operatorId: 42 }), 'operatorId', 'required, a string'],
  [resubmit({ operatorId: { name: 'alice' } }), 'operatorId', 'required, a string'],
  [drop(resubmit({}), 'reason'), 'reason', 'required, a string'],
  [resubmit({ reason: '' }), 'reason', 'must not be empty'],
  [resubmit({ reason: long(2001) }), 'reason', 'at most 2000 characters'],
  [resubmit({ reason: ['no order'] }), 'reason', 'required, a string'],
  [resubmit({ reason: 'no\u0000order' }), 'reason', 'no control characters'],
  [resubmit({ reason: 'no \u001b[2Jorder' }), 'reason', 'no control characters'],
  [confirm({ override: '' }), 'override', 'must not be empty'],
  [confirm({ override: 42 }), 'override', 'required, a string'],
  [confirm({ override: long(2001) }), 'override', 'at most 2000 characters'],
  [confirm({ override: 'statement\u0007' }), 'override', 'no control characters'],
  [resubmit({ override: 'gateway is wrong' }), 'override', 'not a field of resubmit'],
  [confirm({ until: '2025-01-02T00:00:00Z' }), 'until', 'not a field of confirm-failed'],
  [resubmit({ amountCents: 1 }), 'amountCents', 'not a field of resubmit'],
  [wait({}), 'until', 'exactly one of until or for'],
  [wait({ until: '2025-01-02T00:00:00Z', for: '6h' }), 'until', 'exactly one of until or for'],
  [wait({ until: 'tomorrow' }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ until: '2025-03-04T05:06:07' }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ until: 1_735_787_045_000 }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ until: '2025-13-01T00:00:00Z' }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ until: '2025-02-30T00:00:00Z' }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ until: '2025-04-31T12:00:00+08:00' }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ until: '2025-02-29T00:00:00Z' }), 'until', 'an ISO 8601 timestamp with offset'],
  [wait({ for: 0 }), 'for', 'a duration from 1 ms to 30 days'],
  [wait({ for: '31d' }), 'for', 'a duration from 1 ms to 30 days'],
  [wait({ for: '-5m' }), 'for', 'a duration from 1 ms to 30 days'],
  [wait({ for: 'soon' }), 'for', 'a duration from 1 ms to 30 days'],
  [wait({ for: { hours: 6 } }), 'for', 'a duration from 1 ms to 30 days'],
  [wait({ for: 'P' }), 'for', 'a duration from 1 ms to 30 days'],
];

describe('operator decisions: malformed ones are refused as invalid-input', () => {
  it('accepts the well-formed ones these rows break', () => {
    expect(parseOperatorDecision(resubmit({}), NOW).ok).toBe(true);
    expect(parseOperatorDecision(confirm({ override: 'statement' }), NOW).ok).toBe(true);
    expect(parseOperatorDecision(wait({ until: '2024-02-29T00:00:00Z' }), NOW).ok).toBe(true);
    expect(parseOperatorDecision(wait({ for: '6h' }), NOW).ok).toBe(true);
    expect(parseOperatorDecision(resubmit({ reason: 'line one\nline two\tend' }), NOW).ok).toBe(
      true,
    );
  });

  it.each(BAD_DECISIONS.map(([input, field, rule], i) => ({ i, input, field, rule })))(
    'row $i: $field ($rule)',
    ({ input, field, rule }) => {
      const parsed = parseOperatorDecision(input, NOW);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.rule).toBe('invalid-input');
      expect(parsed.message.startsWith('invalid-input: ')).toBe(true);
      expect(namesField(parsed.message, field), parsed.message).toBe(true);
      expect(parsed.message).toContain(rule);
      const known = new Set(['alice', 'keep-waiting', 'resubmit', 'confirm-failed']);
      for (const value of stringsIn(input).filter((s) => !known.has(s))) {
        expect(parsed.message).not.toContain(value);
      }
    },
  );
});

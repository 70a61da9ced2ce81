/**
 * Bad input stops at the door: the client library's `startPayout` refuses it with a
 * ValidationError and starts nothing. Every refusal names the field and the rule, and never
 * echoes the value it refused.
 */
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createPayoutClient, ValidationError } from '../../src/client/index.js';

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
  [req({ notify_url: 'https://attacker.example/cb' }), 'notify_url', 'Unrecognized key'],
  [req({ sign: '695a96dbbca3cbab917ccba7471425ee' }), 'sign', 'Unrecognized key'],
  [req({ platformId: 'PF0003' }), 'platformId', 'Unrecognized key'],
  [req({ amount: '50000' }), 'amount', 'Unrecognized key'],
  [JSON.parse('{"__proto__":{"amountCents":1}}') as unknown, '__proto__', 'Unrecognized key'],
  [{ request: VALID }, 'request', 'Unrecognized key'],
  [null, '(root)', 'expected object'],
  [undefined, '(root)', 'expected object'],
  [[VALID], '(root)', 'expected object'],
  [JSON.stringify(VALID), '(root)', 'expected object'],
  [42, '(root)', 'expected object'],
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

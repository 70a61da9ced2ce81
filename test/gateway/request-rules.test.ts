/**
 * The payout request schema (shared by the client library and the workflow) refuses at the door
 * what the gateway client could not sign and send.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { buildCreateRequest } from '../../src/gateway/create-request.js';
import { parsePayoutRequest, type PayoutRequest } from '../../src/client/request.js';
import { TEST_REQUEST, testConfig } from './helpers/config.js';

const REQUEST = TEST_REQUEST;

const TEXT_FIELDS = ['recipientName', 'bankName', 'bankBranch', 'province', 'city'] as const;

/** The issues a refused request names. */
function issuesOf(input: unknown): { field: string; rule: string }[] {
  try {
    parsePayoutRequest(input);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('payout request: text the gateway cannot sign is refused at the schema', () => {
  const cases: [string, string, RegExp][] = [
    ['an ampersand', '李&雷', /& or =/],
    ['an equals sign', 'a=b', /& or =/],
    ['a NUL', 'a\u0000b', /control characters/],
    ['a line break inside', 'a\nb', /control characters/],
    ['a tab inside', 'a\tb', /control characters/],
    ['DEL', 'a\u007fb', /control characters/],
    ['a C1 control (NEL)', 'a\u0085b', /control characters/],
    ['a C1 control (U+009F)', 'a\u009fb', /control characters/],
    ['a lone surrogate', 'a\ud800b', /Unicode/],
  ];
  for (const field of TEXT_FIELDS) {
    it.each(cases)(`${field}: %s`, (_label, value, rule) => {
      const issues = issuesOf({ ...REQUEST, [field]: value });
      expect(issues).toEqual([{ field, rule: expect.stringMatching(rule) as string }]);
    });
  }

  it('still takes Chinese names, spaces, punctuation and surrounding whitespace (trimmed)', () => {
    const parsed = parsePayoutRequest({
      ...REQUEST,
      recipientName: ' 欧阳 娜娜 ',
      bankName: '中国工商银行（北京分行）',
      bankBranch: "St. Mary's, No. 5 / 东城区",
      province: '北京市',
      city: '北京\n',
    });
    expect(parsed).toMatchObject({ recipientName: '欧阳 娜娜', city: '北京' });
    expect(() =>
      buildCreateRequest(parsed, testConfig('https://gw.example'), Date.now),
    ).not.toThrow();
  });

  it('every request the schema accepts can be signed and sent', () => {
    // Mostly ordinary text, salted with every character class the signing rule cares about.
    const salt = fc.constantFrom(
      '&',
      '=',
      '\u0000',
      '\t',
      '\n',
      '\u007f',
      '\u0085',
      '\ud800',
      '\udc00',
      ' ',
    );
    const text = fc
      .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), salt), {
        maxLength: 6,
      })
      .map((parts) => parts.join(''));
    const config = testConfig('https://gw.example');
    fc.assert(
      fc.property(fc.record({ recipientName: text, bankName: text, city: text }), (values) => {
        let parsed: PayoutRequest;
        try {
          parsed = parsePayoutRequest({ ...REQUEST, ...values });
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        expect(() => buildCreateRequest(parsed, config, Date.now)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

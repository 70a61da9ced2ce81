import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listQuery, quote, reasonCountQuery, statusCountQuery } from '../../src/cli/query.js';

const NOW = new Date('2026-12-02T12:00:00.000Z');

describe('visibility queries', () => {
  it('lists the merchant payouts, filters joined with AND', () => {
    // The latest run only: one continued as new keeps its last PayoutStatus.
    expect(listQuery('PF0002', { limit: 50 }, NOW)).toBe(
      'PlatformId = "PF0002" AND PayoutStatus IS NOT NULL AND ExecutionStatus != "ContinuedAsNew"',
    );
    expect(
      listQuery(
        'PF0002',
        {
          status: 'NEEDS_REVIEW',
          reason: 'max-pending-exceeded',
          olderThanMs: 3_600_000,
          limit: 5,
        },
        NOW,
      ),
    ).toBe(
      'PlatformId = "PF0002" AND PayoutStatus IS NOT NULL AND ExecutionStatus != "ContinuedAsNew"' +
        ' AND PayoutStatus = "NEEDS_REVIEW"' +
        ' AND PayoutEscalation = "max-pending-exceeded" AND StartTime < "2026-12-02T11:00:00.000Z"',
    );
  });

  it('counts one status, or one reason among NEEDS_REVIEW, of payouts (not their disputes)', () => {
    const payouts =
      'PlatformId = "P1" AND PayoutStatus IS NOT NULL AND ExecutionStatus != "ContinuedAsNew" AND WorkflowType = "payoutWorkflow"';
    expect(statusCountQuery('P1', 'FAILED')).toBe(`${payouts} AND PayoutStatus = "FAILED"`);
    expect(reasonCountQuery('P1', 'abandoned')).toBe(
      `${payouts} AND PayoutStatus = "NEEDS_REVIEW" AND PayoutEscalation = "abandoned"`,
    );
  });

  it('quotes values so that none can end its literal', () => {
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('a\\" OR 1=1')).toBe('"a\\\\\\" OR 1=1"');
    expect(() => quote('a\nb')).toThrow(RangeError);
    expect(() => quote('x'.repeat(257))).toThrow(RangeError);
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (value) => {
        fc.pre(![...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f'));
        const literal = quote(value);
        // Inside the quotes, every " is escaped by an odd run of backslashes: the literal ends last.
        const inner = literal.slice(1, -1);
        expect(inner.replace(/\\\\/g, '').replace(/\\"/g, '')).not.toContain('"');
        expect(JSON.parse(literal)).toBe(value);
      }),
    );
  });
});

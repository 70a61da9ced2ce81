import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError, yuanToCents } from '../../src/cli/amount.js';

describe('yuanToCents', () => {
  it('converts yuan to whole cents exactly', () => {
    expect(yuanToCents('500.00')).toBe(50_000);
    expect(yuanToCents('0.1')).toBe(10);
    expect(yuanToCents('19.99')).toBe(1_999);
    expect(yuanToCents('7')).toBe(700);
  });

  it('refuses anything that is not yuan with at most two decimals', () => {
    for (const bad of ['', '-1', '1.234', '1,00', '1e3', 'abc', '.5']) {
      expect(() => yuanToCents(bad), bad).toThrow(UsageError);
    }
  });

  it('round-trips every cent amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        expect(yuanToCents(text)).toBe(cents);
      }),
    );
  });
});

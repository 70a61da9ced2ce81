import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { centsToYuan } from '../../src/cli/amount.js';
import { formatList, type ListRow } from '../../src/cli/list.js';
import { endQuietlyOnClosedPipe, formatAge, table } from '../../src/cli/output.js';
import { formatStats } from '../../src/cli/stats.js';

const row = (over: Partial<ListRow> = {}): ListRow => ({
  merchantOrderId: 'DEMO-LOST-1',
  kind: 'payout',
  amountCents: 10_800,
  status: 'NEEDS_REVIEW',
  reason: 'not-found-after-unknown-submit',
  startedAt: '2026-12-02T10:00:00.000Z',
  ageSeconds: 3_900,
  workflowId: 'payout:PF0002:DEMO-LOST-1',
  ...over,
});

describe('output for people', () => {
  it('shows amounts in yuan, exactly', () => {
    expect(centsToYuan(10_800)).toBe('108.00 CNY');
    expect(centsToYuan(5)).toBe('0.05 CNY');
    expect(centsToYuan(999_999_999_99)).toBe('999999999.99 CNY');
  });

  it('shows ages at a glance', () => {
    expect(formatAge(45_000)).toBe('45s');
    expect(formatAge(12 * 60_000 + 5_000)).toBe('12m');
    expect(formatAge(3_900_000)).toBe('1h05m');
    expect(formatAge(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d04h');
    expect(formatAge(-5)).toBe('0s');
  });

  it('aligns columns, numbers right, and keeps a row on one line', () => {
    expect(
      table(
        [{ heading: 'A' }, { heading: 'N', right: true }],
        [
          ['x\ny', '5'],
          ['long', '100'],
        ],
      ),
    ).toBe('A       N\nx y     5\nlong  100');
  });

  it('lists order, amount, status, reason and age', () => {
    const text = formatList([
      row(),
      row({
        merchantOrderId: 'D-2',
        kind: 'dispute',
        amountCents: null,
        reason: 'abandoned',
        status: 'NEEDS_REVIEW',
        ageSeconds: 30,
      }),
    ]);
    const [head, first, second] = text.split('\n');
    expect(head).toMatch(/^ORDER\s+AMOUNT\s+STATUS\s+REASON\s+AGE$/);
    expect(first).toMatch(
      /^DEMO-LOST-1\s+108\.00 CNY\s+NEEDS_REVIEW\s+not-found-after-unknown-submit\s+1h05m$/,
    );
    expect(second).toMatch(/^D-2 \(dispute\)\s+-\s+NEEDS_REVIEW\s+abandoned\s+30s$/);
    expect(formatList([])).toBe('no payouts match');
  });

  it('counts by status and by reason', () => {
    const text = formatStats({
      total: 3,
      byStatus: { CONFIRMING: 1, NEEDS_REVIEW: 2 },
      byReason: { 'conflict-mismatch': 2 },
    });
    expect(text).toMatch(/^STATUS\s+COUNT\nCONFIRMING\s+1\nNEEDS_REVIEW\s+2\ntotal\s+3\n\n/);
    expect(text).toMatch(/NEEDS_REVIEW BY REASON\s+COUNT\nconflict-mismatch\s+2$/);
    expect(formatStats({ total: 0, byStatus: {}, byReason: {} })).toContain(
      'nothing waits for a person',
    );
  });
});

describe('a closed pipe', () => {
  it('ends with 0 on EPIPE, 1 on another write error', () => {
    const stream = new EventEmitter() as unknown as NodeJS.WriteStream;
    const codes: number[] = [];
    endQuietlyOnClosedPipe(stream, (code) => codes.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(codes).toEqual([0]);
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    try {
      stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    } finally {
      stderr.mockRestore();
    }
    expect(codes).toEqual([0, 1]);
  });
});

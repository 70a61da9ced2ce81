import type { WorkflowExecutionInfo } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toRow } from '../../src/cli/list.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PayoutEscalationKey,
  PayoutStatusKey,
} from '../../workflows/api.js';

const NOW = new Date('2026-12-02T12:00:00.000Z');

const info = (over: Partial<WorkflowExecutionInfo>): WorkflowExecutionInfo =>
  ({
    workflowId: 'payout:PF0002:O-1',
    type: 'payoutWorkflow',
    startTime: new Date('2026-12-02T10:55:00.000Z'),
    typedSearchAttributes: new TypedSearchAttributes([]),
    ...over,
  }) as WorkflowExecutionInfo;

describe('a visibility record as a list row', () => {
  it('reads order, amount, status, reason and age from the search attributes', () => {
    const row = toRow(
      info({
        typedSearchAttributes: new TypedSearchAttributes([
          { key: MerchantOrderIdKey, value: 'O-1' },
          { key: AmountCentsKey, value: 10_800 },
          { key: PayoutStatusKey, value: 'NEEDS_REVIEW' },
          { key: PayoutEscalationKey, value: 'max-pending-exceeded' },
        ]),
      }),
      NOW,
    );
    expect(row).toEqual({
      merchantOrderId: 'O-1',
      kind: 'payout',
      amountCents: 10_800,
      status: 'NEEDS_REVIEW',
      reason: 'max-pending-exceeded',
      startedAt: '2026-12-02T10:55:00.000Z',
      ageSeconds: 3_900,
      workflowId: 'payout:PF0002:O-1',
    });
  });

  it('tells a dispute, and falls back to the workflow id when attributes are missing', () => {
    const row = toRow(
      info({ workflowId: 'payout-dispute:PF0002:O-2', type: 'payoutDisputeWorkflow' }),
      NOW,
    );
    expect(row).toMatchObject({
      merchantOrderId: 'payout-dispute:PF0002:O-2',
      kind: 'dispute',
      amountCents: null,
      status: '?',
      reason: null,
    });
  });
});

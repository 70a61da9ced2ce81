import { describe, expect, it } from 'vitest';
import { compareOrder, missingAtGateway } from '../../src/reconcile/compare.js';
import {
  statusCodeOf,
  type GatewayOrder,
  type GatewayPayoutState,
} from '../../vocabulary/gateway.js';
import type { PayoutSide } from '../../workflows/reconciliation-api.js';

const PLATFORM = 'PF0002';

function order(state: GatewayPayoutState, overrides: Partial<GatewayOrder> = {}): GatewayOrder {
  return {
    payoutId: 'POT1',
    payoutClId: 'ORDER-1',
    platformId: PLATFORM,
    state,
    statusCode: state === 'unknown-status' ? 9 : statusCodeOf(state),
    amountCents: 10_800,
    createTime: 1_700_000_000,
    ...overrides,
  };
}

function running(payoutStatus: string, amountCents = 10_800): PayoutSide {
  return {
    workflowId: 'payout:PF0002:ORDER-1',
    workflowStatus: 'RUNNING',
    payoutStatus,
    amountCents,
    result: null,
  };
}

function completed(
  status: 'SUCCEEDED' | 'FAILED' | 'REJECTED',
  overrides: Partial<NonNullable<PayoutSide['result']>> = {},
): PayoutSide {
  return {
    workflowId: 'payout:PF0002:ORDER-1',
    workflowStatus: 'COMPLETED',
    payoutStatus: status,
    amountCents: 10_800,
    result: {
      status,
      payoutId: status === 'REJECTED' ? null : 'POT1',
      amountCents: 10_800,
      gatewayState: status === 'SUCCEEDED' ? 'success' : status === 'FAILED' ? 'failed' : null,
      resolvedAt: '2026-12-01T00:00:00.000Z',
      ...overrides,
    },
  };
}

describe('compareOrder', () => {
  it('an order no payout workflow knows opens an "unknown-order" dispute', () => {
    const d = compareOrder(order('success'), undefined, PLATFORM);
    expect(d).toMatchObject({ kind: 'unknown-order', action: 'dispute', payout: null });
    expect(d?.detail).toContain('no payout workflow has this id');
    expect(d?.gateway).toMatchObject({ payoutId: 'POT1', state: 'success', amountCents: 10_800 });
  });

  it("another merchant's order in our listing is reported, not disputed", () => {
    expect(
      compareOrder(order('success', { platformId: 'PF9' }), undefined, PLATFORM),
    ).toMatchObject({ kind: 'foreign-order', action: 'report' });
  });

  it.each([
    ['CONFIRMING', 'success'],
    ['CONFIRMING', 'failed'],
    ['NEEDS_REVIEW', 'cancelled'],
    ['SUBMITTING', 'success'],
  ] as const)('a running %s payout behind a %s order is asked to check now', (status, state) => {
    expect(compareOrder(order(state), running(status), PLATFORM)).toMatchObject({
      kind: 'open-behind-gateway',
      action: 'check-now',
    });
  });

  it.each(['scheduled', 'pending', 'processing', 'under-review', 'unknown-status'] as const)(
    'a running payout and a %s order agree: nothing to do',
    (state) => {
      expect(compareOrder(order(state), running('CONFIRMING'), PLATFORM)).toBeNull();
    },
  );

  it('a running payout whose order is at another amount is asked to check (its rules escalate)', () => {
    expect(
      compareOrder(order('processing'), running('CONFIRMING', 10_000), PLATFORM),
    ).toMatchObject({ kind: 'amount-differs', action: 'check-now' });
  });

  it.each(['TERMINATED', 'TIMED_OUT', 'FAILED', 'CANCELLED'])(
    'a workflow that ended %s without a result, with an order at the gateway, is "abandoned"',
    (workflowStatus) => {
      const payout: PayoutSide = { ...running('CONFIRMING'), workflowStatus };
      const d = compareOrder(order('success'), payout, PLATFORM);
      expect(d).toMatchObject({ kind: 'abandoned', action: 'dispute' });
      expect(d?.detail).toContain(workflowStatus);
    },
  );

  it.each([
    ['SUCCEEDED', 'success'],
    ['FAILED', 'failed'],
    ['FAILED', 'cancelled'],
  ] as const)('a %s payout and a %s order agree', (status, state) => {
    expect(compareOrder(order(state), completed(status), PLATFORM)).toBeNull();
  });

  it.each([
    ['SUCCEEDED', 'failed'],
    ['SUCCEEDED', 'cancelled'],
    ['FAILED', 'success'],
    ['REJECTED', 'success'],
    ['REJECTED', 'processing'],
  ] as const)('a %s payout and a %s order contradict: dispute', (status, state) => {
    expect(compareOrder(order(state), completed(status), PLATFORM)).toMatchObject({
      kind: 'final-contradicted',
      action: 'dispute',
    });
  });

  it('a final payout with another payout_id or amount at the gateway is contradicted', () => {
    expect(
      compareOrder(order('success', { payoutId: 'POT2' }), completed('SUCCEEDED'), PLATFORM),
    ).toMatchObject({ kind: 'final-contradicted' });
    expect(
      compareOrder(order('success', { amountCents: 1 }), completed('SUCCEEDED'), PLATFORM),
    ).toMatchObject({ kind: 'final-contradicted' });
  });

  it.each([
    ['FAILED', 'processing'],
    ['SUCCEEDED', 'pending'],
  ] as const)('a %s payout whose order is still %s may yet change: dispute', (status, state) => {
    const d = compareOrder(order(state), completed(status), PLATFORM);
    expect(d).toMatchObject({ kind: 'final-gateway-pending', action: 'dispute' });
    expect(d?.detail).toContain('may still change');
  });
});

describe('missingAtGateway', () => {
  it('names the payout and that the gateway has no order', () => {
    const d = missingAtGateway('ORDER-1', completed('SUCCEEDED'));
    expect(d).toMatchObject({
      merchantOrderId: 'ORDER-1',
      kind: 'missing-at-gateway',
      action: 'dispute',
      gateway: null,
    });
    expect(d.detail).toBe('the payout is SUCCEEDED, but the gateway finds no order under this id');
  });
});

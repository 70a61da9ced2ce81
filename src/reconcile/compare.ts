import { finalOutcome, type GatewayOrder } from '../../vocabulary/gateway.js';
import { contradiction, yuan } from '../../workflows/answers.js';
import type { Difference, GatewaySide, PayoutSide } from '../../workflows/reconciliation-api.js';

/**
 * The reconciliation's rules, as pure functions: one gateway order against what Temporal holds
 * of its payout. Every case a person must look at opens a dispute; a running payout that is only
 * behind is asked to check now, since its own rules then apply.
 */

const FINAL_PAYOUT_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'REJECTED']);

/** The gateway's side, as a report shows it. */
export function gatewaySide(order: GatewayOrder): GatewaySide {
  return {
    payoutId: order.payoutId,
    platformId: order.platformId,
    state: order.state,
    statusCode: order.statusCode,
    amountCents: order.amountCents,
    createTime: order.createTime ?? null,
  };
}

function says(order: GatewayOrder): string {
  return `the gateway reports ${order.state} (status ${order.statusCode}) for payout_id ${order.payoutId} at ${yuan(order.amountCents)}`;
}

/**
 * Compares one verified gateway order with its payout (`undefined`: no payout workflow has this
 * order's id). Null when they agree, or when the difference is one the payout resolves itself.
 */
export function compareOrder(
  order: GatewayOrder,
  payout: PayoutSide | undefined,
  platformId: string,
): Difference | null {
  const base = { merchantOrderId: order.payoutClId, gateway: gatewaySide(order) };
  if (order.platformId !== platformId) {
    return {
      ...base,
      kind: 'foreign-order',
      action: 'report',
      payout: payout ?? null,
      detail: `the listing for ${platformId} holds an order of merchant ${order.platformId}`,
    };
  }
  if (payout === undefined) {
    return {
      ...base,
      kind: 'unknown-order',
      action: 'dispute',
      payout: null,
      detail: `${says(order)}, but no payout workflow has this id: it was created outside the orchestrator, or its workflow was deleted`,
    };
  }
  const withPayout = { ...base, payout };
  if (payout.workflowStatus === 'RUNNING') {
    if (payout.amountCents !== null && payout.amountCents !== order.amountCents) {
      return {
        ...withPayout,
        kind: 'amount-differs',
        action: 'check-now',
        detail: `the payout is for ${yuan(payout.amountCents)}, but ${says(order)}`,
      };
    }
    const final = finalOutcome(order.state);
    if (final !== null && !FINAL_PAYOUT_STATUSES.has(payout.payoutStatus ?? '')) {
      return {
        ...withPayout,
        kind: 'open-behind-gateway',
        action: 'check-now',
        detail: `the payout is ${payout.payoutStatus ?? 'without a status'}, but ${says(order)}`,
      };
    }
    return null;
  }
  if (payout.result === null) {
    return {
      ...withPayout,
      kind: 'abandoned',
      action: 'dispute',
      detail: `the payout's workflow ended ${payout.workflowStatus} without a result (last status ${payout.payoutStatus ?? 'none'}), but ${says(order)}`,
    };
  }
  const contradicts = contradiction(payout.result, order);
  if (contradicts !== null) {
    return { ...withPayout, kind: 'final-contradicted', action: 'dispute', detail: contradicts };
  }
  if (finalOutcome(order.state) === null) {
    return {
      ...withPayout,
      kind: 'final-gateway-pending',
      action: 'dispute',
      detail: `the payout is ${payout.result.status}, but ${says(order)}: it may still change`,
    };
  }
  return null;
}

/**
 * A SUCCEEDED payout whose order the gateway does not find, asked by its own id (so a late
 * create outside the window is not mistaken for a missing one).
 */
export function missingAtGateway(merchantOrderId: string, payout: PayoutSide): Difference {
  return {
    merchantOrderId,
    kind: 'missing-at-gateway',
    action: 'dispute',
    gateway: null,
    payout,
    detail: `the payout is ${payout.result?.status ?? payout.payoutStatus ?? 'final'}, but the gateway finds no order under this id`,
  };
}

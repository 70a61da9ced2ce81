import type { GatewayPayoutState } from '../vocabulary/gateway.js';
import type { DisputeReason } from './dispute.js';

/**
 * The reconciliation's public face: its input, its report, and the differences it finds. The
 * gateway, not our state, is the truth about money: reconciliation reads the gateway's own list
 * of orders and holds every payout workflow up against it.
 */

/** The workflow type name. */
export const PAYOUT_RECONCILIATION_WORKFLOW_TYPE = 'payoutReconciliationWorkflow';

/** The schedule that runs it: `payout-reconciliation:<platformId>`. */
export function reconciliationScheduleId(platformId: string): string {
  return `payout-reconciliation:${platformId}`;
}

/** Input of a reconciliation run. Every field but `platformId` has a default. */
export interface ReconciliationInput {
  /** The merchant whose orders are listed; must be the worker's own. */
  readonly platformId: string;
  /**
   * The gateway orders to compare, by their `create_time`, ISO 8601. Default: the `spanMs`
   * ending `settleMs` before the run starts.
   */
  readonly window?: { readonly from: string; readonly to: string };
  /** Length of the default window (default 2 h: twice the default schedule, so runs overlap). */
  readonly spanMs?: number;
  /** How far before the run the default window ends (default 10 min: lets new payouts settle). */
  readonly settleMs?: number;
  /** A running payout started longer ago than this is checked against the gateway (default 2 h). */
  readonly staleAfterMs?: number;
}

/**
 * What differs between the gateway and our payouts. Those that are also a {@link DisputeReason}
 * open a dispute; the others ask the running payout to check now, or are only reported.
 */
export type DifferenceKind =
  | DisputeReason
  /** A running payout is not final, the gateway's order is: the payout is asked to check now. */
  | 'open-behind-gateway'
  /** A running payout's order is at the gateway at another amount: asked to check now. */
  | 'amount-differs'
  /** The listing holds an order of another merchant: reported only. */
  | 'foreign-order';

/** What was done about a difference. */
export type DifferenceAction = 'dispute' | 'check-now' | 'report';

/** The gateway's side of a difference. */
export interface GatewaySide {
  readonly payoutId: string;
  readonly platformId: string;
  readonly state: GatewayPayoutState;
  readonly statusCode: number;
  readonly amountCents: number;
  /** Unix seconds, as the gateway sent it. */
  readonly createTime: number | null;
}

/** Our side of a difference: what Temporal holds of the payout. */
export interface PayoutSide {
  readonly workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, TERMINATED, ... */
  readonly workflowStatus: string;
  /** The `PayoutStatus` search attribute, if set. */
  readonly payoutStatus: string | null;
  readonly amountCents: number | null;
  /** A completed payout's result. */
  readonly result: {
    readonly status: 'SUCCEEDED' | 'FAILED' | 'REJECTED';
    readonly payoutId: string | null;
    readonly amountCents: number;
    readonly gatewayState: GatewayPayoutState | null;
    readonly resolvedAt: string;
  } | null;
}

/** One difference: both sides, in words, and what it calls for. */
export interface Difference {
  readonly merchantOrderId: string;
  readonly kind: DifferenceKind;
  readonly action: DifferenceAction;
  readonly gateway: GatewaySide | null;
  readonly payout: PayoutSide | null;
  readonly detail: string;
}

/** What came of acting on one difference. */
export interface ActionOutcome {
  readonly merchantOrderId: string;
  readonly kind: DifferenceKind;
  readonly action: DifferenceAction;
  /** `done`, or why it could not be done (the next run tries again). */
  readonly outcome: 'done' | 'refused' | 'failed';
  /** e.g. the payout's status after its check, or the error. */
  readonly detail: string;
}

/** The report: the workflow's result, read in the Web UI. */
export interface ReconciliationReport {
  readonly platformId: string;
  readonly window: { readonly from: string; readonly to: string };
  /** Orders the gateway listed in the window. */
  readonly gatewayOrders: number;
  /** Payout workflows looked at: those of the listed orders, and SUCCEEDED ones started in the window. */
  readonly payoutsCompared: number;
  /** Running payouts started before this, ISO 8601, were checked against the gateway. */
  readonly staleBefore: string;
  readonly stalePayoutsChecked: number;
  /** Differences by kind (all of them, also those left out of `differences`). */
  readonly counts: Readonly<Partial<Record<DifferenceKind, number>>>;
  /** Each difference and what was done about it (at most {@link MAX_REPORTED}). */
  readonly differences: readonly (Difference & { readonly outcome: ActionOutcome['outcome'] })[];
  readonly moreDifferences: number;
  /** One line for the list and the logs. */
  readonly summary: string;
}

/** The most differences a report lists one by one; the counts cover all. */
export const MAX_REPORTED = 200;

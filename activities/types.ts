import type { PayoutRequest } from '../src/client/request.js';
import type { ActionOutcome, Difference } from '../workflows/reconciliation-api.js';
import type { QueryOutcome, SubmitOutcome } from '../vocabulary/gateway.js';

/** Input of {@link PayoutActivities.submitPayout}. */
export interface SubmitPayoutInput {
  readonly request: PayoutRequest;
  /** The merchant the workflow is for: must be the worker's gateway merchant. */
  readonly platformId: string;
  /** Who caused this submit: the workflow's first one, or an operator's resubmit decision. */
  readonly origin: 'initial' | 'operator-resubmit';
  /**
   * When set, an accepted create is followed, this many ms later, by the first status check
   * inside the same attempt (`INLINE_FIRST_CHECK_MAX_MS` in workflows/policy.ts). Absent in submits recorded
   * before the inline check existed, and for first checks longer than the limit.
   */
  readonly firstCheckAfterMs?: number;
}

/**
 * What one submit did. It always asks the gateway about the order first and creates only when
 * the gateway answers that no order exists, so a repeated submit (a reset, a second workflow
 * for the order) never creates over an existing order.
 */
export type SubmitResult =
  /** The gateway knows the order already (`found`, or `mismatch`): nothing was sent. */
  | { readonly kind: 'exists'; readonly precheck: QueryOutcome }
  /** Nothing was sent: the pre-check got no usable answer, so a create would be blind. */
  | {
      readonly kind: 'not-sent';
      readonly reason: 'precheck-unanswered';
      readonly precheck: QueryOutcome;
    }
  /** Nothing was sent: the request cannot be signed or sent as it is. */
  | { readonly kind: 'not-sent'; readonly reason: 'unsendable'; readonly detail: string }
  /**
   * The pre-check found no order, and one create call went out with this outcome. `firstCheck`
   * is the answer of the first status check when it ran inside the submit: only after an
   * accepted create, only when asked for, and only an answer (no answer in time is left out).
   */
  | {
      readonly kind: 'sent';
      readonly outcome: SubmitOutcome;
      readonly firstCheck?: Exclude<QueryOutcome, { kind: 'unavailable' }>;
    };

/** Input of {@link PayoutActivities.queryPayoutStatus}: what the returned order is checked against. */
export interface QueryPayoutStatusInput {
  readonly merchantOrderId: string;
  readonly amountCents: number;
}

/**
 * The payout activities, as the workflow sees them. The implementations come from
 * `createActivities` in `activities/index.ts`, built by the worker with its gateway client.
 */
export interface PayoutActivities {
  /**
   * Pre-check, then at most one create call. Never retried: run with `maximumAttempts: 1`.
   * Fails with the non-retryable type `PlatformMismatch` (nothing sent) when the payout is for
   * another merchant than the worker's gateway.
   */
  submitPayout: (input: SubmitPayoutInput) => Promise<SubmitResult>;
  /**
   * Reads the order's status. Read-only, so retried: throws a retryable failure when the gateway
   * gives no usable answer; a refusal of our credentials (`0006`) and an answer whose sign does
   * not verify are returned, since retrying cannot change them.
   */
  queryPayoutStatus: (input: QueryPayoutStatusInput) => Promise<QueryOutcome>;
}

/**
 * The reconciliation activities (activities/reconcile.ts): comparing reads only the gateway and
 * Temporal's visibility; acting opens disputes and asks running payouts to check now.
 */
export interface ReconciliationActivities {
  /**
   * Lists the gateway's orders created in `[from, to]` (ISO 8601) and compares each with its
   * payout, then asks the gateway about every SUCCEEDED payout started in the window that the
   * listing lacks. Retryable when the gateway gives no usable page.
   */
  compareGatewayWindow: (input: {
    readonly platformId: string;
    readonly from: string;
    readonly to: string;
  }) => Promise<{
    readonly gatewayOrders: number;
    readonly payoutsCompared: number;
    readonly differences: readonly Difference[];
  }>;
  /** Asks the gateway about running payouts started before `startedBefore` (at most `limit`). */
  checkStalePayouts: (input: {
    readonly platformId: string;
    readonly startedBefore: string;
    readonly limit: number;
  }) => Promise<{ readonly checked: number; readonly differences: readonly Difference[] }>;
  /** Opens a dispute or asks for a check for each difference that calls for one. */
  actOnDifferences: (input: {
    readonly platformId: string;
    readonly differences: readonly Difference[];
  }) => Promise<readonly ActionOutcome[]>;
}

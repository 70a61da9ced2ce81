import type { PayoutRequest } from '../src/payout/request.js';
import type { QueryOutcome, SubmitOutcome } from '../src/gateway/types.js';

/** Input of {@link PayoutActivities.submitPayout}. */
export interface SubmitPayoutInput {
  readonly request: PayoutRequest;
  /** Who caused this create: the workflow's first submit, or an operator's resubmit decision. */
  readonly origin: 'initial' | 'operator-resubmit';
}

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
  /** Signs and sends one create call. Never retried: run with `maximumAttempts: 1`. */
  submitPayout: (input: SubmitPayoutInput) => Promise<SubmitOutcome>;
  /**
   * Reads the order's status. Read-only, so retried; throws a retryable failure when the gateway
   * gives no usable answer, so Temporal's retry policy paces the retries.
   */
  queryPayoutStatus: (input: QueryPayoutStatusInput) => Promise<QueryOutcome>;
}

import type { SubmitPayoutInput } from '../activities/types.js';
import type { GatewayPayoutState } from '../src/gateway/types.js';
import type { PayoutRequest } from '../src/payout/request.js';
import type { OperatorDecisionAction } from './decisions.js';
import type { EvidenceLog } from './evidence.js';
import type { PayoutPolicyInput } from './policy.js';
import type { PayoutState } from './state.js';

/** Where a payout stands, as the workflow sees it (also the `PayoutStatus` search attribute). */
export const PayoutStatus = {
  /** The create call is running (first submit or an operator's resubmit). */
  Submitting: 'SUBMITTING',
  /** Submitted (accepted, rejected or unknown); checking the gateway until it is final. */
  Confirming: 'CONFIRMING',
  /** A person must look: see `escalation` in the status query. */
  NeedsReview: 'NEEDS_REVIEW',
  /** Final: the gateway reported success (status 3), or an operator confirmed it. */
  Succeeded: 'SUCCEEDED',
  /** Final: the gateway reported cancelled or failed (4, 5), or an operator confirmed it. */
  Failed: 'FAILED',
  /** Final: the create was rejected and a query confirmed that no order exists. */
  Rejected: 'REJECTED',
} as const;
export type PayoutStatus = (typeof PayoutStatus)[keyof typeof PayoutStatus];

/** The final statuses, the only ones a {@link PayoutResult} carries. */
export type FinalPayoutStatus = 'SUCCEEDED' | 'FAILED' | 'REJECTED';

/** Who caused a create call. */
export type SubmitOrigin = SubmitPayoutInput['origin'];

/**
 * Input of the payout workflow. `notify_url`, credentials and secrets are never part of it (the
 * schema is strict and refuses unknown fields).
 */
export interface PayoutWorkflowInput {
  /** The validated payout (see `parsePayoutRequest`). */
  readonly request: PayoutRequest;
  /** The merchant id at the gateway (`platform_id`, e.g. `PF0002`). */
  readonly platformId: string;
  /** Overrides of the default policy. */
  readonly policy?: PayoutPolicyInput;
  /** Set by the workflow itself on continue-as-new; callers never pass it. */
  readonly resume?: PayoutState;
}

/**
 * Why a payout waits for a person. `no-answer` reasons keep polling slowly, and a late final
 * status from a query still resolves them; `conflict` reasons are only ever resolved by a person.
 */
export type EscalationReason =
  /** The submit's outcome was unknown and the order stayed not found beyond `notFoundGrace`. */
  | 'not-found-after-unknown-submit'
  /** The gateway accepted the create (`0000`) but the order stayed not found beyond the grace. */
  | 'not-found-after-accepted-submit'
  /** The payout stayed non-final beyond `maxPending`. */
  | 'max-pending-exceeded'
  /** An operator's keep-waiting deadline passed and the payout is still not final. */
  | 'waiting-deadline-passed'
  /** A query returned a status code outside 0-6. */
  | 'unknown-status'
  /** A final callback and the query's final state disagree (paid versus not paid). */
  | 'conflict-callback-query'
  /** A final callback was not confirmed by `callbackConfirmAttempts` queries. */
  | 'conflict-callback-unconfirmed'
  /** Two final callbacks disagree (paid versus not paid). */
  | 'conflict-callbacks'
  /** A query reported a state earlier than one already reported (e.g. processing, then pending). */
  | 'conflict-status-regressed'
  /** The order (query or callback) is not ours as asked: order id, merchant or amount differ. */
  | 'conflict-mismatch'
  /** The gateway's payout_id changed between answers. */
  | 'conflict-payout-id'
  /** A response's sign did not verify. */
  | 'conflict-bad-signature'
  /** A query found no order after the order had been reported (by a query or a callback). */
  | 'conflict-order-disappeared';

/** The two kinds of escalation; see {@link EscalationReason}. */
export type EscalationKind = 'no-answer' | 'conflict';

/** Why the payout is in NEEDS_REVIEW. */
export interface Escalation {
  readonly reason: EscalationReason;
  readonly kind: EscalationKind;
  readonly detail: string;
  /** ISO 8601. */
  readonly at: string;
}

/** What made a payout final. */
export type Resolution =
  | {
      readonly by: 'query' | 'callback-confirmed-by-query';
      /** Set when the payout was in NEEDS_REVIEW (no-answer) and a late final status resolved it. */
      readonly afterEscalation: EscalationReason | null;
    }
  | {
      readonly by: 'operator';
      readonly operatorId: string;
      readonly reason: string;
      readonly action: Extract<OperatorDecisionAction, 'confirm-succeeded' | 'confirm-failed'>;
    };

/** Result of a payout workflow. */
export interface PayoutResult {
  readonly status: FinalPayoutStatus;
  readonly merchantOrderId: string;
  readonly platformId: string;
  /** The gateway's order id, when one is known. */
  readonly payoutId: string | null;
  /** The gateway's last reported state, when any query found the order. */
  readonly gatewayState: GatewayPayoutState | null;
  readonly resolvedBy: Resolution;
  /** ISO 8601. */
  readonly resolvedAt: string;
  readonly evidence: EvidenceLog;
}

/** A decision that the signal handler refused, kept visible in the status query. */
export interface RejectedDecision {
  readonly rule: string;
  readonly message: string;
  readonly operatorId: string | null;
  readonly action: string | null;
  /** ISO 8601. */
  readonly at: string;
}

/** What the `status` query returns. Times are ISO 8601; absent values are `null`. */
export interface PayoutStatusView {
  readonly status: PayoutStatus;
  readonly merchantOrderId: string;
  readonly platformId: string;
  readonly amountCents: number;
  readonly payoutId: string | null;
  readonly gatewayState: GatewayPayoutState | null;
  readonly gatewayStatusCode: number | null;
  /** Create calls made (1, plus one per operator resubmit). */
  readonly submits: number;
  /** Status queries completed (including unavailable ones). */
  readonly checks: number;
  readonly nextCheckAt: string | null;
  readonly escalation: Escalation | null;
  /** The keep-waiting deadline an operator set, while it applies. */
  readonly waitingUntil: string | null;
  /** The latest operator decision that was refused (signal channel), if any. */
  readonly lastRejectedDecision: RejectedDecision | null;
  readonly resolution: Resolution | null;
  /** Continue-as-new count. */
  readonly run: number;
  readonly evidence: EvidenceLog;
}

/** What the operator-decision update returns when the decision was accepted. */
export interface DecisionReceipt {
  readonly accepted: true;
  readonly action: OperatorDecisionAction;
  /** The payout's status right after the decision. */
  readonly status: PayoutStatus;
}

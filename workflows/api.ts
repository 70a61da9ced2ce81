import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { GatewayPayoutState, PayoutNotification } from '../vocabulary/gateway.js';
import type { PayoutRequest } from '../src/client/request.js';
import type { OperatorDecisionAction, OperatorDecisionInput } from './decisions.js';
import type { PayoutPolicyInput } from './policy.js';
import type { EvidenceLog, PayoutState } from './state.js';

/**
 * The payout workflow's public face: names, messages and types shared by the workflow, its
 * worker and its clients. Safe to import anywhere: it only defines names and types.
 */

/** The workflow type name (the exported function in workflows/index.ts). */
export const PAYOUT_WORKFLOW_TYPE = 'payoutWorkflow';

/** The default task queue of payout workflows and activities. */
export const PAYOUT_TASK_QUEUE = 'payouts';

/** `ApplicationFailure.type` values the payout workflow and its updates fail with. */
export const PayoutFailureType = {
  /** The workflow's input is invalid, or not for this worker's merchant: nothing was sent. */
  InvalidPayoutInput: 'InvalidPayoutInput',
  /** An operator decision was refused; the message starts with the broken rule. */
  InvalidOperatorDecision: 'InvalidOperatorDecision',
} as const;

export { payoutWorkflowId } from './ids.js';

/** Where a payout stands (also the `PayoutStatus` search attribute). */
export const PayoutStatus = {
  /** Asking the gateway whether it knows the order, then sending the create call. */
  Submitting: 'SUBMITTING',
  /** Submitted (or found at the gateway); checking until the gateway reports a final state. */
  Confirming: 'CONFIRMING',
  /** A person must look: see `escalation` in the status query. Checks go on. */
  NeedsReview: 'NEEDS_REVIEW',
  /** Final: the gateway reported success (status 3), or an operator confirmed it. */
  Succeeded: 'SUCCEEDED',
  /** Final: the gateway reported cancelled or failed (4, 5), or an operator confirmed it. */
  Failed: 'FAILED',
  /** Final: the create was rejected and the gateway found no order over the confirmation window. */
  Rejected: 'REJECTED',
} as const;
export type PayoutStatus = (typeof PayoutStatus)[keyof typeof PayoutStatus];

/** The final statuses, the only ones a {@link PayoutResult} carries. */
export type FinalPayoutStatus = 'SUCCEEDED' | 'FAILED' | 'REJECTED';

/** Who caused a submit: the workflow's first one, or an operator's resubmit decision. */
export type SubmitOrigin = 'initial' | 'operator-resubmit';

/** Input of the payout workflow. Credentials, secrets and `notify_url` are never part of it. */
export interface PayoutWorkflowInput {
  /** The validated payout (see `parsePayoutRequest`). */
  readonly request: PayoutRequest;
  /** The merchant id at the gateway (`platform_id`); must be the worker's own. */
  readonly platformId: string;
  /** Overrides of the default policy. */
  readonly policy?: PayoutPolicyInput;
  /** Set by the workflow itself on continue-as-new; refused in any run not continued from another. */
  readonly resume?: PayoutState;
}

/**
 * Why a payout waits for a person. `waiting` reasons keep checking, and a verified final state
 * from a query still resolves them; `conflict` reasons (two verified sources disagree on a final
 * state, or the gateway's order is not the one asked for) are resolved only by a confirm decision.
 */
export type EscalationReason =
  /** The create's outcome was unknown and the order stayed not found beyond `notFoundGrace`. */
  | 'not-found-after-unknown-submit'
  /** The gateway accepted the create (`0000`) but the order stayed not found beyond the grace. */
  | 'not-found-after-accepted-submit'
  /** The gateway reported the order earlier and has not found it for longer than the grace. */
  | 'order-not-found-any-more'
  /** The payout stayed non-final beyond `maxPending`. */
  | 'max-pending-exceeded'
  /** An operator's keep-waiting deadline passed and the payout is still not final. */
  | 'waiting-deadline-passed'
  /** A query returned a status code outside 0-6. */
  | 'unknown-status'
  /** The gateway refused our credentials (`0004` on a create, `0006` on a query): configuration. */
  | 'gateway-credentials-rejected'
  /** The create could not be sent at all (it cannot be signed or sent as it is). */
  | 'submit-not-sent'
  /** Someone asked Temporal to cancel the workflow; the gateway order may still pay. */
  | 'cancel-requested'
  /** A verified callback and a query report different final states (paid versus not paid). */
  | 'conflict-callback-query'
  /** Two verified callbacks report different final states. */
  | 'conflict-callbacks'
  /** The gateway's order under our id is not the one asked for (amount, merchant, several orders). */
  | 'conflict-mismatch'
  /** The gateway's payout_id changed between verified answers. */
  | 'conflict-payout-id';

/** The two kinds of escalation; see {@link EscalationReason}. */
export type EscalationKind = 'waiting' | 'conflict';

/** Why the payout is (or was) in NEEDS_REVIEW. */
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
      /** Set when the payout was in NEEDS_REVIEW (a waiting reason) and a query resolved it. */
      readonly afterEscalation: EscalationReason | null;
    }
  | {
      readonly by: 'operator';
      readonly operatorId: string;
      readonly reason: string;
      readonly action: Extract<OperatorDecisionAction, 'confirm-succeeded' | 'confirm-failed'>;
      /** Set when the decision contradicted the latest verified gateway state: why it is right. */
      readonly override: string | null;
      /** The second operator, when the amount needed two (four-eyes). */
      readonly approvedBy: string | null;
    };

/** Result of a payout workflow. The whole evidence stays readable with the `status` query. */
export interface PayoutResult {
  readonly status: FinalPayoutStatus;
  readonly merchantOrderId: string;
  readonly platformId: string;
  readonly amountCents: number;
  /** The gateway's order id, when one is known. */
  readonly payoutId: string | null;
  /** The gateway's last verified state of the order, when any answer reported one. */
  readonly gatewayState: GatewayPayoutState | null;
  readonly resolvedBy: Resolution;
  /** ISO 8601. */
  readonly resolvedAt: string;
  /** Create calls that may have reached the gateway (1, plus one per operator resubmit). */
  readonly creates: number;
  /** Every escalation the payout passed through, in order. */
  readonly escalations: readonly Escalation[];
}

/** A decision that was refused, kept visible in the status query and the evidence. */
export interface RefusedDecision {
  readonly rule: string;
  readonly message: string;
  readonly operatorId: string | null;
  readonly action: string | null;
  readonly via: 'signal' | 'update';
  /** ISO 8601. */
  readonly at: string;
}

/** The latest verified thing the gateway said about the order. */
export interface GatewayReport {
  /** `not-found`: the gateway has no order under our payout_cl_id. */
  readonly state: GatewayPayoutState | 'not-found';
  readonly statusCode: number | null;
  readonly source: 'query' | 'callback';
  /** Set when the order did not match the payout (amount, merchant): the order's own amount. */
  readonly mismatch: string | null;
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
  /** The latest verified gateway answer (query or callback). */
  readonly gateway: GatewayReport | null;
  /** Create calls that may have reached the gateway. */
  readonly creates: number;
  /** Status queries answered (including unusable answers and failed queries). */
  readonly checks: number;
  /** Callbacks received, repeats included (a repeat changes nothing else). */
  readonly callbacksReceived: number;
  /** What runs now, if anything. */
  readonly busy: 'submit' | 'query' | null;
  readonly nextCheckAt: string | null;
  readonly escalation: Escalation | null;
  readonly escalations: readonly Escalation[];
  /** Since when the payout is in NEEDS_REVIEW. */
  readonly reviewSince: string | null;
  /** The keep-waiting deadline an operator set, while it applies. */
  readonly waitingUntil: string | null;
  /** A confirm that waits for a second operator (four-eyes), if any. */
  readonly pendingConfirm: PendingConfirm | null;
  /** When someone asked Temporal to cancel the workflow. */
  readonly cancelRequestedAt: string | null;
  /** The latest refused decision, if any. */
  readonly lastRefusedDecision: RefusedDecision | null;
  /** Decisions allowed now. */
  readonly allowedDecisions: readonly OperatorDecisionAction[];
  readonly resolution: Resolution | null;
  /** Continue-as-new count. */
  readonly run: number;
  readonly evidence: EvidenceLog;
}

/** A confirm one operator made on a payout that needs two; the second must agree. */
export interface PendingConfirm {
  readonly action: 'confirm-succeeded' | 'confirm-failed';
  readonly operatorId: string;
  readonly reason: string;
  readonly override: string | null;
  /** ISO 8601. */
  readonly at: string;
}

/** What the operator-decision update returns when the decision was accepted. */
export interface DecisionReceipt {
  readonly accepted: true;
  readonly action: OperatorDecisionAction;
  /** The payout's status right after the decision. */
  readonly status: PayoutStatus;
}

/** A callback as the receiver signals it: verified, without the raw fields or the sign. */
export type CallbackSignalPayload = Omit<PayoutNotification, 'fields'>;

/**
 * A callback whose sign the callback receiver verified. Only a hint: the workflow confirms it by
 * a query before anything becomes final. Repeats cost a counter. For the receiver only.
 */
export const payoutCallbackSignal = defineSignal<[CallbackSignalPayload]>('payoutCallback');

/**
 * An operator decision, fire-and-forget. A refused decision changes nothing and is recorded in
 * the evidence and in `lastRefusedDecision`; prefer the update, which answers with the rule.
 */
export const operatorDecisionSignal = defineSignal<[OperatorDecisionInput]>('operatorDecision');

/**
 * An operator decision with an answer: the accepted decision's receipt, or an
 * `ApplicationFailure` of type `InvalidOperatorDecision` whose message starts with the rule.
 * A decision sent while a gateway call runs takes effect after its answer.
 */
export const operatorDecisionUpdate = defineUpdate<DecisionReceipt, [OperatorDecisionInput]>(
  'applyOperatorDecision',
);

/** The payout's current state, checks, escalations and evidence. */
export const payoutStatusQuery = defineQuery<PayoutStatusView>('status');

/**
 * Asks the gateway now, without waiting for the next check; answers with the status after
 * that answer. Refused (`InvalidOperatorDecision`, rule `payout-final`) on a final payout.
 */
export const checkNowUpdate = defineUpdate<PayoutStatusView, [{ operatorId: string }]>('checkNow');

/**
 * Search attributes: the workflow keeps `PayoutStatus` current and sets the others itself when
 * the start did not, so every start path has them. `npm start` and `npm run temporal:setup`
 * register them.
 */
export const PayoutStatusKey = defineSearchAttributeKey('PayoutStatus', 'KEYWORD');
export const MerchantOrderIdKey = defineSearchAttributeKey('MerchantOrderId', 'KEYWORD');
export const PlatformIdKey = defineSearchAttributeKey('PlatformId', 'KEYWORD');
export const AmountCentsKey = defineSearchAttributeKey('AmountCents', 'INT');
/** The current escalation reason while the payout waits for a person. */
export const PayoutEscalationKey = defineSearchAttributeKey('PayoutEscalation', 'KEYWORD');
/** Since when the payout is in NEEDS_REVIEW. */
export const PayoutReviewSinceKey = defineSearchAttributeKey('PayoutReviewSince', 'DATETIME');
/** An operator's keep-waiting deadline, while it runs. */
export const PayoutWaitingUntilKey = defineSearchAttributeKey('PayoutWaitingUntil', 'DATETIME');

/** All of them, for registration. */
export const PAYOUT_SEARCH_ATTRIBUTES = [
  PayoutStatusKey,
  MerchantOrderIdKey,
  PlatformIdKey,
  AmountCentsKey,
  PayoutEscalationKey,
  PayoutReviewSinceKey,
  PayoutWaitingUntilKey,
] as const;

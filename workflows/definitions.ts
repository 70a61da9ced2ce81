import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PayoutNotification } from '../src/gateway/types.js';
import type { OperatorDecisionInput } from './decisions.js';
import type { DecisionReceipt, PayoutStatusView } from './types.js';

/**
 * Names shared by the workflow, its worker and its clients. Safe to import outside a workflow:
 * it only defines names and types.
 */

/** The workflow type name (the exported function in workflows/index.ts). */
export const PAYOUT_WORKFLOW_TYPE = 'payoutWorkflow';

/** The default task queue of payout workflows and activities. */
export const PAYOUT_TASK_QUEUE = 'payouts';

/** `ApplicationFailure.type` of a payout workflow that failed because its input was invalid. */
export const INVALID_PAYOUT_INPUT = 'InvalidPayoutInput';

/** `ApplicationFailure.type` of an operator decision the update validator refused. */
export const INVALID_OPERATOR_DECISION = 'InvalidOperatorDecision';

/**
 * The workflow id of a payout: `payout:<platformId>:<merchantOrderId>`, e.g.
 * `payout:PF0002:ORDER-1`. Start every payout under this id (with the default id-reuse and
 * id-conflict policies) so that starting the same order twice never creates a second workflow, and
 * so never a second create call; the workflow refuses to run under any other id. Neither part may
 * contain `:` (the payout schemas allow only letters, digits, `_` and `-`).
 */
export function payoutWorkflowId(platformId: string, merchantOrderId: string): string {
  if (platformId === '' || merchantOrderId === '') {
    throw new TypeError('payoutWorkflowId: platformId and merchantOrderId must not be empty');
  }
  if (platformId.includes(':') || merchantOrderId.includes(':')) {
    throw new TypeError('payoutWorkflowId: platformId and merchantOrderId must not contain ":"');
  }
  return `payout:${platformId}:${merchantOrderId}`;
}

/**
 * A callback whose sign the callback receiver verified. Only a hint: the workflow confirms it by a
 * query before anything becomes final. Duplicates are harmless.
 */
export const payoutCallbackSignal = defineSignal<[PayoutNotification]>('payoutCallback');

/**
 * An operator decision, fire-and-forget (Web UI, `temporal workflow signal --name
 * operatorDecision`). A refused decision changes nothing and is recorded as rejected in the
 * evidence and in `lastRejectedDecision` of the status query.
 */
export const operatorDecisionSignal = defineSignal<[OperatorDecisionInput]>('operatorDecision');

/**
 * An operator decision with an immediate answer (API, CLI): the validator refuses an invalid
 * decision with an `ApplicationFailure` of type {@link INVALID_OPERATOR_DECISION} whose message
 * starts with the broken rule; an accepted one returns a {@link DecisionReceipt}.
 */
export const operatorDecisionUpdate = defineUpdate<DecisionReceipt, [OperatorDecisionInput]>(
  'applyOperatorDecision',
);

/** The payout's current state, checks, escalation and evidence. */
export const payoutStatusQuery = defineQuery<PayoutStatusView>('status');

import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import {
  payoutCallbackSignal,
  payoutWorkflowId,
  type CallbackSignalPayload,
} from '../../workflows/api.js';
import { contradiction } from '../../workflows/answers.js';
import type { DisputeNews } from '../../workflows/dispute.js';
import { openPayoutDispute } from '../disputes.js';
import type { payoutWorkflow } from '../../workflows/payout.js';
import type { DeliveryResult } from './receiver.js';

/**
 * The signal payload of a verified notification: without its raw `fields`, which hold every
 * received field, `sign` and `sign_type` included; a signal's payload stays in the workflow
 * history for good, and the typed fields are all the workflow reads.
 */
export function toCallbackSignalPayload(notification: PayoutNotification): CallbackSignalPayload {
  const { fields: _fields, ...payload } = notification;
  return payload;
}

/**
 * Hands a verified callback to its payout's workflow as a signal. It never starts a payout: a
 * callback for an order we never started is `unknown-payout`. One for a payout that already
 * ended is `already-final` when it agrees with the final state, and `disputed` when it
 * contradicts it or the workflow ended without a result: a dispute workflow then holds both
 * sides for an operator.
 */
export function createTemporalDelivery(
  client: Client,
  platformId: string,
  options: { readonly taskQueue: string },
) {
  return async (notification: PayoutNotification): Promise<DeliveryResult> => {
    const workflowId = payoutWorkflowId(platformId, notification.payoutClId);
    const handle = client.workflow.getHandle<typeof payoutWorkflow>(workflowId);
    try {
      await handle.signal(payoutCallbackSignal, toCallbackSignalPayload(notification));
      return 'delivered';
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    // Signalling a closed workflow also says "not found": tell a finished payout from none at all.
    let result;
    try {
      result = await handle.result();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'unknown-payout';
      if (!(error instanceof WorkflowFailedError)) throw error;
      // Ended without a payout result (terminated, timed out, refused input), yet the gateway
      // signs news of an order under this id: nobody follows it any more.
      result = null;
    }
    const detail =
      result === null
        ? `the payout's workflow ended without a result, but the gateway reports ${notification.state} for payout_id ${notification.payoutId}`
        : contradiction(result, notification);
    if (detail === null) return 'already-final';
    const news: DisputeNews = {
      source: 'callback',
      reason: result === null ? 'abandoned' : 'final-contradicted',
      state: notification.state,
      payoutId: notification.payoutId,
      amountCents: notification.amountCents,
      detail,
      at: new Date().toISOString(),
    };
    await openPayoutDispute(client, {
      platformId,
      merchantOrderId: notification.payoutClId,
      taskQueue: options.taskQueue,
      result,
      news,
    });
    return 'disputed';
  };
}

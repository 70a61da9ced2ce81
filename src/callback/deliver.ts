import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PayoutNotification } from '../gateway/types.js';
import {
  payoutCallbackSignal,
  payoutWorkflowId,
  type CallbackSignalPayload,
} from '../../workflows/api.js';
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
 * Hands a verified callback to its payout's workflow as a signal. It never starts a workflow: a
 * callback for an order we never started is reported as `unknown-payout`, and one for a payout
 * that already ended as `already-final` (the gateway's retries then stop on our `0000`).
 */
export function createTemporalDelivery(client: Client, platformId: string) {
  return async (notification: PayoutNotification): Promise<DeliveryResult> => {
    const handle = client.workflow.getHandle(payoutWorkflowId(platformId, notification.payoutClId));
    try {
      await handle.signal(payoutCallbackSignal, toCallbackSignalPayload(notification));
      return 'delivered';
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    // Signalling a closed workflow also says "not found": tell a finished payout from none at all.
    try {
      await handle.describe();
      return 'already-final';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'unknown-payout';
      throw error;
    }
  };
}

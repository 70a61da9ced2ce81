/**
 * `check`: asks the gateway now, through the payout's `checkNow` update, and answers with the
 * status after the gateway's answer. A final payout refuses it (`payout-final`).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DecisionRejectedError, PayoutNotFoundError } from '../client/errors.js';
import {
  checkNowUpdate,
  PayoutFailureType,
  payoutWorkflowId,
  type PayoutStatusView,
} from '../../workflows/api.js';

/** Runs `checkNow` for `operatorId`; a refusal is a {@link DecisionRejectedError}. */
export async function checkNow(
  client: Client,
  platformId: string,
  merchantOrderId: string,
  operatorId: string,
): Promise<PayoutStatusView> {
  const handle = client.workflow.getHandle(payoutWorkflowId(platformId, merchantOrderId));
  try {
    return await handle.executeUpdate(checkNowUpdate, { args: [{ operatorId }] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      // An update to a closed workflow says "not found" too: tell a final payout from none.
      const closed = await handle.describe().then(
        () => true,
        (e: unknown) => {
          if (e instanceof WorkflowNotFoundError) return false;
          throw e;
        },
      );
      if (closed)
        throw new DecisionRejectedError(
          merchantOrderId,
          'payout-final',
          'payout-final: the payout is already final',
        );
      throw new PayoutNotFoundError(merchantOrderId);
    }
    if (
      error instanceof WorkflowUpdateFailedError &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === PayoutFailureType.InvalidOperatorDecision
    ) {
      const message = error.cause.message ?? '';
      throw new DecisionRejectedError(merchantOrderId, message.split(':', 1)[0] ?? '', message);
    }
    throw error;
  }
}

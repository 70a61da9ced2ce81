import type { Client } from '@temporalio/client';
import {
  PAYOUT_DISPUTE_WORKFLOW_TYPE,
  disputeNewsSignal,
  disputeWorkflowId,
  type DisputeNews,
  type PayoutDisputeInput,
} from '../workflows/dispute.js';

/** What a dispute keeps of a payout's result: its final state as recorded. */
type Recorded = NonNullable<PayoutDisputeInput['final']>;

/**
 * Opens the order's dispute, or adds the news to the open one (signal-with-start: one dispute
 * per order at a time, repeated news counted once). Used by the callback receiver and by
 * reconciliation alike.
 */
export async function openPayoutDispute(
  client: Client,
  options: {
    readonly platformId: string;
    readonly merchantOrderId: string;
    readonly taskQueue: string;
    /** The payout's result, or null when no payout workflow recorded one. */
    readonly result: Recorded | null;
    readonly news: DisputeNews;
  },
): Promise<void> {
  const { platformId, merchantOrderId, result, news } = options;
  const input: PayoutDisputeInput = {
    merchantOrderId,
    platformId,
    final:
      result === null
        ? null
        : {
            status: result.status,
            payoutId: result.payoutId,
            gatewayState: result.gatewayState,
            resolvedAt: result.resolvedAt,
          },
    news,
  };
  await client.workflow.signalWithStart(PAYOUT_DISPUTE_WORKFLOW_TYPE, {
    workflowId: disputeWorkflowId(platformId, merchantOrderId),
    taskQueue: options.taskQueue,
    args: [input],
    signal: disputeNewsSignal,
    signalArgs: [news],
  });
}

import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { MERCHANT_ORDER_ID_PATTERN } from '../../vocabulary/payout-request.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PAYOUT_WORKFLOW_TYPE,
  PayoutStatusKey,
  payoutWorkflowId,
  type PayoutResult,
} from '../../workflows/api.js';
import type { PayoutSide } from '../../workflows/reconciliation-api.js';

/** What Temporal holds of the payouts, as reconciliation reads it (visibility and results). */
export interface PayoutRecords {
  /** The payout workflows of these order ids (absent: no workflow has the id). */
  byOrderIds(ids: readonly string[]): Promise<Map<string, PayoutSide>>;
  /** SUCCEEDED payouts whose workflow run started in `[from, to]`, by order id. */
  succeededStartedIn(from: Date, to: Date): Promise<Map<string, PayoutSide>>;
  /** Running payouts whose run started before `before`, at most `limit`, by order id. */
  runningStartedBefore(before: Date, limit: number): Promise<Map<string, PayoutSide>>;
}

/** Ids per visibility query: keeps each query string well under the server's limits. */
const IDS_PER_QUERY = 50;

/**
 * Reads payout records from Temporal's visibility, in the namespace the client is bound to.
 * A workflow id with several runs (continued-as-new, or reused after the first closed) counts
 * by its running run, else its latest.
 */
export function temporalPayoutRecords(client: Client, platformId: string): PayoutRecords {
  const ofMerchant = `WorkflowType = '${PAYOUT_WORKFLOW_TYPE}' AND PlatformId = '${platformId}'`;

  async function list(query: string, limit = Infinity): Promise<Map<string, PayoutSide>> {
    const latest = new Map<string, WorkflowExecutionInfo>();
    for await (const info of client.workflow.list({ query })) {
      const orderId = info.typedSearchAttributes.get(MerchantOrderIdKey) ?? orderIdOf(info);
      if (orderId === undefined) continue;
      const seen = latest.get(orderId);
      if (seen === undefined || rank(info) > rank(seen)) latest.set(orderId, info);
      if (latest.size >= limit) break;
    }
    const sides = new Map<string, PayoutSide>();
    for (const [orderId, info] of latest) sides.set(orderId, await sideOf(info));
    return sides;
  }

  async function sideOf(info: WorkflowExecutionInfo): Promise<PayoutSide> {
    let workflowStatus: string = info.status.name;
    let result: PayoutSide['result'] = null;
    // Only continued-as-new runs visible: the new run is not listed yet, so it is running.
    if (workflowStatus === 'CONTINUED_AS_NEW') workflowStatus = 'RUNNING';
    if (workflowStatus === 'COMPLETED') {
      const r = await client.workflow
        .getHandle(info.workflowId, info.runId)
        .result()
        .then((value: unknown) => value as PayoutResult);
      result = {
        status: r.status,
        payoutId: r.payoutId,
        amountCents: r.amountCents,
        gatewayState: r.gatewayState,
        resolvedAt: r.resolvedAt,
      };
    }
    return {
      workflowId: info.workflowId,
      workflowStatus,
      payoutStatus: info.typedSearchAttributes.get(PayoutStatusKey) ?? null,
      amountCents: info.typedSearchAttributes.get(AmountCentsKey) ?? null,
      result,
    };
  }

  return {
    async byOrderIds(ids) {
      // Only ids a payout may have can name a payout workflow (and be quoted safely).
      const usable = [...new Set(ids)].filter((id) => MERCHANT_ORDER_ID_PATTERN.test(id));
      const found = new Map<string, PayoutSide>();
      for (let i = 0; i < usable.length; i += IDS_PER_QUERY) {
        const chunk = usable.slice(i, i + IDS_PER_QUERY);
        const quoted = chunk.map((id) => `'${payoutWorkflowId(platformId, id)}'`).join(', ');
        for (const [id, side] of await list(`${ofMerchant} AND WorkflowId IN (${quoted})`)) {
          found.set(id, side);
        }
      }
      return found;
    },
    succeededStartedIn(from, to) {
      return list(
        `${ofMerchant} AND PayoutStatus = 'SUCCEEDED' AND StartTime BETWEEN '${from.toISOString()}' AND '${to.toISOString()}'`,
      );
    },
    runningStartedBefore(before, limit) {
      return list(
        `${ofMerchant} AND ExecutionStatus = 'Running' AND StartTime < '${before.toISOString()}'`,
        limit,
      );
    },
  };
}

/** Running first, then the latest start: the run that speaks for the payout now. */
function rank(info: WorkflowExecutionInfo): number {
  const running = info.status.name === 'RUNNING' ? 1 : 0;
  return running * 1e15 + info.startTime.getTime();
}

/** The order id from a workflow id `payout:<platformId>:<orderId>`, for runs without the attribute. */
function orderIdOf(info: WorkflowExecutionInfo): string | undefined {
  const parts = info.workflowId.split(':');
  return parts.length === 3 && parts[0] === 'payout' ? parts[2] : undefined;
}

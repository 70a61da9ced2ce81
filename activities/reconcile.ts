import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { GatewayOrder, QueryOutcome } from '../vocabulary/gateway.js';
import { MAX_LIST_LIMIT, type ListOutcome, type ListPayoutsInput } from '../src/gateway/list.js';
import { compareOrder, missingAtGateway } from '../src/reconcile/compare.js';
import { temporalPayoutRecords, type PayoutRecords } from '../src/reconcile/records.js';
import { checkNowUpdate, payoutWorkflowId, type PayoutStatusView } from '../workflows/api.js';
import { openPayoutDispute } from '../src/disputes.js';
import { meteredGateway } from '../src/metrics/gateway.js';
import {
  disputeWorkflowId,
  type DisputeNews,
  type DisputeReason,
  type PayoutDisputeView,
  sameNews,
} from '../workflows/dispute.js';
import type { ActionOutcome, Difference } from '../workflows/reconciliation-api.js';
import { ActivityFailureType, type PayoutGateway } from './index.js';
import type { ReconciliationActivities } from './types.js';

/** The gateway as reconciliation uses it: the payout calls, plus the listing. */
export interface ReconcilingGateway extends PayoutGateway {
  listPayouts(input: ListPayoutsInput): Promise<ListOutcome>;
}

/** What the reconciliation activities need besides the gateway: Temporal, to read and act. */
export interface ReconciliationTemporal {
  readonly client: Client;
  /** Where disputes run: the payout workers' task queue. */
  readonly taskQueue: string;
  /** Default: visibility through `client` (see src/reconcile/records.ts). */
  readonly records?: (platformId: string) => PayoutRecords;
}

/** Who reconciliation's "check now" is recorded as, in the payout's history. */
export const RECONCILIATION_OPERATOR = 'reconciliation';

const DISPUTE_REASONS = new Set<string>([
  'final-contradicted',
  'final-gateway-pending',
  'unknown-order',
  'abandoned',
  'missing-at-gateway',
] satisfies DisputeReason[]);

/**
 * The reconciliation activities. Comparing only reads (the gateway, visibility), so it is
 * retried; acting is idempotent: a dispute's news is de-duplicated, and "check now" is a read.
 */
export function createReconciliationActivities(
  unmetered: ReconcilingGateway,
  temporal: ReconciliationTemporal,
): ReconciliationActivities {
  const gateway = meteredGateway(unmetered);
  const recordsOf = temporal.records ?? ((p: string) => temporalPayoutRecords(temporal.client, p));

  function ownMerchant(platformId: string): void {
    if (platformId !== gateway.platformId) {
      throw ApplicationFailure.nonRetryable(
        `reconciliation is for merchant ${platformId}, this worker's gateway is configured for ${gateway.platformId}`,
        ActivityFailureType.PlatformMismatch,
      );
    }
  }

  async function listWindow(from: number, to: number): Promise<GatewayOrder[]> {
    const orders: GatewayOrder[] = [];
    for (let offset = 0; ; offset += MAX_LIST_LIMIT) {
      const page = await gateway.listPayouts({
        createdFrom: from,
        createdTo: to,
        offset,
        limit: MAX_LIST_LIMIT,
      });
      if (page.kind !== 'page') {
        throw ApplicationFailure.retryable(
          `the gateway's order listing gave no usable page at offset ${offset} (${page.kind})`,
          ActivityFailureType.GatewayUnavailable,
        );
      }
      orders.push(...page.orders);
      heartbeat({ listed: orders.length });
      const done =
        page.total === null ? page.orders.length < MAX_LIST_LIMIT : orders.length >= page.total;
      if (done || page.orders.length === 0) return orders;
    }
  }

  async function queryOne(merchantOrderId: string, amountCents: number): Promise<QueryOutcome> {
    const outcome = await gateway.queryPayout({ merchantOrderId, amountCents });
    if (outcome.kind === 'unavailable' || outcome.kind === 'bad-signature') {
      throw ApplicationFailure.retryable(
        `the gateway gave no usable answer for ${merchantOrderId} (${outcome.kind})`,
        ActivityFailureType.GatewayUnavailable,
      );
    }
    return outcome;
  }

  return {
    async compareGatewayWindow({ platformId, from, to }) {
      ownMerchant(platformId);
      const records = recordsOf(platformId);
      const orders = await listWindow(toSeconds(from), toSeconds(to));
      const payouts = await records.byOrderIds(orders.map((o) => o.payoutClId));
      const differences: Difference[] = [];
      for (const order of orders) {
        const d = compareOrder(order, payouts.get(order.payoutClId), platformId);
        if (d !== null) differences.push(d);
      }
      // Our side: a SUCCEEDED payout the listing lacks is asked for by its own id, since a
      // resubmit may have created its order after the window.
      const listed = new Set(orders.map((o) => o.payoutClId));
      const succeeded = await records.succeededStartedIn(new Date(from), new Date(to));
      for (const [orderId, payout] of succeeded) {
        if (listed.has(orderId)) continue;
        const amountCents = payout.result?.amountCents ?? payout.amountCents;
        if (amountCents === null) continue;
        const outcome = await queryOne(orderId, amountCents);
        heartbeat({ checked: orderId });
        const order = 'order' in outcome ? outcome.order : undefined;
        const d =
          outcome.kind === 'not-found'
            ? missingAtGateway(orderId, payout)
            : order === undefined
              ? null
              : compareOrder(order, payout, platformId);
        if (d !== null) differences.push(d);
      }
      log.info('reconciliation window compared', {
        platformId,
        from,
        to,
        gatewayOrders: orders.length,
        differences: differences.length,
      });
      return {
        gatewayOrders: orders.length,
        payoutsCompared: payouts.size + succeeded.size,
        differences,
      };
    },

    async checkStalePayouts({ platformId, startedBefore, limit }) {
      ownMerchant(platformId);
      const stale = await recordsOf(platformId).runningStartedBefore(
        new Date(startedBefore),
        limit,
      );
      const differences: Difference[] = [];
      for (const [orderId, payout] of stale) {
        // Without its amount the order cannot be checked as ours; the window comparison covers it.
        if (payout.amountCents === null) continue;
        const outcome = await queryOne(orderId, payout.amountCents);
        heartbeat({ checked: orderId });
        const order = 'order' in outcome ? outcome.order : undefined;
        const d = order === undefined ? null : compareOrder(order, payout, platformId);
        if (d !== null) differences.push(d);
      }
      return { checked: stale.size, differences };
    },

    async actOnDifferences({ platformId, differences }) {
      ownMerchant(platformId);
      const outcomes: ActionOutcome[] = [];
      for (const d of differences) {
        outcomes.push(await act(platformId, d));
        heartbeat({ done: outcomes.length });
      }
      return outcomes;
    },
  };

  async function act(platformId: string, d: Difference): Promise<ActionOutcome> {
    const outcome = (o: ActionOutcome['outcome'], detail: string): ActionOutcome => ({
      merchantOrderId: d.merchantOrderId,
      kind: d.kind,
      action: d.action,
      outcome: o,
      detail,
    });
    if (d.action === 'report') return outcome('done', 'reported');
    if (d.action === 'dispute' && DISPUTE_REASONS.has(d.kind)) {
      const news = disputeNews(d, d.kind as DisputeReason);
      if (await resolvedBefore(platformId, d.merchantOrderId, news)) {
        return outcome('done', 'the same news was resolved by an operator before');
      }
      await openPayoutDispute(temporal.client, {
        platformId,
        merchantOrderId: d.merchantOrderId,
        taskQueue: temporal.taskQueue,
        result: d.payout?.result ?? null,
        news,
      });
      log.warn('reconciliation opened a dispute', {
        merchantOrderId: d.merchantOrderId,
        reason: d.kind,
      });
      return outcome('done', 'dispute opened');
    }
    try {
      const view: PayoutStatusView = await temporal.client.workflow
        .getHandle(payoutWorkflowId(platformId, d.merchantOrderId))
        .executeUpdate(checkNowUpdate, { args: [{ operatorId: RECONCILIATION_OPERATOR }] });
      return outcome('done', `checked: now ${view.status}`);
    } catch (error) {
      // Final since the comparison, or gone: the next run compares again.
      if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError) {
        return outcome(
          'refused',
          error.cause instanceof Error ? error.cause.message : error.message,
        );
      }
      throw error;
    }
  }

  /**
   * Whether the latest dispute of the order is closed and already held this news: windows
   * overlap, and what an operator resolved is not raised again.
   */
  async function resolvedBefore(
    platformId: string,
    merchantOrderId: string,
    news: DisputeNews,
  ): Promise<boolean> {
    const handle = temporal.client.workflow.getHandle(
      disputeWorkflowId(platformId, merchantOrderId),
    );
    let view: PayoutDisputeView;
    try {
      const described = await handle.describe();
      if (described.status.name !== 'COMPLETED') return false;
      view = (await handle.result()) as PayoutDisputeView;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
    return view.news.some((n) => sameNews(n, news));
  }
}

function disputeNews(d: Difference, reason: DisputeReason): DisputeNews {
  return {
    source: 'reconciliation',
    reason,
    state: d.gateway?.state ?? 'not-found',
    payoutId: d.gateway?.payoutId ?? null,
    amountCents: d.gateway?.amountCents ?? null,
    detail: d.detail,
    at: new Date().toISOString(),
  };
}

function toSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

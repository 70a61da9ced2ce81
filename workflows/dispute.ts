import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  ApplicationFailure,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { GatewayPayoutState } from '../vocabulary/gateway.js';
import {
  MerchantOrderIdKey,
  PayoutFailureType,
  PayoutStatusKey,
  PlatformIdKey,
  type FinalPayoutStatus,
} from './api.js';

/**
 * A dispute: verified news (a signed callback, a reconciliation query) that contradicts a
 * payout's final state. The payout's own workflow is closed; the dispute keeps both sides in
 * front of an operator, listed with the stuck payouts under `PayoutStatus="NEEDS_REVIEW"`, until
 * one resolves it.
 */

/** The workflow type name. */
export const PAYOUT_DISPUTE_WORKFLOW_TYPE = 'payoutDisputeWorkflow';

/** One dispute per payout at a time: `payout-dispute:<platformId>:<merchantOrderId>`. */
export function disputeWorkflowId(platformId: string, merchantOrderId: string): string {
  return `payout-dispute:${platformId}:${merchantOrderId}`;
}

/** What contradicts the final state. */
export interface DisputeNews {
  readonly source: 'callback' | 'reconciliation';
  readonly state: GatewayPayoutState | 'not-found';
  readonly payoutId: string | null;
  readonly amountCents: number | null;
  /** In words: what the news says and why it contradicts. */
  readonly detail: string;
  /** ISO 8601. */
  readonly at: string;
}

/** Input of the dispute workflow: the final state as the payout recorded it, and the news. */
export interface PayoutDisputeInput {
  readonly merchantOrderId: string;
  readonly platformId: string;
  readonly final: {
    readonly status: FinalPayoutStatus;
    readonly payoutId: string | null;
    readonly gatewayState: GatewayPayoutState | null;
    /** ISO 8601. */
    readonly resolvedAt: string;
  };
  readonly news: DisputeNews;
}

/** An operator's resolution: what was found out, and what was done about it. */
export interface DisputeResolution {
  readonly operatorId: string;
  readonly reason: string;
}

/** Result and query view of a dispute. */
export interface PayoutDisputeView {
  readonly merchantOrderId: string;
  readonly platformId: string;
  readonly final: PayoutDisputeInput['final'];
  /** Every piece of contradicting news, oldest first (at most 100; later ones are counted). */
  readonly news: readonly DisputeNews[];
  readonly moreNews: number;
  readonly resolution: (DisputeResolution & { readonly at: string }) | null;
}

/** Further contradicting news for an open dispute. */
export const disputeNewsSignal = defineSignal<[DisputeNews]>('disputeNews');
/** Resolves the dispute; answers with the view, or refuses (empty operatorId or reason). */
export const resolveDisputeUpdate = defineUpdate<PayoutDisputeView, [DisputeResolution]>(
  'resolveDispute',
);
/** Both sides of the dispute. */
export const disputeQuery = defineQuery<PayoutDisputeView>('dispute');

const MAX_NEWS = 100;

/** Waits for an operator to resolve the dispute; its result is the resolved view. */
export async function payoutDisputeWorkflow(input: PayoutDisputeInput): Promise<PayoutDisputeView> {
  const news: DisputeNews[] = [input.news];
  let moreNews = 0;
  let resolution: PayoutDisputeView['resolution'] = null;
  const view = (): PayoutDisputeView => ({
    merchantOrderId: input.merchantOrderId,
    platformId: input.platformId,
    final: input.final,
    news: [...news],
    moreNews,
    resolution,
  });
  const sa = workflowInfo().typedSearchAttributes;
  upsertSearchAttributes([
    { key: PayoutStatusKey, value: 'NEEDS_REVIEW' },
    ...(sa.get(MerchantOrderIdKey) === undefined
      ? [{ key: MerchantOrderIdKey, value: input.merchantOrderId }]
      : []),
    ...(sa.get(PlatformIdKey) === undefined
      ? [{ key: PlatformIdKey, value: input.platformId }]
      : []),
  ]);
  setHandler(disputeQuery, view);
  setHandler(disputeNewsSignal, (more) => {
    // The same news again (a signal-with-start repeats its start's news) is not new.
    const key = (n: DisputeNews) => `${n.source}|${n.state}|${n.payoutId}|${n.amountCents}`;
    if (news.some((n) => key(n) === key(more))) return;
    if (news.length < MAX_NEWS) news.push(more);
    else moreNews += 1;
  });
  setHandler(
    resolveDisputeUpdate,
    (r) => {
      resolution = {
        operatorId: r.operatorId.trim(),
        reason: r.reason.trim(),
        at: new Date().toISOString(),
      };
      return view();
    },
    {
      validator: (r: unknown) => {
        const v = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
        const text = (x: unknown) => typeof x === 'string' && x.trim() !== '';
        const ok = text(v['operatorId']) && text(v['reason']);
        if (!ok) {
          throw ApplicationFailure.create({
            type: PayoutFailureType.InvalidOperatorDecision,
            nonRetryable: true,
            message: 'invalid-input: operatorId and reason are required, non-empty strings',
          });
        }
        if (resolution !== null) {
          throw ApplicationFailure.create({
            type: PayoutFailureType.InvalidOperatorDecision,
            nonRetryable: true,
            message: 'dispute-resolved: the dispute is already resolved',
          });
        }
      },
    },
  );
  await condition(() => resolution !== null);
  upsertSearchAttributes([{ key: PayoutStatusKey, value: input.final.status }]);
  return view();
}

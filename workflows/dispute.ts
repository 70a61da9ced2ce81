import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  ApplicationFailure,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { GatewayPayoutState } from '../vocabulary/gateway.js';
import { yuan } from './answers.js';
import {
  MerchantOrderIdKey,
  PayoutEscalationKey,
  PayoutFailureType,
  PayoutStatusKey,
  PlatformIdKey,
  type FinalPayoutStatus,
} from './api.js';
import { observeDisputeOpened } from './metrics.js';

/**
 * A dispute: verified news (a signed callback, a reconciliation's listing) that contradicts what
 * our records say of an order whose payout workflow no longer follows it: a final payout the
 * gateway reports otherwise, an order no payout knows, a payout whose workflow ended without a
 * result. The dispute keeps both sides in front of an operator, listed with the stuck payouts
 * under `PayoutStatus="NEEDS_REVIEW"` (its reason in `PayoutEscalation`), until one resolves it.
 */

/** The workflow type name. */
export const PAYOUT_DISPUTE_WORKFLOW_TYPE = 'payoutDisputeWorkflow';

/** One dispute per payout at a time: `payout-dispute:<platformId>:<merchantOrderId>`. */
export function disputeWorkflowId(platformId: string, merchantOrderId: string): string {
  return `payout-dispute:${platformId}:${merchantOrderId}`;
}

/** Why a dispute was opened (also its `PayoutEscalation` while open). */
export type DisputeReason =
  /** A final payout, and verified news of another outcome, payout_id or amount. */
  | 'final-contradicted'
  /** A final payout, and the gateway still reports the order as not final: it may yet change. */
  | 'final-gateway-pending'
  /** The gateway holds an order under our merchant that no payout workflow knows. */
  | 'unknown-order'
  /** The payout's workflow ended without a result (terminated, timed out): nobody follows it. */
  | 'abandoned'
  /** A SUCCEEDED payout whose order the gateway does not find. */
  | 'missing-at-gateway';

/** The dispute reasons, in words an operator reads at a glance. */
export const DISPUTE_REASON_IN_WORDS: Readonly<Record<DisputeReason, string>> = {
  'final-contradicted': 'the payout is final, but the gateway reports another outcome',
  'final-gateway-pending': 'the payout is final, but the gateway still reports the order open',
  'unknown-order': 'the gateway holds an order that no payout workflow knows',
  abandoned: "the payout's workflow ended without a result: nobody follows this order",
  'missing-at-gateway': 'the payout SUCCEEDED, but the gateway does not find the order',
};

/** What contradicts our records. */
export interface DisputeNews {
  readonly source: 'callback' | 'reconciliation';
  readonly reason: DisputeReason;
  readonly state: GatewayPayoutState | 'not-found';
  readonly payoutId: string | null;
  readonly amountCents: number | null;
  /** In words: what the news says and why it contradicts. */
  readonly detail: string;
  /** ISO 8601. */
  readonly at: string;
}

/**
 * Input of the dispute workflow: the final state as the payout recorded it (null when no payout
 * workflow recorded one: see the news), and the news.
 */
export interface PayoutDisputeInput {
  readonly merchantOrderId: string;
  readonly platformId: string;
  readonly final: {
    readonly status: FinalPayoutStatus;
    readonly payoutId: string | null;
    readonly gatewayState: GatewayPayoutState | null;
    /** ISO 8601. */
    readonly resolvedAt: string;
  } | null;
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

/** Whether two pieces of news say the same thing (their time and wording aside). */
export function sameNews(a: DisputeNews, b: DisputeNews): boolean {
  const key = (n: DisputeNews) =>
    `${n.source}|${n.reason}|${n.state}|${n.payoutId}|${n.amountCents}`;
  return key(a) === key(b);
}

/** Waits for an operator to resolve the dispute; its result is the resolved view. */
export async function payoutDisputeWorkflow(input: PayoutDisputeInput): Promise<PayoutDisputeView> {
  observeDisputeOpened(input.news.reason);
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
    { key: PayoutEscalationKey, value: input.news.reason },
    ...(sa.get(MerchantOrderIdKey) === undefined
      ? [{ key: MerchantOrderIdKey, value: input.merchantOrderId }]
      : []),
    ...(sa.get(PlatformIdKey) === undefined
      ? [{ key: PlatformIdKey, value: input.platformId }]
      : []),
  ]);
  setHandler(disputeQuery, view);
  setCurrentDetails(disputeDetails(view()));
  setHandler(disputeNewsSignal, (more) => {
    // The same news again (a signal-with-start repeats its start's news, reconciliation windows
    // overlap) is not new.
    if (news.some((n) => sameNews(n, more))) return;
    if (news.length < MAX_NEWS) news.push(more);
    else moreNews += 1;
    setCurrentDetails(disputeDetails(view()));
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
  // Listed as what the payout was, or (no final to go back to) no longer as a payout at all.
  upsertSearchAttributes([
    { key: PayoutStatusKey, value: input.final?.status ?? null },
    { key: PayoutEscalationKey, value: null },
  ]);
  setCurrentDetails(disputeDetails(view()));
  return view();
}

/** The dispute in markdown for the Web UI: both sides, and how to resolve it. */
export function disputeDetails(view: PayoutDisputeView): string {
  const first = view.news[0];
  const lines = [
    view.resolution === null
      ? `**Dispute open** for \`${view.merchantOrderId}\``
      : `**Dispute resolved** by ${view.resolution.operatorId} at ${view.resolution.at}: ${view.resolution.reason}`,
  ];
  if (first) lines.push(`**Why:** ${DISPUTE_REASON_IN_WORDS[first.reason]} (\`${first.reason}\`).`);
  lines.push(
    view.final === null
      ? '**Our records:** no final payout result.'
      : `**Our records:** ${view.final.status} at ${view.final.resolvedAt}, payout_id ${view.final.payoutId ?? 'none'}, gateway state ${view.final.gatewayState ?? 'none'}.`,
  );
  for (const n of view.news) {
    const amount = n.amountCents === null ? '' : `, ${yuan(n.amountCents)}`;
    lines.push(
      `- ${n.at} ${n.source}: ${n.state}${n.payoutId === null ? '' : ` (payout_id ${n.payoutId}${amount})`}. ${n.detail}`,
    );
  }
  if (view.moreNews > 0) lines.push(`- and ${view.moreNews} more`);
  if (view.resolution === null) {
    lines.push(
      'Check the order with the gateway and the bank, put things right, then **Send an Update** → `resolveDispute`:',
      '```json',
      JSON.stringify({ operatorId: '<you>', reason: '<what you found and did>' }),
      '```',
    );
  }
  return lines.join('\n\n');
}

import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import { PayoutStatus } from './types.js';

/**
 * Search attributes every payout keeps current, so operators can find payouts in the Web UI and
 * CLI, e.g. `temporal workflow list --query 'PayoutStatus="NEEDS_REVIEW"'`. The local stack and
 * `npm run temporal:setup` register them; a real cluster needs them registered once.
 */
export const PayoutStatusKey = defineSearchAttributeKey('PayoutStatus', 'KEYWORD');
export const MerchantOrderIdKey = defineSearchAttributeKey('MerchantOrderId', 'KEYWORD');
export const PlatformIdKey = defineSearchAttributeKey('PlatformId', 'KEYWORD');
export const AmountCentsKey = defineSearchAttributeKey('AmountCents', 'INT');

/** All of them, for registration. */
export const PAYOUT_SEARCH_ATTRIBUTES = [
  PayoutStatusKey,
  MerchantOrderIdKey,
  PlatformIdKey,
  AmountCentsKey,
] as const;

/**
 * The search attributes a payout starts with: pass them as `typedSearchAttributes` when starting
 * the workflow, so the payout is listed from its first moment. The workflow keeps
 * `PayoutStatus` current from then on.
 */
export function payoutStartSearchAttributes(
  request: { readonly merchantOrderId: string; readonly amountCents: number },
  platformId: string,
): SearchAttributePair[] {
  return [
    { key: PayoutStatusKey, value: PayoutStatus.Submitting },
    { key: MerchantOrderIdKey, value: request.merchantOrderId },
    { key: PlatformIdKey, value: platformId },
    { key: AmountCentsKey, value: request.amountCents },
  ];
}

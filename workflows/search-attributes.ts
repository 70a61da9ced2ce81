import { defineSearchAttributeKey } from '@temporalio/common';

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

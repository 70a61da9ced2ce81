import { canonicalString, signCanonical, type WireValue } from '../gateway/sign.js';
import type { SandboxMerchant } from './options.js';
import type { SandboxOrder } from './state.js';

/** What a query reports of an order, after the scenario's distortions. */
export interface ReportedOrder {
  readonly statusCode: number;
  readonly amountCents: number;
  readonly badSign: boolean;
}

const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Adds `sign` (and `sign_type` for HMAC merchants) over exactly the fields given, as the receiver
 * will see them. `badSign` signs with a wrong key instead.
 */
function signFields(
  fields: Record<string, WireValue>,
  merchant: SandboxMerchant,
  badSign: boolean,
): Record<string, WireValue> {
  const out: Record<string, WireValue> = { ...fields };
  if (merchant.signMode === 'hmac-sha256') out['sign_type'] = 'HMAC-SHA256';
  const key = badSign ? `${merchant.secret}-not-the-key` : merchant.secret;
  out['sign'] = signCanonical(canonicalString(out, { strict: false }), key, merchant.signMode);
  return out;
}

/** One item of a query answer. */
export function queryItem(
  order: SandboxOrder,
  reported: ReportedOrder,
  merchant: SandboxMerchant,
): Record<string, WireValue> {
  const fields = {
    amount: reported.amountCents,
    real_amount: reported.amountCents,
    fee: 0,
    payout_id: order.payoutId,
    payout_cl_id: order.payoutClId,
    platform_id: order.platformId,
    platform_channel_id: 'CH0004',
    status: reported.statusCode,
    memo: reported.statusCode === 5 ? order.scenario.failureMessage : '',
    create_time: toSeconds(order.createTimeMs),
    update_time: toSeconds(order.updateTimeMs),
  };
  return signFields(fields, merchant, reported.badSign);
}

/** The body of a callback reporting `statusCode` for the order. */
export function callbackBody(
  order: SandboxOrder,
  statusCode: number,
  merchant: SandboxMerchant,
): Record<string, WireValue> {
  const fields: Record<string, WireValue> = {
    payout_id: order.payoutId,
    payout_cl_id: order.payoutClId,
    platform_id: order.platformId,
    amount: order.amountCents,
    real_amount: order.amountCents,
    fee: 0,
    status: statusCode,
    create_time: toSeconds(order.createTimeMs),
    update_time: toSeconds(order.updateTimeMs),
  };
  if (statusCode === 5) fields['error_msg'] = order.scenario.failureMessage;
  return signFields(fields, merchant, order.scenario.callbacks.badSign);
}

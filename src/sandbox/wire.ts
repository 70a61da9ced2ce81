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

/** The fields a query item and a callback share, reporting `statusCode` and `amountCents`. */
function orderFields(order: SandboxOrder, statusCode: number, amountCents: number) {
  return {
    payout_id: order.payoutId,
    payout_cl_id: order.payoutClId,
    platform_id: order.platformId,
    amount: amountCents,
    real_amount: amountCents,
    fee: 0,
    status: statusCode,
    create_time: toSeconds(order.createTimeMs),
    update_time: toSeconds(order.updateTimeMs),
  };
}

/** One item of a query answer; `memo` holds a failed order's message. */
export function queryItem(
  order: SandboxOrder,
  reported: ReportedOrder,
  merchant: SandboxMerchant,
): Record<string, WireValue> {
  const { statusCode, amountCents, badSign } = reported;
  const memo = statusCode === 5 ? order.scenario.failureMessage : '';
  const fields = { ...orderFields(order, statusCode, amountCents), platform_channel_id: 'CH0004' };
  return signFields({ ...fields, memo }, merchant, badSign);
}

/** The body of a callback reporting `statusCode` for the order (`error_msg` when failed). */
export function callbackBody(
  order: SandboxOrder,
  statusCode: number,
  merchant: SandboxMerchant,
): Record<string, WireValue> {
  const fields: Record<string, WireValue> = orderFields(order, statusCode, order.amountCents);
  if (statusCode === 5) fields['error_msg'] = order.scenario.failureMessage;
  return signFields(fields, merchant, order.scenario.callbacks.badSign);
}

import { canonicalString, signCanonical, type WireValue } from '../gateway/sign.js';
import type { SandboxMerchant } from './options.js';
import type { SandboxOrder } from './order.js';

/** Numbers as JSON numbers or as strings, as the sandbox is configured. */
export type NumberStyle = 'number' | 'string';

/** What a query reports of an order, after the scenario's distortions. */
export interface ReportedOrder {
  readonly statusCode: number;
  readonly amountCents: number;
  readonly badSign: boolean;
}

const toSeconds = (ms: number): number => Math.floor(ms / 1000);

function num(value: number, style: NumberStyle): number | string {
  return style === 'string' ? String(value) : value;
}

/**
 * Adds `sign` (and `sign_type` for HMAC merchants) to `fields`, over exactly the fields given,
 * as the receiver will see them. `badSign` signs with a wrong key instead.
 */
export function signFields(
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
  style: NumberStyle,
): Record<string, WireValue> {
  const fee = merchant.feeCents ?? 0;
  return signFields(
    {
      amount: num(reported.amountCents, style),
      real_amount: num(reported.amountCents, style),
      fee: num(fee, style),
      payout_id: order.payoutId,
      payout_cl_id: order.payoutClId,
      platform_id: order.platformId,
      platform_channel_id: 'CH0004',
      status: num(reported.statusCode, style),
      memo: reported.statusCode === 5 ? order.scenario.failureMessage : '',
      create_time: num(toSeconds(order.createTimeMs), style),
      update_time: num(toSeconds(order.updateTimeMs), style),
    },
    merchant,
    reported.badSign,
  );
}

/** The body of a callback reporting `statusCode` for the order. */
export function callbackBody(
  order: SandboxOrder,
  statusCode: number,
  merchant: SandboxMerchant,
  style: NumberStyle,
): Record<string, WireValue> {
  const fields: Record<string, WireValue> = {
    payout_id: order.payoutId,
    payout_cl_id: order.payoutClId,
    platform_id: order.platformId,
    amount: num(order.amountCents, style),
    real_amount: num(order.amountCents, style),
    fee: num(merchant.feeCents ?? 0, style),
    status: num(statusCode, style),
    create_time: num(toSeconds(order.createTimeMs), style),
    update_time: num(toSeconds(order.updateTimeMs), style),
  };
  if (statusCode === 5) fields['error_msg'] = order.scenario.failureMessage;
  return signFields(fields, merchant, order.scenario.callbacks.badSign);
}

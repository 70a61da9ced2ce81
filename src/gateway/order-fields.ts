import { z } from 'zod';
import { gatewayStateOf } from '../../vocabulary/gateway.js';
import { parseWireId, parseWireInteger } from './wire-values.js';

/**
 * Zod pieces for fields the gateway sends in orders and callbacks, where a number may arrive
 * as a JSON number or a string of digits. Checked after the sign, on the values as received.
 */

/** A required field read by `parse`; `rule` says what it must be when it is not. */
function requiredWireField<T>(parse: (value: unknown) => T | undefined, rule: string) {
  return z.unknown().transform((value, ctx) => {
    const parsed = parse(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: rule });
      return z.NEVER;
    }
    return parsed;
  });
}

/** A required non-negative integer, as a number. */
export const wireIntegerField = requiredWireField(
  parseWireInteger,
  'required, a non-negative integer',
);

/**
 * An informational integer (fee, times): kept when it is one, dropped otherwise, since a
 * deployment sending e.g. a date string there must not make an order or callback unreadable.
 */
export const lenientIntegerField = z
  .unknown()
  .transform((value) => parseWireInteger(value))
  .optional();

/** A required identifier (payout_id), as a string. */
export const wireIdField = requiredWireField(
  parseWireId,
  'required, a non-empty id of at most 64 characters',
);

/** A field compared with what we sent (payout_cl_id, platform_id), as received, as text. */
export const comparedTextField = z
  .union([z.string(), z.number()], {
    error: 'required, a string',
  })
  .transform(String);

/** Optional text (memo, error_msg): kept when it is a string. */
export const lenientTextField = z
  .unknown()
  .transform((value) => (typeof value === 'string' && value !== '' ? value : undefined))
  .optional();

/** The order fields shared by query items and callbacks. */
export const orderShape = {
  payout_id: wireIdField,
  payout_cl_id: comparedTextField,
  platform_id: comparedTextField,
  amount: wireIntegerField,
  status: wireIntegerField,
  real_amount: lenientIntegerField,
  fee: lenientIntegerField,
  create_time: lenientIntegerField,
  update_time: lenientIntegerField,
};

/** Parsed order fields, as named in our types. */
export interface ParsedOrderFields {
  readonly payout_id: string;
  readonly payout_cl_id: string;
  readonly platform_id: string;
  readonly amount: number;
  readonly status: number;
  readonly real_amount?: number | undefined;
  readonly fee?: number | undefined;
  readonly create_time?: number | undefined;
  readonly update_time?: number | undefined;
}

/** The common part of GatewayOrder and PayoutNotification; absent optionals are left out. */
export function orderCore(f: ParsedOrderFields) {
  return {
    payoutId: f.payout_id,
    payoutClId: f.payout_cl_id,
    platformId: f.platform_id,
    state: gatewayStateOf(f.status),
    statusCode: f.status,
    amountCents: f.amount,
    ...(f.real_amount === undefined ? {} : { realAmountCents: f.real_amount }),
    ...(f.fee === undefined ? {} : { feeCents: f.fee }),
    ...(f.create_time === undefined ? {} : { createTime: f.create_time }),
    ...(f.update_time === undefined ? {} : { updateTime: f.update_time }),
  };
}

import { z } from 'zod';
import { merchantOrderIdSchema } from './ids.js';
import { toFieldIssues } from '../errors.js';
import type { GatewayConfig } from './config.js';
import { lenientTextField, orderCore, orderShape } from './order-fields.js';
import { type WireValue, acceptedSignMode, verifySign } from './sign.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import { isJsonObject, receivedFieldsAsText } from './wire-values.js';

/** Why a callback was refused. */
export type CallbackErrorCode = 'bad-signature' | 'malformed' | 'wrong-platform';

/** Result of {@link verifyCallback}: a verified notification, or why there is none. */
export type CallbackVerification =
  | { readonly ok: true; readonly notification: PayoutNotification }
  | {
      readonly ok: false;
      readonly error: { readonly code: CallbackErrorCode; readonly detail: string };
    };

/** Fields a callback must carry. */
export const REQUIRED_CALLBACK_FIELDS = [
  'payout_id',
  'payout_cl_id',
  'platform_id',
  'amount',
  'status',
  'sign',
] as const;

const callbackSchema = z.looseObject({
  ...orderShape,
  // Only an id we could have sent names one of our payouts (and its workflow id): refused here,
  // a stray id would fail later, where the gateway would read the failure as "retry".
  payout_cl_id: orderShape.payout_cl_id.pipe(merchantOrderIdSchema),
  error_msg: lenientTextField,
});

/**
 * Verifies a callback the gateway POSTed to `notify_url`: the parsed JSON body (or its text).
 *
 * The sign is checked over every received field but `sign` and `sign_type`, so fields the
 * gateway adds later are covered too, in the one mode `acceptedSignMode` allows (configured HMAC:
 * HMAC only; configured MD5: that form, or HMAC when `sign_type` says so). Order: `malformed` (a
 * required field missing), then `bad-signature`, then `malformed` (a signed field of the wrong
 * shape, or a `payout_cl_id` that cannot be one of our merchant order ids), then
 * `wrong-platform`. Details name fields, never values. The amount is not checked here: the
 * workflow compares it with its order.
 */
export function verifyCallback(body: unknown, config: GatewayConfig): CallbackVerification {
  let fields: unknown = body;
  if (typeof body === 'string') {
    try {
      fields = JSON.parse(body);
    } catch {
      return refuse('malformed', 'body is not JSON');
    }
  }
  if (!isJsonObject(fields)) return refuse('malformed', 'body is not a JSON object');

  const missing = REQUIRED_CALLBACK_FIELDS.filter((name) => {
    const value = fields[name];
    return value === undefined || value === null || value === '';
  });
  if (missing.length > 0) return refuse('malformed', `missing fields: ${missing.join(', ')}`);
  if (typeof fields['sign'] !== 'string') return refuse('malformed', 'sign: must be a string');

  // Parsed JSON holds only JSON values, all of which are WireValues.
  const received = fields as Record<string, WireValue>;
  const mode = acceptedSignMode(fields['sign_type'], config.signMode);
  if (!verifySign(received, config.secret, mode)) {
    return refuse('bad-signature', `sign does not verify (${mode})`);
  }

  const parsed = callbackSchema.safeParse(fields);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error).map((i) => `${i.field}: ${i.rule}`);
    return refuse('malformed', issues.join('; '));
  }
  const f = parsed.data;
  if (f.platform_id !== config.platformId) {
    return refuse('wrong-platform', 'platform_id is not our merchant id');
  }
  return {
    ok: true,
    notification: {
      ...orderCore(f),
      ...(f.error_msg === undefined ? {} : { errorMessage: f.error_msg }),
      fields: receivedFieldsAsText(fields),
    },
  };
}

function refuse(code: CallbackErrorCode, detail: string): CallbackVerification {
  return { ok: false, error: { code, detail } };
}

import { z } from 'zod';
import { ValidationError, toFieldIssues } from '../errors.js';
import type { PayoutRequest } from '../client/request.js';
import type { GatewayConfig } from './config.js';
import { UnsignableFieldError, sign } from './sign.js';

/** The fixed service id of CNY bank-card payouts. */
export const PAYOUT_SERVICE_ID = 'SVC0004';

/** A number the gateway takes as a JSON string or a JSON number, per configuration. */
export type WireInteger = string | number;

/** The create call's fields as sent, before `sign`. */
export type WireCreateFields = {
  readonly platform_id: string;
  readonly service_id: typeof PAYOUT_SERVICE_ID;
  readonly payout_cl_id: string;
  readonly amount: WireInteger;
  readonly notify_url?: string;
  readonly bank_name: string;
  readonly name: string;
  readonly number: string;
  readonly bank_branch?: string;
  readonly province?: string;
  readonly city?: string;
  readonly request_time: WireInteger;
  /** Only in hmac-sha256 mode; MD5 is what the gateway assumes without it. */
  readonly sign_type?: 'HMAC-SHA256';
};

/** A create call ready to send: `body` is `JSON.stringify(fields)`, and `fields.sign` covers it. */
export interface SignedCreateRequest {
  readonly fields: WireCreateFields & { readonly sign: string };
  readonly body: string;
}

const SUBJECT = 'gateway create request';

/** A JSON string or number holding a positive integer of at most `maxDigits` digits. */
function wireInteger(rule: string, test: (digits: string) => boolean) {
  return z
    .union([z.string(), z.number()], { error: 'required, a string or a number' })
    .refine((v) => {
      const text = typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : '') : v;
      return /^[1-9][0-9]*$/.test(text) && test(text);
    }, rule);
}

const text = (max?: number) => {
  const base = z
    .string({ error: 'required, a string' })
    .refine((v) => v.trim().length > 0, 'must not be empty');
  return max === undefined
    ? base
    : base.refine((v) => v.length <= max, `at most ${max} characters`);
};

/**
 * The wire create request with every rule of the gateway's spec. The notify URL must be https,
 * unless `allowHttp` (local sandbox only).
 */
export function wireCreateRequestSchema(options: { readonly allowHttp: boolean }) {
  const notifyRule = options.allowHttp ? 'an http(s) URL' : 'an https URL';
  return z
    .object({
      platform_id: text(7),
      service_id: z.literal(PAYOUT_SERVICE_ID, { error: `must be ${PAYOUT_SERVICE_ID}` }),
      payout_cl_id: text(32),
      amount: wireInteger('a positive integer of cents, at most 10 digits', (d) => d.length <= 10),
      notify_url: z
        .string({ error: 'a string' })
        .max(256, 'at most 256 characters')
        .refine((v) => {
          if (!URL.canParse(v)) return false;
          const scheme = new URL(v).protocol;
          return scheme === 'https:' || (options.allowHttp && scheme === 'http:');
        }, notifyRule)
        .optional(),
      bank_name: text(),
      name: text(),
      number: text(),
      bank_branch: text().optional(),
      province: text().optional(),
      city: text().optional(),
      request_time: wireInteger(
        'Unix seconds: a positive integer of 10 digits',
        (d) => d.length === 10,
      ),
      sign_type: z.literal('HMAC-SHA256', { error: 'HMAC-SHA256 when given' }).optional(),
    })
    .strict();
}

/**
 * Builds the exact wire fields of a create call, validates them and signs them. Amount and
 * request time are rendered once, as configured, and the signed object is the one serialized.
 *
 * @param now milliseconds since the epoch; `request_time` is its whole seconds.
 * @throws {ValidationError} naming each bad wire field and its rule; nothing may be sent.
 */
export function buildCreateRequest(
  request: PayoutRequest,
  config: GatewayConfig,
  now: () => number,
): SignedCreateRequest {
  const render = (value: number, format: 'string' | 'number'): WireInteger =>
    format === 'string' ? String(value) : value;
  const fields: WireCreateFields = {
    platform_id: config.platformId,
    service_id: PAYOUT_SERVICE_ID,
    payout_cl_id: request.merchantOrderId,
    amount: render(request.amountCents, config.amountFormat),
    ...(config.notifyUrl === undefined ? {} : { notify_url: config.notifyUrl }),
    bank_name: request.bankName,
    name: request.recipientName,
    number: request.accountNumber,
    ...(request.bankBranch === undefined ? {} : { bank_branch: request.bankBranch }),
    ...(request.province === undefined ? {} : { province: request.province }),
    ...(request.city === undefined ? {} : { city: request.city }),
    request_time: render(Math.floor(now() / 1000), config.requestTimeFormat),
    ...(config.signMode === 'hmac-sha256' ? { sign_type: 'HMAC-SHA256' as const } : {}),
  };

  const checked = wireCreateRequestSchema(config).safeParse(fields);
  if (!checked.success) throw new ValidationError(SUBJECT, toFieldIssues(checked.error));

  let signature: string;
  try {
    signature = sign(fields, config.secret, config.signMode);
  } catch (error) {
    if (error instanceof UnsignableFieldError) {
      throw new ValidationError(SUBJECT, [{ field: error.field, rule: error.rule }]);
    }
    throw error;
  }
  const signed = { ...fields, sign: signature };
  return { fields: signed, body: JSON.stringify(signed) };
}

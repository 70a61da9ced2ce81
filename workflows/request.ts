import { z } from 'zod';

/**
 * C0 and C1 control characters and DEL. The gateway's sign string is `k=v&k=v` with no escaping,
 * so text holding them (or `&` and `=`) cannot be signed unambiguously; C1 controls are refused
 * too, since no legitimate name, bank or place holds them and some decoders treat them as breaks.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** The separators of the sign string. */
export const SIGN_SEPARATORS = /[&=]/;

/** A UTF-16 surrogate without its partner: it has no UTF-8 form, so signed and sent text differ. */
export const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot go into a signed gateway field, or `undefined` when it can. The one rule of
 * the payout request schema below and of the gateway client's strict signing (src/gateway/sign.ts).
 * `allowSeparators` is for a URL (`notify_url`), which the gateway signs as is.
 */
export function unsignableTextRule(
  text: string,
  options: { readonly allowSeparators?: boolean } = {},
): string | undefined {
  if (CONTROL_CHARACTERS.test(text)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  if (options.allowSeparators !== true && SIGN_SEPARATORS.test(text)) {
    return 'must not contain & or =';
  }
  return undefined;
}

/**
 * A merchant order id (the gateway's `payout_cl_id`): letters, digits, `_` and `-`, 1 to 32. Also
 * checked on ids the gateway sends back, since only such an id can name one of our payouts.
 */
export const merchantOrderIdSchema = z
  .string({ error: 'required, a string' })
  .min(1, 'must not be empty')
  .max(32, 'at most 32 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and -');

/**
 * A merchant id (the gateway's `platform_id`, String(7)): letters and digits, 1 to 7. One rule
 * for the worker's GATEWAY_PLATFORM_ID and the workflow input, so a worker never runs with an id
 * its payouts would refuse.
 */
export const PLATFORM_ID_PATTERN = /^[A-Za-z0-9]{1,7}$/;

/** The rule of {@link PLATFORM_ID_PATTERN}, as words. */
export const PLATFORM_ID_RULE = 'letters and digits only, 1 to 7 characters';

/** The platform id rule, as a schema. */
export const platformIdSchema = z
  .string({ error: 'required, a string' })
  .regex(PLATFORM_ID_PATTERN, PLATFORM_ID_RULE);

/** Free text sent in a signed field: trimmed, non-empty, at most `max`, and signable. */
const signableText = (max: number, required: boolean) =>
  z
    .string({ error: required ? 'required, a string' : 'a string' })
    .trim()
    .min(1, required ? 'must not be empty' : 'must not be empty when given')
    .max(max, `at most ${max} characters`)
    .superRefine((value, ctx) => {
      const rule = unsignableTextRule(value);
      if (rule !== undefined) ctx.addIssue({ code: 'custom', message: rule });
    });

/**
 * A payout as a backend service asks for it: the merchant's order id (sent as `payout_cl_id`),
 * the amount in cents and the recipient's bank card. Credentials and `notify_url` are never part
 * of it: they belong to the worker's configuration. Whatever it accepts can be signed and sent.
 */
export const payoutRequestSchema = z
  .object({
    merchantOrderId: merchantOrderIdSchema,
    amountCents: z
      .number({ error: 'required, a number of cents' })
      .int('must be a whole number of cents')
      .positive('must be positive')
      .max(9_999_999_999, 'at most 10 digits'),
    bankName: signableText(64, true),
    recipientName: signableText(64, true),
    accountNumber: z
      .string({ error: 'required, a string' })
      .regex(/^[0-9A-Za-z]{1,34}$/, 'letters and digits only, 1 to 34 characters'),
    bankBranch: signableText(128, false).optional(),
    province: signableText(64, false).optional(),
    city: signableText(64, false).optional(),
  })
  .strict();

/** A validated payout request. */
export type PayoutRequest = z.infer<typeof payoutRequestSchema>;

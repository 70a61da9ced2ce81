import { z } from 'zod';

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

/**
 * A payout as a backend service asks for it: the merchant's order id (sent as `payout_cl_id`),
 * the amount in cents and the recipient's bank card. Credentials and `notify_url` are never part
 * of it: they belong to the worker's configuration.
 */
export const payoutRequestSchema = z
  .object({
    merchantOrderId: z
      .string({ error: 'required, a string' })
      .min(1, 'must not be empty')
      .max(32, 'at most 32 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and -'),
    amountCents: z
      .number({ error: 'required, a number of cents' })
      .int('must be a whole number of cents')
      .positive('must be positive')
      .max(9_999_999_999, 'at most 10 digits'),
    bankName: z
      .string({ error: 'required, a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(64, 'at most 64 characters'),
    recipientName: z
      .string({ error: 'required, a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(64, 'at most 64 characters'),
    accountNumber: z
      .string({ error: 'required, a string' })
      .regex(/^[0-9A-Za-z]{1,34}$/, 'letters and digits only, 1 to 34 characters'),
    bankBranch: z
      .string()
      .trim()
      .min(1, 'must not be empty when given')
      .max(128, 'at most 128 characters')
      .optional(),
    province: z
      .string()
      .trim()
      .min(1, 'must not be empty when given')
      .max(64, 'at most 64 characters')
      .optional(),
    city: z
      .string()
      .trim()
      .min(1, 'must not be empty when given')
      .max(64, 'at most 64 characters')
      .optional(),
  })
  .strict();

/** A validated payout request. */
export type PayoutRequest = z.infer<typeof payoutRequestSchema>;

import { z } from 'zod';

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

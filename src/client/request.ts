import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { fieldIssues } from '../../vocabulary/issues.js';
import { checkPayoutRequest, type PayoutRequest } from '../../vocabulary/payout-request.js';

/**
 * The payout request at the client library's boundary: zod, over the one set of rules the
 * workflow checks too (vocabulary/payout-request.ts), so the two can never disagree.
 */
export const payoutRequestSchema: z.ZodType<PayoutRequest> = z.unknown().transform((input, ctx) => {
  const checked = checkPayoutRequest(input);
  if (checked.ok) return checked.value;
  for (const issue of checked.issues) {
    ctx.addIssue({ code: 'custom', message: issue.rule, path: issue.field.split('.') });
  }
  return z.NEVER;
});

/** Validates a payout request; throws {@link ValidationError} naming every bad field. */
export function parsePayoutRequest(input: unknown): PayoutRequest {
  const result = payoutRequestSchema.safeParse(input);
  if (!result.success) throw new ValidationError('payout request', fieldIssues(result.error));
  return result.data;
}

export type { PayoutRequest };

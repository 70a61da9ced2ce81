import { ValidationError, toFieldIssues } from '../errors.js';
import { payoutRequestSchema, type PayoutRequest } from '../../workflows/request.js';

// One schema for both sides: the client validates before it starts anything, and the workflow
// checks its input again (it may import no runtime code from src/, so the schema lives there).
export { payoutRequestSchema, type PayoutRequest };

/** Validates a payout request; throws {@link ValidationError} naming every bad field. */
export function parsePayoutRequest(input: unknown): PayoutRequest {
  const result = payoutRequestSchema.safeParse(input);
  if (!result.success) throw new ValidationError('payout request', toFieldIssues(result.error));
  return result.data;
}

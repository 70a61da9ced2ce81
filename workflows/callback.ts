import { z } from 'zod';
import type { GatewayPayoutState, PayoutNotification } from '../src/gateway/types.js';
import type { CallbackSummary } from './evidence.js';
import { issueLines } from './field-issues.js';

const GATEWAY_STATES = [
  'scheduled',
  'pending',
  'processing',
  'success',
  'cancelled',
  'failed',
  'under-review',
  'unknown-status',
] as const satisfies readonly GatewayPayoutState[];

const cents = z.number().int().nonnegative();

/**
 * A callback signal's payload (a `PayoutNotification` whose sign the receiver verified), checked
 * again here because a signal can be sent by anyone with access to the namespace.
 */
const notificationSchema: z.ZodType<PayoutNotification> = z.object({
  payoutId: z.string().min(1),
  payoutClId: z.string().min(1),
  platformId: z.string().min(1),
  state: z.enum(GATEWAY_STATES),
  statusCode: z.number().int(),
  amountCents: cents,
  realAmountCents: cents.optional(),
  feeCents: cents.optional(),
  errorMessage: z.string().optional(),
  createTime: z.number().optional(),
  updateTime: z.number().optional(),
  fields: z.record(z.string(), z.string()),
});

/** The callback as recorded (without the raw fields), or the issues that made it unusable. */
export function parseCallback(
  input: unknown,
): { ok: true; notification: CallbackSummary } | { ok: false; issues: string[] } {
  const parsed = notificationSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: issueLines(parsed.error),
    };
  }
  const { fields: _fields, ...notification } = parsed.data;
  return { ok: true, notification };
}

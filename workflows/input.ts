import { z } from 'zod';
import type { PayoutRequest } from '../src/payout/request.js';
import { payoutWorkflowId } from './definitions.js';
import { payoutPolicySchema, type PayoutPolicy } from './policy.js';
import type { PayoutState } from './state.js';

/**
 * The payout request, checked again inside the workflow. It mirrors `payoutRequestSchema` in
 * src/payout/request.ts (a workflow may not import runtime code from src/); the type annotation
 * keeps the two in step.
 */
const requestSchema: z.ZodType<PayoutRequest> = z
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
    bankName: z.string({ error: 'required, a string' }).trim().min(1, 'must not be empty').max(64),
    recipientName: z
      .string({ error: 'required, a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(64),
    accountNumber: z
      .string({ error: 'required, a string' })
      .regex(/^[0-9A-Za-z]{1,34}$/, 'letters and digits only, 1 to 34 characters'),
    bankBranch: z.string().trim().min(1, 'must not be empty when given').max(128).optional(),
    province: z.string().trim().min(1, 'must not be empty when given').max(64).optional(),
    city: z.string().trim().min(1, 'must not be empty when given').max(64).optional(),
  })
  .strict();

/** A state carried by continue-as-new: checked for shape, not field by field (we wrote it). */
const resumeSchema = z.custom<PayoutState>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    (v as { version?: unknown }).version === 1 &&
    typeof (v as { status?: unknown }).status === 'string' &&
    Array.isArray((v as { evidence?: { entries?: unknown } }).evidence?.entries),
  'a payout state carried by continue-as-new',
);

const inputSchema = z
  .object(
    {
      request: requestSchema,
      platformId: z
        .string({ error: 'required, a string' })
        .regex(/^[A-Za-z0-9]{1,16}$/, 'letters and digits only, 1 to 16 characters'),
      policy: payoutPolicySchema.optional(),
      resume: resumeSchema.optional(),
    },
    { error: 'an object with request and platformId' },
  )
  .strict();

/** The workflow input after validation, with the policy's defaults filled in. */
export interface ParsedPayoutInput {
  readonly request: PayoutRequest;
  readonly platformId: string;
  readonly policy: PayoutPolicy;
  readonly resume: PayoutState | null;
}

/** One broken rule: `field` is a dotted path. */
export interface InputIssue {
  readonly field: string;
  readonly rule: string;
}

/**
 * Validates the workflow's input, and that the workflow runs under the id
 * {@link payoutWorkflowId} gives for it: the id is what makes a start idempotent, so a payout
 * started under another id could be submitted twice.
 */
export function parsePayoutWorkflowInput(
  input: unknown,
  workflowId: string,
): { ok: true; value: ParsedPayoutInput } | { ok: false; issues: InputIssue[] } {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        field: i.path.length > 0 ? i.path.map(String).join('.') : '(root)',
        rule: i.message,
      })),
    };
  }
  const { request, platformId, policy, resume } = parsed.data;
  const issues: InputIssue[] = [];
  const expectedId = payoutWorkflowId(platformId, request.merchantOrderId);
  if (workflowId !== expectedId) {
    issues.push({ field: '(workflowId)', rule: `must be ${expectedId}` });
  }
  if (
    resume !== undefined &&
    (resume.merchantOrderId !== request.merchantOrderId || resume.platformId !== platformId)
  ) {
    issues.push({ field: 'resume', rule: 'must belong to the same payout' });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      request,
      platformId,
      policy: policy ?? payoutPolicySchema.parse({}),
      resume: resume ?? null,
    },
  };
}

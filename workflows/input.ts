import { z } from 'zod';
import { payoutRequestSchema as requestSchema, type PayoutRequest } from './request.js';
import { platformIdSchema } from './request.js';
import { payoutWorkflowId } from './definitions.js';
import { fieldIssues } from './field-issues.js';
import { payoutPolicySchema, type PayoutPolicy } from './policy.js';
import type { PayoutState } from './state.js';

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
      platformId: platformIdSchema,
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
      issues: fieldIssues(parsed.error),
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

import { payoutWorkflowId } from './ids.js';
import type { FieldIssue } from '../vocabulary/issues.js';
import { parsePayoutPolicy, type PayoutPolicy } from './policy.js';
import {
  PLATFORM_ID_PATTERN,
  PLATFORM_ID_RULE,
  checkPayoutRequest,
  type PayoutRequest,
} from '../vocabulary/payout-request.js';
import type { PayoutState } from './state.js';

/** The workflow input after validation, with the policy's defaults filled in. */
export interface ParsedPayoutInput {
  readonly request: PayoutRequest;
  readonly platformId: string;
  readonly policy: PayoutPolicy;
  readonly resume: PayoutState | null;
}

/** What the workflow knows about its own run, from `workflowInfo()`. */
export interface RunIdentity {
  readonly workflowId: string;
  /** Set only in a run continued from another (continue-as-new). */
  readonly continuedFromExecutionRunId?: string | undefined;
}

const KNOWN_FIELDS: readonly string[] = ['request', 'platformId', 'policy', 'resume'];

/**
 * Validates the workflow's input. The workflow trusts only what it made: `resume` (the state
 * carried by continue-as-new) is accepted only in a run continued from another, and the run must
 * have the workflow id {@link payoutWorkflowId} gives for the payout. Total: never throws.
 */
export function parsePayoutWorkflowInput(
  input: unknown,
  run: RunIdentity,
): { ok: true; value: ParsedPayoutInput } | { ok: false; issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      issues: [{ field: '(input)', rule: 'an object with request and platformId' }],
    };
  }
  const v = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(v)) {
    if (!KNOWN_FIELDS.includes(key)) {
      issues.push({ field: key.replace(/[^\w.-]/g, '?').slice(0, 40), rule: 'not an input field' });
    }
  }
  const request = checkPayoutRequest(v['request']);
  if (!request.ok) {
    for (const i of request.issues) {
      issues.push({
        field: i.field === '(request)' ? 'request' : `request.${i.field}`,
        rule: i.rule,
      });
    }
  }
  const platformId = v['platformId'];
  if (typeof platformId !== 'string' || !PLATFORM_ID_PATTERN.test(platformId)) {
    issues.push({ field: 'platformId', rule: PLATFORM_ID_RULE });
  }
  const policy = parsePayoutPolicy(v['policy']);
  if (!policy.ok) issues.push(...policy.issues);
  if (!request.ok || typeof platformId !== 'string' || !policy.ok || issues.length > 0) {
    return { ok: false, issues };
  }
  const expectedId = payoutWorkflowId(platformId, request.value.merchantOrderId);
  if (run.workflowId !== expectedId) {
    issues.push({ field: '(workflowId)', rule: `must be ${expectedId}` });
  }
  const resume = v['resume'];
  if (resume !== undefined) {
    if (!run.continuedFromExecutionRunId) {
      issues.push({
        field: 'resume',
        rule: 'only a run continued from another carries it; start a payout without it',
      });
    } else if (!isResumableState(resume, request.value, platformId)) {
      issues.push({ field: 'resume', rule: 'must be a non-final state of the same payout' });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      request: request.value,
      platformId,
      policy: policy.policy,
      resume: resume === undefined ? null : upgrade(resume as PayoutState),
    },
  };
}

/**
 * A carried state written by an earlier version of this workflow lacks the fields added since;
 * they get the values a fresh state has, so the run continues as the earlier version would.
 */
function upgrade(s: PayoutState): PayoutState {
  const review: Partial<PayoutState['review']> = s.review;
  return {
    ...s,
    review: {
      ...s.review,
      since: review.since ?? null,
      pendingConfirm: review.pendingConfirm ?? null,
    },
  };
}

/** A state this workflow wrote: its shape, the same payout, not final. */
function isResumableState(value: unknown, request: PayoutRequest, platformId: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<PayoutState>;
  return (
    s.version === 2 &&
    s.result === null &&
    s.payout?.merchantOrderId === request.merchantOrderId &&
    s.payout.platformId === platformId &&
    s.payout.amountCents === request.amountCents &&
    Array.isArray(s.evidence?.entries) &&
    typeof s.checks === 'object' &&
    typeof s.review === 'object' &&
    typeof s.gateway === 'object' &&
    typeof s.submit === 'object'
  );
}

import type { GatewayPayoutState } from '../src/gateway/types.js';
import type { PayoutState } from './state.js';
import type { EscalationKind, EscalationReason } from './types.js';

/**
 * How the workflow reads the gateway's answers: which states are final and what they mean, how
 * far a payout has progressed, and whether an answer is about our order at all.
 */

/** Whether an escalation reason is a conflict (only a person resolves it). */
export function escalationKind(reason: EscalationReason): EscalationKind {
  return reason.startsWith('conflict-') ? 'conflict' : 'no-answer';
}

/** The payout outcome a final gateway state means, or `null` when the state is not final. */
export function finalOutcome(state: GatewayPayoutState): 'SUCCEEDED' | 'FAILED' | null {
  if (state === 'success') return 'SUCCEEDED';
  if (state === 'cancelled' || state === 'failed') return 'FAILED';
  return null;
}

/**
 * How far a payout has progressed: scheduled 0, pending 1, processing 2, final 3. `under-review`
 * and unknown codes have no rank (they may come at any point), so they never count as going back.
 */
export function progressRank(state: GatewayPayoutState): number | null {
  switch (state) {
    case 'scheduled':
      return 0;
    case 'pending':
      return 1;
    case 'processing':
      return 2;
    case 'success':
    case 'cancelled':
    case 'failed':
      return 3;
    default:
      return null;
  }
}

export function identityProblem(
  s: PayoutState,
  got: { payoutClId: string; platformId: string; amountCents: number },
): { reason: EscalationReason; detail: string } | null {
  const diffs: string[] = [];
  if (got.payoutClId !== s.merchantOrderId) diffs.push(`payout_cl_id ${got.payoutClId}`);
  if (got.platformId !== s.platformId) diffs.push(`platform_id ${got.platformId}`);
  if (got.amountCents !== s.amountCents) diffs.push(`amount ${got.amountCents}`);
  return diffs.length === 0
    ? null
    : { reason: 'conflict-mismatch', detail: `not the order asked for: ${diffs.join(', ')}` };
}

export function payoutIdProblem(
  s: PayoutState,
  payoutId: string,
): { reason: EscalationReason; detail: string } | null {
  const known = s.payoutId ?? s.callback?.payoutId ?? null;
  return known !== null && known !== payoutId
    ? { reason: 'conflict-payout-id', detail: `payout_id ${payoutId}, expected ${known}` }
    : null;
}

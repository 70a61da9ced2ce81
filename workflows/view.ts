import type { PayoutState } from './state.js';
import type { PayoutStatusView } from './types.js';

/** What the `status` query returns for `state`. */
export function toStatusView(state: PayoutState): PayoutStatusView {
  return {
    status: state.status,
    merchantOrderId: state.merchantOrderId,
    platformId: state.platformId,
    amountCents: state.amountCents,
    payoutId: state.payoutId,
    gatewayState: state.gatewayState,
    gatewayStatusCode: state.gatewayStatusCode,
    submits: state.submits,
    checks: state.checks,
    nextCheckAt: isoOrNull(state.nextCheckAt),
    escalation: state.escalation,
    waitingUntil: isoOrNull(state.waitingUntil),
    lastRejectedDecision: state.lastRejectedDecision,
    resolution: state.resolution,
    run: state.run,
    evidence: state.evidence,
  };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

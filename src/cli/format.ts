import type { PayoutResult, PayoutStatusView } from '../../workflows/api.js';
import { centsToYuan } from './amount.js';

/** A payout's status as a few lines an operator can read at a glance. */
export function formatStatus(view: PayoutStatusView, evidenceLines = 8): string {
  const lines = [
    `${view.merchantOrderId}  ${view.status}  (${centsToYuan(view.amountCents)}, platform ${view.platformId})`,
    `  gateway last reported: ${gatewayLine(view)}; payout_id ${view.payoutId ?? '-'}`,
    `  creates: ${view.creates}, checks: ${view.checks}, next check: ${view.nextCheckAt ?? '-'}`,
  ];
  if (view.escalation)
    lines.push(
      `  escalated: ${view.escalation.reason} (${view.escalation.kind}) at ${view.escalation.at}: ${view.escalation.detail}`,
    );
  if (view.waitingUntil) lines.push(`  operator asked to keep waiting until ${view.waitingUntil}`);
  if (view.lastRefusedDecision) {
    const d = view.lastRefusedDecision;
    lines.push(
      `  last refused decision: ${d.action ?? '?'} by ${d.operatorId ?? '?'}: ${d.message}`,
    );
  }
  if (view.allowedDecisions.length > 0)
    lines.push(`  decisions open now: ${view.allowedDecisions.join(', ')}`);
  if (view.resolution)
    lines.push(
      `  resolved by: ${view.resolution.by}${view.resolution.by === 'operator' ? ` ${view.resolution.operatorId} (${view.resolution.reason})` : ''}`,
    );
  const entries = view.evidence.entries.slice(-evidenceLines);
  if (entries.length > 0) {
    lines.push(`  evidence (last ${entries.length} of ${view.evidence.total}):`);
    for (const entry of entries)
      lines.push(`    ${entry.at} ${JSON.stringify({ ...entry, at: undefined, seq: undefined })}`);
  }
  return lines.join('\n');
}

/** What the gateway last reported, in words. */
function gatewayLine(view: PayoutStatusView): string {
  const g = view.gateway;
  if (g === null) return 'nothing verified yet';
  const what = g.state === 'not-found' ? 'no such order' : g.state;
  const code = g.statusCode === null ? '' : ` (status ${g.statusCode})`;
  const mismatch = g.mismatch === null ? '' : `, not the order asked for: ${g.mismatch}`;
  return `${what}${code}${mismatch} by ${g.source} at ${g.at}`;
}

/** A final payout as one line. */
export function formatResult(result: PayoutResult): string {
  const by =
    result.resolvedBy.by === 'operator'
      ? `operator ${result.resolvedBy.operatorId}`
      : result.resolvedBy.by;
  return `${result.merchantOrderId}  ${result.status}  payout_id ${result.payoutId ?? '-'}  resolved by ${by} at ${result.resolvedAt}`;
}

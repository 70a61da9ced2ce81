import type { EscalationReason } from './api.js';
import { yuan } from './answers.js';
import type { OperatorDecisionAction } from './decisions.js';
import { formatDuration } from '../vocabulary/duration.js';
import { iso, type PayoutState } from './state.js';

/**
 * What the Web UI shows of a payout: a one-line summary at start (masked),
 * and current details in markdown kept up to date by the workflow: where it stands, why, what the
 * gateway last said, which decisions are open, and the exact input that resolves it.
 */

/** An account number as people may see it: `6228****0018`. */
export function maskAccount(accountNumber: string): string {
  if (accountNumber.length <= 8) return `****${accountNumber.slice(-2)}`;
  return `${accountNumber.slice(0, 4)}****${accountNumber.slice(-4)}`;
}

/** What the start's summary shows of a payout request (never the name). */
export interface SummarizedRequest {
  readonly merchantOrderId: string;
  readonly amountCents: number;
  readonly bankName: string;
  readonly accountNumber: string;
}

/** The start's one-line summary: `Payout ORDER-1 · 108.00 CNY · PF0002 · 中国农业银行 6228****0018`. */
export function payoutSummary(request: SummarizedRequest, platformId: string): string {
  return `Payout ${request.merchantOrderId} · ${yuan(request.amountCents)} · ${platformId} · ${request.bankName} ${maskAccount(request.accountNumber)}`;
}

/** Each escalation reason, in words an operator on shift reads at a glance. */
export const REASON_IN_WORDS: Readonly<Record<EscalationReason, string>> = {
  'not-found-after-unknown-submit':
    'the create got no clear answer, and the gateway has not found the order since',
  'not-found-after-accepted-submit':
    'the gateway accepted the create (0000), but does not find the order',
  'order-not-found-any-more': 'the gateway reported the order earlier, and no longer finds it',
  'max-pending-exceeded': 'the order is still not final after the longest wait allowed',
  'waiting-deadline-passed': 'the keep-waiting deadline passed and the order is still not final',
  'unknown-status': 'the gateway reports a status code it does not document',
  'gateway-credentials-rejected':
    'the gateway refused our credentials: fix the configuration, then resubmit',
  'submit-not-sent': 'the create could not be sent at all: nothing reached the gateway',
  'cancel-requested':
    'someone asked Temporal to cancel this payout; the gateway order may still pay',
  'conflict-callback-query': 'a signed callback and a status query disagree on the outcome',
  'conflict-callbacks': 'two signed callbacks disagree on the outcome',
  'conflict-mismatch': 'the gateway holds an order under this id that is not the one asked for',
  'conflict-payout-id': "the gateway's payout_id changed between answers",
};

/** The current details: state, since when, why, the gateway's last word, how to resolve it. */
export function currentDetails(
  state: PayoutState,
  allowed: readonly OperatorDecisionAction[],
  now: number,
): string {
  const { review, gateway } = state;
  const lines: string[] = [];
  const since =
    review.since === null
      ? ''
      : ` since ${iso(review.since)} (${formatDuration(now - review.since)})`;
  lines.push(`**${state.status}**${since}`);
  if (state.result !== null) {
    const by = state.result.resolvedBy;
    const who =
      by.by === 'operator'
        ? `operator ${by.operatorId}${by.approvedBy ? ` and ${by.approvedBy}` : ''}${by.override ? ' (override)' : ''}`
        : by.by;
    lines.push(`Resolved by ${who} at ${state.result.resolvedAt}.`);
  }
  if (review.escalation !== null) {
    lines.push(
      `**Why:** ${REASON_IN_WORDS[review.escalation.reason]} (\`${review.escalation.reason}\`). ${review.escalation.detail}`,
    );
  }
  const latest = gateway.latest;
  const word =
    latest === null
      ? 'no verified answer yet'
      : `${latest.state === 'not-found' ? 'no such order' : latest.state}${latest.mismatch ? ` (not the order asked for: ${latest.mismatch})` : ''}, by ${latest.source} at ${iso(latest.at)}`;
  lines.push(`**Gateway's last word:** ${word}`);
  lines.push(
    `Checks: ${state.checks.count} · creates: ${state.submit.creates}${state.checks.nextAt === null ? '' : ` · next check ${iso(state.checks.nextAt)}`}`,
  );
  if (review.waitingUntil !== null)
    lines.push(`Operator asked to keep waiting until ${iso(review.waitingUntil)}.`);
  if (review.pendingConfirm !== null) {
    const p = review.pendingConfirm;
    lines.push(
      `**Waiting for a second operator** to agree: ${p.operatorId} asked for \`${p.action}\` at ${p.at}.`,
    );
  }
  const refused = review.lastRefused;
  // Only while no decision was accepted since: a corrected decision makes the refusal history.
  const lastDecision = [...state.evidence.entries].reverse().find((e) => e.kind === 'decision');
  if (
    refused !== null &&
    state.result === null &&
    lastDecision?.kind === 'decision' &&
    !lastDecision.accepted
  ) {
    // The Web UI's update dialog shows a refusal as "Encoded failure" (failures are encrypted).
    lines.push(
      `**Last refused decision:** \`${refused.action ?? '?'}\` by ${refused.operatorId ?? 'unknown'} at ${refused.at} (${refused.via}): ${refused.message}`,
    );
  }
  if (allowed.length > 0) {
    lines.push(`**Decisions open:** ${allowed.join(', ')}`);
    const action = review.pendingConfirm?.action ?? suggested(allowed);
    const example = JSON.stringify({
      action,
      operatorId: '<you>',
      reason: '<what you checked>',
      ...(action === 'keep-waiting' ? { for: '6h' } : {}),
    });
    lines.push(
      'Resolve with **Send an Update** → `applyOperatorDecision` (it answers with the rule if refused):',
      '```json',
      example,
      '```',
      `or \`npm run payout -- resolve ${state.payout.merchantOrderId} --action ${action} --operator <you> --reason "<what you checked>"${action === 'keep-waiting' ? ' --for 6h' : ''}\``,
    );
  }
  return lines.join('\n\n');
}

function suggested(allowed: readonly OperatorDecisionAction[]): OperatorDecisionAction {
  return allowed.includes('keep-waiting') ? 'keep-waiting' : (allowed[0] ?? 'keep-waiting');
}

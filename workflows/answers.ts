import { GATEWAY_STATES, type GatewayPayoutState } from '../vocabulary/gateway.js';
import type {
  CallbackSignalPayload,
  EscalationKind,
  EscalationReason,
  FinalPayoutStatus,
} from './api.js';
import type { PayoutPolicy } from './policy.js';
import type { PayoutState } from './state.js';

/**
 * How the workflow reads the gateway's answers (which states are final and what they mean,
 * whether an answer is about our order) and when it asks next.
 */

/** Whether an escalation reason is a conflict (only a confirm decision resolves it). */
export function escalationKind(reason: EscalationReason): EscalationKind {
  return reason.startsWith('conflict-') ? 'conflict' : 'waiting';
}

/** Why a verified order or callback is not the payout's, or `null` when it is. */
export function identityProblem(
  s: PayoutState,
  got: { payoutClId: string; platformId: string; amountCents: number },
): string | null {
  const diffs: string[] = [];
  if (got.payoutClId !== s.payout.merchantOrderId) diffs.push('payout_cl_id');
  if (got.platformId !== s.payout.platformId) diffs.push('platform_id');
  if (got.amountCents !== s.payout.amountCents) {
    diffs.push(`amount ${yuan(got.amountCents)} (asked ${yuan(s.payout.amountCents)})`);
  }
  return diffs.length === 0 ? null : `not the order asked for: ${diffs.join(', ')}`;
}

/** The known payout_id, when `payoutId` differs from it. */
export function otherPayoutId(s: PayoutState, payoutId: string): string | null {
  const known = s.gateway.payoutId;
  return known !== null && known !== payoutId ? known : null;
}

/** An amount in yuan, as people read it: `500.00 CNY`. */
export function yuan(cents: number): string {
  return `${(cents / 100).toFixed(2)} CNY`;
}

/**
 * A callback signal's payload, checked again here because a signal can be sent by anyone with
 * access to the namespace. Total: never throws. Unknown fields (such as an older receiver's
 * `fields`) are dropped.
 */
export function parseCallback(
  input: unknown,
): { ok: true; notification: CallbackSignalPayload } | { ok: false; issues: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: ['(callback): an object'] };
  }
  const v = input as Record<string, unknown>;
  const issues: string[] = [];
  const id = (key: string): string => {
    const value = v[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= 64) return value;
    issues.push(`${key}: a string of 1 to 64 characters`);
    return '';
  };
  const cents = (key: string, optional: boolean): number | undefined => {
    const value = v[key];
    if (value === undefined && optional) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    issues.push(`${key}: a whole number of cents`);
    return undefined;
  };
  const time = (key: string): number | undefined => {
    const value = v[key];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    issues.push(`${key}: a number`);
    return undefined;
  };
  const payoutId = id('payoutId');
  const payoutClId = id('payoutClId');
  const platformId = id('platformId');
  const state = v['state'];
  if (!(GATEWAY_STATES as readonly unknown[]).includes(state)) {
    issues.push(`state: one of ${GATEWAY_STATES.join(', ')}`);
  }
  const statusCode = v['statusCode'];
  if (!(typeof statusCode === 'number' && Number.isSafeInteger(statusCode))) {
    issues.push('statusCode: a whole number');
  }
  const amountCents = cents('amountCents', false);
  const realAmountCents = cents('realAmountCents', true);
  const feeCents = cents('feeCents', true);
  const errorMessage = v['errorMessage'];
  if (errorMessage !== undefined && typeof errorMessage !== 'string') {
    issues.push('errorMessage: a string');
  }
  const createTime = time('createTime');
  const updateTime = time('updateTime');
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    notification: {
      payoutId,
      payoutClId,
      platformId,
      state: state as GatewayPayoutState,
      statusCode: statusCode as number,
      amountCents: amountCents!,
      ...(realAmountCents === undefined ? {} : { realAmountCents }),
      ...(feeCents === undefined ? {} : { feeCents }),
      ...(typeof errorMessage === 'string' ? { errorMessage: errorMessage.slice(0, 500) } : {}),
      ...(createTime === undefined ? {} : { createTime }),
      ...(updateTime === undefined ? {} : { updateTime }),
    },
  };
}

/**
 * Why verified news about an order contradicts a payout's final state, or `null` when it does
 * not: another final outcome (paid versus not paid), any news of an order for a payout
 * REJECTED (that status says no order exists), another payout_id, another amount. A stale
 * non-final report after a final one (callbacks arrive out of order) is no contradiction.
 */
export function contradiction(
  final: {
    readonly status: FinalPayoutStatus;
    readonly payoutId: string | null;
    readonly amountCents: number;
  },
  news: {
    readonly state: GatewayPayoutState;
    readonly payoutId: string;
    readonly amountCents: number;
  },
): string | null {
  const says = `the gateway reports ${news.state} for payout_id ${news.payoutId}`;
  if (final.status === 'REJECTED') return `the payout is REJECTED (no order), but ${says}`;
  const paid = news.state === 'success';
  const notPaid = news.state === 'failed' || news.state === 'cancelled';
  if ((final.status === 'SUCCEEDED' && notPaid) || (final.status === 'FAILED' && paid)) {
    return `the payout is ${final.status}, but ${says}`;
  }
  if (final.payoutId !== null && final.payoutId !== news.payoutId) {
    return `the payout is ${final.status} with payout_id ${final.payoutId}, but ${says}`;
  }
  if (final.amountCents !== news.amountCents) {
    return `the payout is ${final.status} for ${final.amountCents} cents, but ${says} at ${news.amountCents} cents`;
  }
  return null;
}

// ---- when to ask next ----------------------------------------------------------------------

/** A "no answer yet" trigger that has fired. */
export interface Overdue {
  readonly reason: EscalationReason;
  readonly detail: string;
}

/** The end of the "not found" grace, while the latest answer is "not found" after a create. */
function notFoundGraceEnd(s: PayoutState, policy: PayoutPolicy): number | null {
  const since = s.gateway.notFoundSince;
  if (since === null || s.gateway.latest?.state !== 'not-found') return null;
  if (s.submit.rejection !== null) return null;
  if (s.submit.creates === 0 && !s.gateway.orderSeen) return null;
  return since + policy.notFoundGrace;
}

/** When a rejection counts as confirmed: "not found" answers spanning the window. */
export function rejectionConfirmedAt(s: PayoutState, policy: PayoutPolicy): number | null {
  if (s.submit.rejection === null || s.gateway.notFoundSince === null) return null;
  return s.gateway.notFoundSince + policy.rejectionConfirmWindow;
}

/** Non-final beyond this escalates: `maxPending` after the latest create (or the start). */
export function pendingDeadline(s: PayoutState, policy: PayoutPolicy): number {
  return (s.submit.lastSentAt ?? s.startedAt) + policy.maxPending;
}

/**
 * The "no answer yet" trigger that has fired at time `at`, if any. While an operator's
 * keep-waiting deadline is set, it replaces the other triggers.
 */
export function overdue(s: PayoutState, policy: PayoutPolicy, at: number): Overdue | null {
  const waitingUntil = s.review.waitingUntil;
  if (waitingUntil !== null) {
    return at >= waitingUntil
      ? {
          reason: 'waiting-deadline-passed',
          detail: `still not final at the keep-waiting deadline ${new Date(waitingUntil).toISOString()}`,
        }
      : null;
  }
  const graceEnd = notFoundGraceEnd(s, policy);
  if (graceEnd !== null && at >= graceEnd) {
    const minutes = Math.round((at - (s.gateway.notFoundSince ?? at)) / 60_000);
    if (s.gateway.orderSeen) {
      return {
        reason: 'order-not-found-any-more',
        detail: `the gateway reported the order earlier, and has not found it for ${minutes} min`,
      };
    }
    const accepted = s.submit.accepted;
    return {
      reason: accepted ? 'not-found-after-accepted-submit' : 'not-found-after-unknown-submit',
      detail: `order not found for ${minutes} min after the ${accepted ? 'accepted' : 'unknown'} create`,
    };
  }
  const deadline = pendingDeadline(s, policy);
  if (at >= deadline) {
    return {
      reason: 'max-pending-exceeded',
      detail:
        s.submit.creates === 0
          ? `no create sent in ${Math.round(policy.maxPending / 60_000)} min: the gateway did not answer the pre-check`
          : `not final ${Math.round(policy.maxPending / 60_000)} min after the create`,
    };
  }
  return null;
}

/** The earliest time a trigger can fire or a rejection be confirmed: no check is later. */
function nextDeadline(s: PayoutState, policy: PayoutPolicy): number {
  if (s.review.waitingUntil !== null) return s.review.waitingUntil;
  const times = [
    pendingDeadline(s, policy),
    notFoundGraceEnd(s, policy),
    rejectionConfirmedAt(s, policy),
  ].filter((t): t is number => t !== null);
  return Math.min(...times);
}

/**
 * Delay of the next regular check: `firstCheckDelay * checkBackoff^step`, capped at
 * `maxCheckDelay`, shortened at random by up to `checkJitter` (`random` in [0, 1) from the
 * workflow's deterministic `Math.random()`), and never past the next deadline.
 */
export function regularDelay(
  s: PayoutState,
  policy: PayoutPolicy,
  at: number,
  random: number,
): number {
  const base = Math.min(
    policy.firstCheckDelay * policy.checkBackoff ** s.checks.step,
    policy.maxCheckDelay,
  );
  const jittered = base * (1 - policy.checkJitter * random);
  const deadline = nextDeadline(s, policy);
  const delay = deadline > at ? Math.min(jittered, deadline - at) : jittered;
  return Math.max(1, Math.round(delay));
}

/** Delay between checks while the payout waits for a person. */
export function reviewDelay(policy: PayoutPolicy, random: number): number {
  return Math.max(1, Math.round(policy.reviewCheckInterval * (1 - policy.checkJitter * random)));
}

import type { PayoutPolicy } from './policy.js';
import type { PayoutState } from './state.js';
import type { EscalationReason } from './types.js';

/** A "no answer yet" trigger that has fired. */
export interface Overdue {
  readonly reason: EscalationReason;
  readonly detail: string;
}

/**
 * The "no answer yet" trigger that has fired at time `at`, if any. Checked after every query
 * answer, so the latest evidence decides. While an operator's keep-waiting deadline is set, it
 * replaces the other triggers.
 */
export function overdue(state: PayoutState, policy: PayoutPolicy, at: number): Overdue | null {
  if (state.waitingUntil !== null) {
    return at >= state.waitingUntil
      ? {
          reason: 'waiting-deadline-passed',
          detail: `still not final at ${iso(state.waitingUntil)}`,
        }
      : null;
  }
  const graceEnd = notFoundGraceEnd(state, policy);
  if (graceEnd !== null && at >= graceEnd) {
    const accepted = state.lastSubmit?.result === 'accepted';
    return {
      reason: accepted ? 'not-found-after-accepted-submit' : 'not-found-after-unknown-submit',
      detail: `order not found ${policy.notFoundGrace} ms after the ${accepted ? 'accepted' : 'unknown'} submit`,
    };
  }
  if (at >= state.pendingDeadline) {
    return {
      reason: 'max-pending-exceeded',
      detail: `not final at ${iso(state.pendingDeadline)} (${policy.maxPending} ms after submit)`,
    };
  }
  return null;
}

/** The earliest time {@link overdue} can fire, so that a check is scheduled no later than that. */
export function nextDeadline(state: PayoutState, policy: PayoutPolicy): number {
  if (state.waitingUntil !== null) return state.waitingUntil;
  const graceEnd = notFoundGraceEnd(state, policy);
  return graceEnd === null ? state.pendingDeadline : Math.min(graceEnd, state.pendingDeadline);
}

/**
 * Delay of the next regular check: `firstCheckDelay * checkBackoff^step`, capped at
 * `maxCheckDelay`, shortened at random by up to `checkJitter` (`random` in [0, 1) comes from the
 * workflow's deterministic `Math.random()`), and never past the next deadline.
 */
export function regularDelay(
  state: PayoutState,
  policy: PayoutPolicy,
  at: number,
  random: number,
): number {
  const base = Math.min(
    policy.firstCheckDelay * policy.checkBackoff ** state.backoffStep,
    policy.maxCheckDelay,
  );
  const jittered = base * (1 - policy.checkJitter * random);
  const deadline = nextDeadline(state, policy);
  const delay = deadline > at ? Math.min(jittered, deadline - at) : jittered;
  return Math.max(1, Math.round(delay));
}

/** Delay between checks while the payout waits for a person. */
export function reviewDelay(policy: PayoutPolicy, random: number): number {
  return Math.max(1, Math.round(policy.reviewCheckInterval * (1 - policy.checkJitter * random)));
}

function notFoundGraceEnd(state: PayoutState, policy: PayoutPolicy): number | null {
  if (state.lastQuery !== 'not-found' || state.notFoundGraceFrom === null) return null;
  return state.notFoundGraceFrom + policy.notFoundGrace;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

import type { QueryOutcome, SubmitOutcome } from '../src/gateway/types.js';
import type { DecisionChannel } from './decisions.js';
import type { PayoutResult, PayoutStatus, SubmitOrigin } from './types.js';

/**
 * What happens to a payout, as fed to `decide`. `at` is the workflow time in ms; `random` (in
 * [0, 1), from the workflow's deterministic `Math.random()`) only shapes the jitter of the next
 * check and defaults to 0 (no jitter).
 */
export type PayoutEvent = (
  | { readonly type: 'start' }
  | {
      readonly type: 'submit-outcome';
      readonly origin: SubmitOrigin;
      readonly outcome: SubmitOutcome;
    }
  /** The submit activity failed (crash, timeout): treated as an unknown outcome. */
  | { readonly type: 'submit-failed'; readonly origin: SubmitOrigin; readonly detail: string }
  | { readonly type: 'query-outcome'; readonly outcome: QueryOutcome }
  /** The status query activity failed after its retries. */
  | { readonly type: 'query-unavailable'; readonly detail: string }
  /** A callback signal; its payload is checked by `decide`. */
  | { readonly type: 'callback'; readonly notification: unknown }
  /** The scheduled check is due. */
  | { readonly type: 'timer-fired' }
  /** An operator decision; its payload is checked by `decide` with `validateDecision`. */
  | { readonly type: 'operator-decision'; readonly via: DecisionChannel; readonly input: unknown }
  /** The driver is about to continue-as-new. */
  | { readonly type: 'continue-as-new' }
) & { readonly at: number; readonly random?: number };

/** What `decide` asks the driver to do, in order. */
export type PayoutCommand =
  /** Run the submit activity once (`maximumAttempts: 1`), then feed its outcome back. */
  | { readonly type: 'submit'; readonly origin: SubmitOrigin }
  /** Run the status query activity now, then feed its outcome back. */
  | { readonly type: 'run-query' }
  /** The next check is due in `delayMs` (at `at`); feed `timer-fired` then, unless woken before. */
  | { readonly type: 'schedule-check'; readonly delayMs: number; readonly at: number }
  /** Set the `PayoutStatus` search attribute. */
  | { readonly type: 'upsert-status'; readonly status: PayoutStatus }
  /** The payout is final: return this result. */
  | { readonly type: 'finish'; readonly result: PayoutResult };

/** What `decide` returns. */
export interface Decision<S> {
  readonly state: S;
  readonly commands: readonly PayoutCommand[];
}

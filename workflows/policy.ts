import { z } from 'zod';
import { durationSchema, type DurationInput } from './duration.js';

/**
 * How a payout workflow paces its checks and when it asks a person. All durations are in
 * milliseconds. Every field has a default ({@link DEFAULT_PAYOUT_POLICY}); callers override only
 * what they need, through {@link PayoutPolicyInput}.
 */
export interface PayoutPolicy {
  /** Delay before the first status check after a submit (then doubled: 5s, 10s, 20s, ...). */
  readonly firstCheckDelay: number;
  /** Factor between consecutive check delays. */
  readonly checkBackoff: number;
  /** Longest delay between two checks while confirming. */
  readonly maxCheckDelay: number;
  /** Fraction (0 to 0.5) by which each delay is shortened at random, so payouts do not poll in step. */
  readonly checkJitter: number;
  /** Delay between checks while the payout waits for a person (NEEDS_REVIEW). */
  readonly reviewCheckInterval: number;
  /** How long the order may stay not found after an unknown or accepted submit before escalation. */
  readonly notFoundGrace: number;
  /** How long a payout may stay non-final (from its submit) before escalation. */
  readonly maxPending: number;
  /** Delay of each re-check while a callback says final and the query does not agree yet. */
  readonly callbackConfirmDelay: number;
  /**
   * How many queries may report a non-final state after a final callback before the disagreement
   * is escalated as a conflict.
   */
  readonly callbackConfirmAttempts: number;
  /** start-to-close timeout of the single submit attempt. */
  readonly submitTimeout: number;
  /** schedule-to-close timeout of the submit (includes waiting for a worker). */
  readonly submitScheduleToCloseTimeout: number;
  /** start-to-close timeout of one status query attempt. */
  readonly queryTimeout: number;
  /** First retry interval of a failed status query attempt (doubled per retry). */
  readonly queryRetryInterval: number;
  /** Attempts per status query before it counts as "query unavailable". */
  readonly queryMaxAttempts: number;
  /** Loop iterations (checks, activity runs) per run before continue-as-new, as a safety net. */
  readonly maxIterationsPerRun: number;
  /** Evidence entries always kept from the start of the log. */
  readonly evidenceHead: number;
  /** Latest evidence entries kept; older ones between head and tail are dropped and counted. */
  readonly evidenceTail: number;
}

/** The defaults: sound for production. */
export const DEFAULT_PAYOUT_POLICY: PayoutPolicy = {
  firstCheckDelay: 5_000,
  checkBackoff: 2,
  maxCheckDelay: 10 * 60_000,
  checkJitter: 0.2,
  reviewCheckInterval: 30 * 60_000,
  notFoundGrace: 10 * 60_000,
  maxPending: 24 * 3_600_000,
  callbackConfirmDelay: 5_000,
  callbackConfirmAttempts: 5,
  submitTimeout: 60_000,
  submitScheduleToCloseTimeout: 5 * 60_000,
  queryTimeout: 30_000,
  queryRetryInterval: 2_000,
  queryMaxAttempts: 5,
  maxIterationsPerRun: 500,
  evidenceHead: 20,
  evidenceTail: 200,
};

/** Overrides of {@link PayoutPolicy}; durations may also be strings such as `"10m"` or `"PT1H"`. */
export type PayoutPolicyInput = {
  readonly [K in keyof PayoutPolicy]?: K extends DurationKey ? DurationInput : number;
};

type DurationKey = Exclude<
  keyof PayoutPolicy,
  | 'checkBackoff'
  | 'checkJitter'
  | 'callbackConfirmAttempts'
  | 'queryMaxAttempts'
  | 'maxIterationsPerRun'
  | 'evidenceHead'
  | 'evidenceTail'
>;

const positiveDuration = durationSchema({ min: 1 });
const count = (min: number, max: number) =>
  z
    .number({ error: 'a whole number' })
    .int('a whole number')
    .min(min, `at least ${min}`)
    .max(max, `at most ${max}`);

/** Validates a {@link PayoutPolicyInput} and fills in the defaults. */
export const payoutPolicySchema = z
  .object({
    firstCheckDelay: positiveDuration.optional(),
    checkBackoff: z
      .number({ error: 'a number' })
      .min(1, 'at least 1')
      .max(10, 'at most 10')
      .optional(),
    maxCheckDelay: positiveDuration.optional(),
    checkJitter: z
      .number({ error: 'a number' })
      .min(0, 'at least 0')
      .max(0.5, 'at most 0.5')
      .optional(),
    reviewCheckInterval: positiveDuration.optional(),
    notFoundGrace: positiveDuration.optional(),
    maxPending: positiveDuration.optional(),
    callbackConfirmDelay: positiveDuration.optional(),
    callbackConfirmAttempts: count(1, 100).optional(),
    submitTimeout: positiveDuration.optional(),
    submitScheduleToCloseTimeout: positiveDuration.optional(),
    queryTimeout: positiveDuration.optional(),
    queryRetryInterval: positiveDuration.optional(),
    queryMaxAttempts: count(1, 100).optional(),
    maxIterationsPerRun: count(1, 10_000).optional(),
    evidenceHead: count(1, 1_000).optional(),
    evidenceTail: count(1, 10_000).optional(),
  })
  .strict()
  .transform((given): PayoutPolicy => {
    const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    return { ...DEFAULT_PAYOUT_POLICY, ...defined };
  })
  .refine((p) => p.firstCheckDelay <= p.maxCheckDelay, {
    message: 'firstCheckDelay must not exceed maxCheckDelay',
    path: ['maxCheckDelay'],
  })
  .refine((p) => p.submitTimeout <= p.submitScheduleToCloseTimeout, {
    message: 'submitTimeout must not exceed submitScheduleToCloseTimeout',
    path: ['submitScheduleToCloseTimeout'],
  });

import { DURATION_FORMS, parseDurationMs, type DurationInput } from '../vocabulary/duration.js';
import type { FieldIssue } from '../vocabulary/issues.js';

/**
 * How a payout workflow paces its checks and when it asks a person. Durations are milliseconds.
 * Every field has a default ({@link DEFAULT_PAYOUT_POLICY}); callers override only what they
 * need, through {@link PayoutPolicyInput}.
 */
export interface PayoutPolicy {
  /**
   * Delay before the first status check after a submit (then multiplied: 5s, 10s, 20s, ...). At
   * most `INLINE_FIRST_CHECK_MAX_MS` (1 s), an accepted create's submit makes the check itself.
   */
  readonly firstCheckDelay: number;
  /** Factor between consecutive check delays. */
  readonly checkBackoff: number;
  /** Longest delay between two checks while confirming. */
  readonly maxCheckDelay: number;
  /** Fraction (0 to 0.5) by which each delay is shortened at random, so payouts do not poll in step. */
  readonly checkJitter: number;
  /** Delay between checks while the payout waits for a person (NEEDS_REVIEW). */
  readonly reviewCheckInterval: number;
  /** How long the order may stay not found after an unknown or accepted create before escalation. */
  readonly notFoundGrace: number;
  /** How long "not found" answers must keep coming after a rejected create before REJECTED. */
  readonly rejectionConfirmWindow: number;
  /** How long a payout may stay non-final (from its start or latest create) before escalation. */
  readonly maxPending: number;
  /** Delay of the first re-checks after a final callback that queries do not confirm yet. */
  readonly callbackConfirmDelay: number;
  /** How many re-checks after a final callback run at `callbackConfirmDelay` (then the backoff). */
  readonly callbackConfirmAttempts: number;
  /** start-to-close timeout of the single submit attempt (pre-check plus create). */
  readonly submitTimeout: number;
  /** schedule-to-close timeout of the submit (includes waiting for a worker). */
  readonly submitScheduleToCloseTimeout: number;
  /** start-to-close timeout of one status query attempt. */
  readonly queryTimeout: number;
  /** First retry interval of a failed status query attempt (doubled per retry). */
  readonly queryRetryInterval: number;
  /** Attempts per status query before it counts as "no answer". */
  readonly queryMaxAttempts: number;
  /** History events per run before continue-as-new (Temporal may suggest it earlier). */
  readonly maxRunEvents: number;
  /** Confirms of payouts above this amount (cents) need two different operators. */
  readonly fourEyesAboveCents: number;
  /** Evidence entries always kept from the start of the log. */
  readonly evidenceHead: number;
  /** Latest evidence entries kept; older ones between head and tail are dropped and counted. */
  readonly evidenceTail: number;
}

const DAY = 86_400_000;

/**
 * A first check due at most this long after an accepted create runs inside the submit activity
 * instead of behind a durable timer: the payout then takes one workflow task less, and a stock
 * server fires short timers up to about a second late anyway. Longer first checks (the default
 * 5 s included) wait on a timer, so a worker crash costs no more than the wait.
 */
export const INLINE_FIRST_CHECK_MAX_MS = 1_000;

/**
 * Each field once: its default (sound for production) and bounds. `ms` fields are durations
 * (given as ms or strings such as `"10m"`), `count` fields whole numbers, `factor` fields any
 * number in bounds.
 */
const FIELDS = {
  firstCheckDelay: { default: 5_000, min: 1, max: DAY, unit: 'ms' },
  checkBackoff: { default: 2, min: 1, max: 10, unit: 'factor' },
  maxCheckDelay: { default: 10 * 60_000, min: 1, max: DAY, unit: 'ms' },
  checkJitter: { default: 0.2, min: 0, max: 0.5, unit: 'factor' },
  reviewCheckInterval: { default: 30 * 60_000, min: 1, max: DAY, unit: 'ms' },
  notFoundGrace: { default: 10 * 60_000, min: 1, max: 30 * DAY, unit: 'ms' },
  rejectionConfirmWindow: { default: 3 * 60_000, min: 0, max: DAY, unit: 'ms' },
  maxPending: { default: DAY, min: 1, max: 90 * DAY, unit: 'ms' },
  callbackConfirmDelay: { default: 5_000, min: 1, max: DAY, unit: 'ms' },
  callbackConfirmAttempts: { default: 5, min: 0, max: 100, unit: 'count' },
  submitTimeout: { default: 60_000, min: 1, max: DAY, unit: 'ms' },
  submitScheduleToCloseTimeout: { default: 5 * 60_000, min: 1, max: DAY, unit: 'ms' },
  queryTimeout: { default: 30_000, min: 1, max: DAY, unit: 'ms' },
  queryRetryInterval: { default: 2_000, min: 1, max: DAY, unit: 'ms' },
  queryMaxAttempts: { default: 5, min: 1, max: 100, unit: 'count' },
  maxRunEvents: { default: 4_000, min: 50, max: 50_000, unit: 'count' },
  fourEyesAboveCents: { default: 1_000_000, min: 0, max: 9_999_999_999, unit: 'count' },
  evidenceHead: { default: 20, min: 1, max: 1_000, unit: 'count' },
  evidenceTail: { default: 200, min: 1, max: 10_000, unit: 'count' },
} as const satisfies Record<
  keyof PayoutPolicy,
  { default: number; min: number; max: number; unit: 'ms' | 'count' | 'factor' }
>;

type PolicyField = (typeof FIELDS)[keyof PayoutPolicy];

/** The defaults: sound for production. */
export const DEFAULT_PAYOUT_POLICY: PayoutPolicy = Object.fromEntries(
  Object.entries(FIELDS).map(([key, field]) => [key, field.default]),
) as unknown as PayoutPolicy;

/** Overrides of {@link PayoutPolicy}; durations may also be strings such as `"10m"` or `"PT1H"`. */
export type PayoutPolicyInput = {
  readonly [K in keyof PayoutPolicy]?: (typeof FIELDS)[K]['unit'] extends 'ms'
    ? DurationInput
    : number;
};

/**
 * Validates a {@link PayoutPolicyInput} and fills in the defaults. Total: never throws, whatever
 * it is given; issues name the field (`policy.<key>`) and the rule, never the value.
 */
export function parsePayoutPolicy(
  input: unknown,
): { ok: true; policy: PayoutPolicy } | { ok: false; issues: FieldIssue[] } {
  if (input === undefined) return { ok: true, policy: DEFAULT_PAYOUT_POLICY };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ field: 'policy', rule: 'an object of policy overrides' }] };
  }
  const issues: FieldIssue[] = [];
  const policy: Record<string, number> = { ...DEFAULT_PAYOUT_POLICY };
  for (const [key, value] of Object.entries(input)) {
    const field = `policy.${key}`;
    const bounds = (FIELDS as Readonly<Record<string, PolicyField>>)[key];
    if (bounds === undefined) {
      issues.push({ field, rule: 'not a policy setting' });
      continue;
    }
    if (value === undefined) continue;
    const isNumber = bounds.unit !== 'ms';
    const whole = bounds.unit === 'count';
    const n = isNumber ? (typeof value === 'number' ? value : undefined) : parseDurationMs(value);
    if (n === undefined || !Number.isFinite(n)) {
      issues.push({ field, rule: isNumber ? 'a number' : `a duration: ${DURATION_FORMS}` });
      continue;
    }
    if (n < bounds.min || n > bounds.max || (whole && !Number.isInteger(n))) {
      issues.push({
        field,
        rule: `${whole ? 'a whole number ' : ''}from ${bounds.min} to ${bounds.max}${isNumber ? '' : ' ms'}`,
      });
      continue;
    }
    policy[key] = n;
  }
  const p = policy as unknown as PayoutPolicy;
  if (issues.length === 0 && p.firstCheckDelay > p.maxCheckDelay) {
    issues.push({ field: 'policy.maxCheckDelay', rule: 'must not be below firstCheckDelay' });
  }
  if (issues.length === 0 && p.submitTimeout > p.submitScheduleToCloseTimeout) {
    issues.push({
      field: 'policy.submitScheduleToCloseTimeout',
      rule: 'must not be below submitTimeout',
    });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, policy: p };
}

import { DURATION_FORMS, parseDurationMs, type DurationInput } from '../vocabulary/duration.js';
import type { FieldIssue } from '../vocabulary/issues.js';

/**
 * How a payout workflow paces its checks and when it asks a person. Durations are milliseconds.
 * Every field has a default ({@link DEFAULT_PAYOUT_POLICY}); callers override only what they
 * need, through {@link PayoutPolicyInput}.
 */
export interface PayoutPolicy {
  /** Delay before the first status check after a submit (then multiplied: 5s, 10s, 20s, ...). */
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

/** The defaults: sound for production. */
export const DEFAULT_PAYOUT_POLICY: PayoutPolicy = {
  firstCheckDelay: 5_000,
  checkBackoff: 2,
  maxCheckDelay: 10 * 60_000,
  checkJitter: 0.2,
  reviewCheckInterval: 30 * 60_000,
  notFoundGrace: 10 * 60_000,
  rejectionConfirmWindow: 3 * 60_000,
  maxPending: 24 * 3_600_000,
  callbackConfirmDelay: 5_000,
  callbackConfirmAttempts: 5,
  submitTimeout: 60_000,
  submitScheduleToCloseTimeout: 5 * 60_000,
  queryTimeout: 30_000,
  queryRetryInterval: 2_000,
  queryMaxAttempts: 5,
  maxRunEvents: 4_000,
  fourEyesAboveCents: 1_000_000,
  evidenceHead: 20,
  evidenceTail: 200,
};

type NumberKey =
  | 'checkBackoff'
  | 'checkJitter'
  | 'callbackConfirmAttempts'
  | 'queryMaxAttempts'
  | 'maxRunEvents'
  | 'fourEyesAboveCents'
  | 'evidenceHead'
  | 'evidenceTail';

/** Overrides of {@link PayoutPolicy}; durations may also be strings such as `"10m"` or `"PT1H"`. */
export type PayoutPolicyInput = {
  readonly [K in keyof PayoutPolicy]?: K extends NumberKey ? number : DurationInput;
};

const DAY = 86_400_000;

/** Each field's bounds: durations in ms, counts and factors as they are. */
const BOUNDS: Readonly<Record<keyof PayoutPolicy, { min: number; max: number; int: boolean }>> = {
  firstCheckDelay: { min: 1, max: DAY, int: true },
  checkBackoff: { min: 1, max: 10, int: false },
  maxCheckDelay: { min: 1, max: DAY, int: true },
  checkJitter: { min: 0, max: 0.5, int: false },
  reviewCheckInterval: { min: 1, max: DAY, int: true },
  notFoundGrace: { min: 1, max: 30 * DAY, int: true },
  rejectionConfirmWindow: { min: 0, max: DAY, int: true },
  maxPending: { min: 1, max: 90 * DAY, int: true },
  callbackConfirmDelay: { min: 1, max: DAY, int: true },
  callbackConfirmAttempts: { min: 0, max: 100, int: true },
  submitTimeout: { min: 1, max: DAY, int: true },
  submitScheduleToCloseTimeout: { min: 1, max: DAY, int: true },
  queryTimeout: { min: 1, max: DAY, int: true },
  queryRetryInterval: { min: 1, max: DAY, int: true },
  queryMaxAttempts: { min: 1, max: 100, int: true },
  maxRunEvents: { min: 50, max: 50_000, int: true },
  fourEyesAboveCents: { min: 0, max: 9_999_999_999, int: true },
  evidenceHead: { min: 1, max: 1_000, int: true },
  evidenceTail: { min: 1, max: 10_000, int: true },
};

const NUMBER_KEYS: ReadonlySet<string> = new Set<NumberKey>([
  'checkBackoff',
  'checkJitter',
  'callbackConfirmAttempts',
  'queryMaxAttempts',
  'maxRunEvents',
  'fourEyesAboveCents',
  'evidenceHead',
  'evidenceTail',
]);

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
    const bounds = (BOUNDS as Readonly<Record<string, (typeof BOUNDS)[keyof PayoutPolicy]>>)[key];
    if (bounds === undefined) {
      issues.push({ field, rule: 'not a policy setting' });
      continue;
    }
    if (value === undefined) continue;
    const isNumber = NUMBER_KEYS.has(key);
    const n = isNumber ? (typeof value === 'number' ? value : undefined) : parseDurationMs(value);
    if (n === undefined || !Number.isFinite(n)) {
      issues.push({ field, rule: isNumber ? 'a number' : `a duration: ${DURATION_FORMS}` });
      continue;
    }
    if (n < bounds.min || n > bounds.max || (bounds.int && isNumber && !Number.isInteger(n))) {
      issues.push({
        field,
        rule: `${bounds.int && isNumber ? 'a whole number ' : ''}from ${bounds.min} to ${bounds.max}${isNumber ? '' : ' ms'}`,
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

import { z } from 'zod';
import { durationSchema, type DurationInput } from './duration.js';
import { issueLines } from './field-issues.js';
import type { PayoutState } from './state.js';

/** What an operator can decide about a payout in NEEDS_REVIEW. */
export const OPERATOR_DECISION_ACTIONS = [
  'confirm-succeeded',
  'confirm-failed',
  'resubmit',
  'keep-waiting',
] as const;
export type OperatorDecisionAction = (typeof OPERATOR_DECISION_ACTIONS)[number];

/**
 * An operator decision as sent by the Web UI, the CLI or the API (signal `operatorDecision` or
 * update `applyOperatorDecision`). `keep-waiting` takes exactly one of `until` (ISO 8601
 * timestamp with offset, e.g. `2025-01-02T03:04:05Z`) or `for` (a duration: milliseconds, `"6h"`,
 * `"PT6H"`).
 */
export type OperatorDecisionInput =
  | {
      readonly action: 'confirm-succeeded' | 'confirm-failed' | 'resubmit';
      readonly operatorId: string;
      readonly reason: string;
    }
  | {
      readonly action: 'keep-waiting';
      readonly operatorId: string;
      readonly reason: string;
      readonly until?: string;
      readonly for?: DurationInput;
    };

/** An accepted decision, as recorded: keep-waiting carries its absolute deadline. */
export type OperatorDecision =
  | {
      readonly action: 'confirm-succeeded' | 'confirm-failed' | 'resubmit';
      readonly operatorId: string;
      readonly reason: string;
    }
  | {
      readonly action: 'keep-waiting';
      readonly operatorId: string;
      readonly reason: string;
      /** ISO 8601. */
      readonly until: string;
    };

/** How a decision arrived. */
export type DecisionChannel = 'signal' | 'update';

/** The rule a refused decision broke; the refusal message starts with it. */
export type DecisionRule =
  | 'invalid-input'
  | 'payout-final'
  | 'only-in-needs-review'
  | 'resubmit-requires-not-found'
  | 'resubmit-order-seen'
  | 'check-in-progress'
  | 'deadline-not-in-future';

/** Outcome of {@link validateDecision}. */
export type DecisionCheck =
  | { readonly ok: true; readonly decision: OperatorDecision }
  | {
      readonly ok: false;
      readonly rule: DecisionRule;
      /** `<rule>: <what is wrong>`, safe to show to the caller. */
      readonly message: string;
      readonly action: string | null;
      readonly operatorId: string | null;
    };

const text = (max: number) =>
  z
    .string({ error: 'required, a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

const common = { operatorId: text(200), reason: text(2000) };

const decisionSchema = z.discriminatedUnion(
  'action',
  [
    z
      .object({ action: z.enum(['confirm-succeeded', 'confirm-failed', 'resubmit']), ...common })
      .strict(),
    z
      .object({
        action: z.literal('keep-waiting'),
        ...common,
        until: z.iso
          .datetime({ offset: true, error: 'an ISO 8601 timestamp with offset' })
          .optional(),
        for: durationSchema({ min: 1 }).optional(),
      })
      .strict()
      .refine((d) => (d.until === undefined) !== (d.for === undefined), {
        message: 'keep-waiting needs exactly one of until or for',
        path: ['until'],
      }),
  ],
  { error: `action: one of ${OPERATOR_DECISION_ACTIONS.join(', ')}` },
);

/**
 * Checks an operator decision against its schema and the payout's state at time `now`. Used by
 * the update's validator (the caller hears "no" at once) and by the signal handler (the refusal is
 * recorded in the evidence), so both channels follow the same rules:
 * - every decision needs `operatorId` and `reason`, and is valid only in NEEDS_REVIEW (confirm-*
 *   too: outside it the workflow is still confirming on its own, or already final);
 * - `resubmit` only while the latest query reported no order, the gateway never reported this
 *   order (by query or callback), and no status check is running;
 * - `keep-waiting` needs a deadline in the future.
 */
export function validateDecision(state: PayoutState, input: unknown, now: number): DecisionCheck {
  const seen = readable(input);
  const refuse = (rule: DecisionRule, why: string): DecisionCheck => ({
    ok: false,
    rule,
    message: `${rule}: ${why}`,
    ...seen,
  });
  const parsed = decisionSchema.safeParse(input);
  if (!parsed.success) {
    return refuse('invalid-input', issueLines(parsed.error).join('; '));
  }
  const d = parsed.data;
  if (state.result !== null) return refuse('payout-final', `the payout is already ${state.status}`);
  if (state.status !== 'NEEDS_REVIEW') {
    return refuse(
      'only-in-needs-review',
      `decisions are accepted only while the payout is NEEDS_REVIEW; it is ${state.status}`,
    );
  }
  if (d.action === 'resubmit') {
    if (state.orderSeen) {
      return refuse('resubmit-order-seen', 'the gateway has reported this order, so it exists');
    }
    if (state.lastQuery !== 'not-found') {
      return refuse(
        'resubmit-requires-not-found',
        `the latest query must report no order; it reported ${state.lastQuery ?? 'nothing yet'}`,
      );
    }
    if (state.inFlight !== 'none') {
      return refuse('check-in-progress', 'a status check is running; try again in a few seconds');
    }
  }
  if (d.action === 'keep-waiting') {
    const until = d.until !== undefined ? Date.parse(d.until) : now + (d.for ?? 0);
    if (!(until > now)) {
      return refuse('deadline-not-in-future', `the deadline must be after ${iso(now)}`);
    }
    return {
      ok: true,
      decision: { ...signedBy(d), action: 'keep-waiting', until: iso(until) },
    };
  }
  return { ok: true, decision: { ...signedBy(d), action: d.action } };
}

/** The operator fields every decision carries. */
function signedBy(d: { operatorId: string; reason: string }) {
  return { operatorId: d.operatorId, reason: d.reason };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What can be read of a (possibly invalid) decision, for the record. */
function readable(input: unknown): { action: string | null; operatorId: string | null } {
  const obj = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const pick = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : null);
  return { action: pick(obj.action), operatorId: pick(obj.operatorId) };
}

import { DURATION_FORMS, parseDurationMs, type DurationInput } from '../vocabulary/duration.js';

/** What an operator can decide about a payout. */
export const OPERATOR_DECISION_ACTIONS = [
  'confirm-succeeded',
  'confirm-failed',
  'resubmit',
  'keep-waiting',
] as const;
export type OperatorDecisionAction = (typeof OPERATOR_DECISION_ACTIONS)[number];

/** The longest keep-waiting an operator may set: a payout must come back to a person. */
export const MAX_KEEP_WAITING_MS = 30 * 86_400_000;

/**
 * An operator decision as sent by the Web UI, the CLI or the API (update
 * `applyOperatorDecision` or signal `operatorDecision`). Every decision needs `operatorId` and
 * `reason`. A confirm that contradicts the latest verified gateway state needs `override`: why
 * the gateway's report is wrong. `keep-waiting` takes exactly one of `until` (ISO 8601 with
 * offset) or `for` (`"6h"`, `"PT6H"`, milliseconds), at most 30 days ahead.
 */
export type OperatorDecisionInput =
  | {
      readonly action: 'confirm-succeeded' | 'confirm-failed';
      readonly operatorId: string;
      readonly reason: string;
      readonly override?: string;
    }
  | { readonly action: 'resubmit'; readonly operatorId: string; readonly reason: string }
  | {
      readonly action: 'keep-waiting';
      readonly operatorId: string;
      readonly reason: string;
      readonly until?: string;
      readonly for?: DurationInput;
    };

/** A well-formed decision, as recorded: keep-waiting carries its absolute deadline. */
export type OperatorDecision =
  | {
      readonly action: 'confirm-succeeded' | 'confirm-failed';
      readonly operatorId: string;
      readonly reason: string;
      readonly override: string | null;
    }
  | { readonly action: 'resubmit'; readonly operatorId: string; readonly reason: string }
  | {
      readonly action: 'keep-waiting';
      readonly operatorId: string;
      readonly reason: string;
      /** Milliseconds since the epoch. */
      readonly until: number;
    };

/** How a decision arrived. */
export type DecisionChannel = 'signal' | 'update';

/** The rule a refused decision broke; the refusal message starts with it. */
export type DecisionRule =
  | 'invalid-input'
  | 'payout-final'
  | 'only-in-needs-review'
  | 'check-in-progress'
  | 'contradicts-gateway'
  | 'conflict-needs-confirm'
  | 'resubmit-create-accepted'
  | 'resubmit-payout-id-known'
  | 'resubmit-order-seen'
  | 'deadline-not-in-future'
  | 'deadline-too-far'
  | 'four-eyes-same-operator';

/** A refusal: `message` is `<rule>: <what is wrong>`, safe to show (it never echoes values). */
export interface DecisionRefusal {
  readonly ok: false;
  readonly rule: DecisionRule;
  readonly message: string;
  /** What could be read of the input, for the record (cut to 200 characters). */
  readonly action: string | null;
  readonly operatorId: string | null;
}

/** Outcome of {@link parseOperatorDecision}. */
export type ParsedDecision =
  { readonly ok: true; readonly decision: OperatorDecision } | DecisionRefusal;

const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Free text (reason, override) may hold line breaks and tabs, no other control character. */
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const FIELDS: Readonly<Record<OperatorDecisionAction, readonly string[]>> = {
  'confirm-succeeded': ['action', 'operatorId', 'reason', 'override'],
  'confirm-failed': ['action', 'operatorId', 'reason', 'override'],
  resubmit: ['action', 'operatorId', 'reason'],
  'keep-waiting': ['action', 'operatorId', 'reason', 'until', 'for'],
};

/**
 * Reads an operator decision from anything (a signal or update argument is whatever the sender
 * typed). Total: it never throws, and its messages name fields and rules, never values. `now`
 * turns a keep-waiting `for` into its deadline.
 */
export function parseOperatorDecision(input: unknown, now: number): ParsedDecision {
  const obj = isRecord(input) ? input : null;
  const seen = {
    action: readable(obj?.['action']),
    operatorId: readable(obj?.['operatorId']),
  };
  const problems: string[] = [];
  const refuse = (): DecisionRefusal => ({
    ok: false,
    rule: 'invalid-input',
    message: `invalid-input: ${problems.join('; ')}`,
    ...seen,
  });
  if (obj === null) {
    problems.push('(decision): an object with action, operatorId and reason');
    return refuse();
  }
  const action = obj['action'];
  if (!isAction(action)) {
    problems.push(`action: one of ${OPERATOR_DECISION_ACTIONS.join(', ')}`);
    return refuse();
  }
  for (const key of Object.keys(obj)) {
    if (!FIELDS[action].includes(key)) problems.push(`${fieldName(key)}: not a field of ${action}`);
  }
  const operatorId = text(obj, 'operatorId', 200, problems, true);
  const reason = text(obj, 'reason', 2000, problems, false);
  if (action === 'confirm-succeeded' || action === 'confirm-failed') {
    const override =
      obj['override'] === undefined ? null : text(obj, 'override', 2000, problems, false);
    if (problems.length > 0 || operatorId === null || reason === null) return refuse();
    return { ok: true, decision: { action, operatorId, reason, override } };
  }
  if (action === 'resubmit') {
    if (problems.length > 0 || operatorId === null || reason === null) return refuse();
    return { ok: true, decision: { action, operatorId, reason } };
  }
  const until = deadline(obj, now, problems);
  if (problems.length > 0 || operatorId === null || reason === null || until === null) {
    return refuse();
  }
  return { ok: true, decision: { action, operatorId, reason, until } };
}

function deadline(obj: Record<string, unknown>, now: number, problems: string[]): number | null {
  const { until, for: span } = obj;
  if ((until === undefined) === (span === undefined)) {
    problems.push('until: keep-waiting needs exactly one of until or for');
    return null;
  }
  if (until !== undefined) {
    const at =
      typeof until === 'string' && ISO_WITH_OFFSET.test(until) && isCalendarDate(until)
        ? Date.parse(until)
        : NaN;
    if (!Number.isFinite(at)) {
      problems.push('until: an ISO 8601 timestamp with offset, e.g. 2025-01-02T03:04:05Z');
      return null;
    }
    return at;
  }
  const ms = parseDurationMs(span);
  if (ms === undefined || ms < 1 || ms > MAX_KEEP_WAITING_MS) {
    problems.push(`for: a duration from 1 ms to 30 days: ${DURATION_FORMS}`);
    return null;
  }
  return now + ms;
}

function text(
  obj: Record<string, unknown>,
  key: string,
  max: number,
  problems: string[],
  singleLine = true,
): string | null {
  const value = obj[key];
  if (typeof value !== 'string') {
    problems.push(`${key}: required, a string`);
    return null;
  }
  const trimmed = value.trim();
  if (trimmed === '') problems.push(`${key}: must not be empty`);
  else if (trimmed.length > max) problems.push(`${key}: at most ${max} characters`);
  else if (singleLine && CONTROL.test(trimmed)) problems.push(`${key}: no control characters`);
  else if (!singleLine && CONTROL_BUT_LINE_BREAKS.test(trimmed)) {
    problems.push(`${key}: no control characters but line breaks and tabs`);
  } else return trimmed;
  return null;
}

/** Whether the `YYYY-MM-DD` a timestamp starts with is a day of the calendar (no 30 February). */
function isCalendarDate(timestamp: string): boolean {
  const [year = 0, month = 0, day = 0] = timestamp.slice(0, 10).split('-').map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

function isAction(value: unknown): value is OperatorDecisionAction {
  return (OPERATOR_DECISION_ACTIONS as readonly unknown[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readable(value: unknown): string | null {
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

/** A field name as it may appear in a message: short and printable. */
function fieldName(key: string): string {
  const clean = key.replace(/[^\w.-]/g, '?').slice(0, 40);
  return clean === '' ? '(empty field name)' : clean;
}
